// On the first start with an empty database: create the operator workspace and print its admin key, once.
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Env } from '../config/env';
import { WorkspacesService } from './workspaces.service';

@Injectable()
export class FirstStart implements OnApplicationBootstrap {
  private readonly logger = new Logger(FirstStart.name);

  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly config: ConfigService<Env, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const suppliedKey = this.config.get('HOLDFAST_ADMIN_KEY', { infer: true });
    const created = await this.workspaces.bootstrap(suppliedKey);
    if (!created) {
      return;
    }
    this.logger.log({ workspaceId: created.workspace.id, memberId: created.member.id }, 'Created the operator workspace and its admin');
    const invite = [
      '  To sign in to the console, open this invite link and choose a password (single use, until',
      `  ${created.invite.expiresAt.toISOString()}; an admin can issue a new one with POST /api/members/:id/invite):`,
      '',
      `    ${created.invite.url}`,
      '',
      '',
    ];
    // Printed straight to the terminal, never through the logger: logs must not carry secrets.
    if (suppliedKey) {
      this.logger.log('The admin API key is the one given in HOLDFAST_ADMIN_KEY');
      process.stdout.write(['', '  Holdfast is ready.', '', ...invite].join('\n'));
      return;
    }
    process.stdout.write(
      [
        '',
        '  Holdfast is ready. The admin API key (shown this once, stored only as a hash):',
        '',
        `    ${created.issued.key}`,
        '',
        '  Use it as: Authorization: Bearer <key>',
        '',
        ...invite,
      ].join('\n'),
    );
  }
}
