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
    if (suppliedKey) {
      // Automation chose the key, so it can ask for the link itself; the terminal stays quiet.
      this.logger.log(
        { memberId: created.member.id },
        'The admin API key is the one given in HOLDFAST_ADMIN_KEY; POST /api/members/:id/invite gives the admin a console invite link',
      );
      return;
    }
    // Printed straight to the terminal, never through the logger: logs must not carry secrets.
    process.stdout.write(
      [
        '',
        '  Holdfast is ready. The admin API key (shown this once, stored only as a hash):',
        '',
        `    ${created.issued.key}`,
        '',
        '  Use it as: Authorization: Bearer <key>',
        '',
        '  To sign in to the console, open this invite link and choose an e-mail and a password (single use,',
        `  until ${created.invite.expiresAt.toISOString()}; a new one: POST /api/members/${created.member.id}/invite):`,
        '',
        `    ${created.invite.url}`,
        '',
        '',
      ].join('\n'),
    );
  }
}
