// Sign-in with e-mail and password: throttled, audited, and silent about which e-mails exist.
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { Member } from '../members/member.entity';
import { Workspace } from '../workspaces/workspace.entity';
import { verifyDummyPassword, verifyPassword } from './passwords';
import { hashSecretToken } from './secret-token';
import type { ClientContext } from './session-cookie';
import { SessionsService, StartedSession } from './sessions.service';
import { SignInThrottle } from './sign-in-throttle';

export interface SignedIn extends StartedSession {
  member: Member;
  workspace: Workspace;
}

export class SignInThrottledError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      DomainErrorCode.TooManyRequests,
      `Too many failed sign-ins: try again in ${describeWait(retryAfterSeconds)}, or ask an admin for a new invite link`,
      undefined,
      { retryAfterSeconds },
    );
  }
}

const WRONG_CREDENTIALS = 'Wrong email or password';

@Injectable()
export class SignInService {
  private readonly logger = new Logger(SignInService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly throttle: SignInThrottle,
    private readonly audit: AuditService,
  ) {}

  async signIn(email: string, password: string, workspaceId: string | undefined, client: ClientContext): Promise<SignedIn> {
    const lowered = email.trim().toLowerCase();
    const accountHash = hashSecretToken(lowered);
    const address = client.ipAddress ?? 'unknown';
    // Checked before the password, so while throttled even the right password is refused.
    const wait = await this.throttle.retryAfterSeconds(accountHash, address);
    if (wait > 0) {
      throw new SignInThrottledError(wait);
    }
    type Candidate = { id: string; password_hash: string; workspace_id: string; workspace_name: string };
    const candidates = await this.dataSource.query<Candidate[]>(
      `SELECT m.id, m.password_hash, m.workspace_id, w.name AS workspace_name
         FROM members m JOIN workspaces w ON w.id = m.workspace_id
        WHERE lower(m.email) = $1 AND m.disabled_at IS NULL AND m.password_hash IS NOT NULL
          AND ($2::uuid IS NULL OR m.workspace_id = $2::uuid)
        ORDER BY w.name, w.id`,
      [lowered, workspaceId ?? null],
    );
    const matches: Candidate[] = [];
    if (candidates.length === 0) {
      await verifyDummyPassword(password);
    }
    for (const candidate of candidates) {
      if (await verifyPassword(candidate.password_hash, password)) {
        matches.push(candidate);
      }
    }
    if (matches.length === 0) {
      await this.failed(lowered, accountHash, address, client);
      throw new DomainError(DomainErrorCode.Unauthenticated, WRONG_CREDENTIALS);
    }
    if (matches.length > 1) {
      throw new DomainError(
        DomainErrorCode.ChooseWorkspace,
        'This e-mail and password sign in to several workspaces: choose one and send its workspaceId',
        undefined,
        { workspaces: matches.map((match) => ({ id: match.workspace_id, name: match.workspace_name })) },
      );
    }
    await this.throttle.forgive(accountHash);
    return this.dataSource.transaction(async (manager) => {
      const member = await manager.findOneByOrFail(Member, { id: matches[0].id });
      const workspace = await manager.findOneByOrFail(Workspace, { id: member.workspaceId });
      const started = await this.sessions.start(manager, member, client, 'password');
      return { ...started, member, workspace };
    });
  }

  private async failed(lowered: string, accountHash: string, address: string, client: ClientContext): Promise<void> {
    const recorded = await this.throttle.recordFailure(accountHash, address);
    const { accountFailures, addressFailures, windowMinutes } = this.throttle.limits;
    if (recorded.addressBurst) {
      this.logger.warn({ ipAddress: address, failures: addressFailures, windowMinutes }, 'Sign-in throttled for a client address');
    }
    if (!recorded.accountBurst) {
      return;
    }
    // Once per burst: the failure that reached the limit is audited in each workspace the e-mail belongs to.
    const members = await this.dataSource.query<{ id: string; workspace_id: string }[]>(
      'SELECT id, workspace_id FROM members WHERE lower(email) = $1',
      [lowered],
    );
    if (members.length === 0) {
      this.logger.warn({ account: accountHash.slice(0, 12), ipAddress: address, failures: accountFailures, windowMinutes }, 'Sign-in throttled for an e-mail that belongs to no member');
      return;
    }
    // One transaction per workspace: each holds one audit chain's lock, never two.
    for (const member of members) {
      await this.dataSource.transaction(async (manager) => {
        await this.audit.record(manager, member.workspace_id, { memberId: null, label: 'sign-in throttle', requestId: client.requestId }, {
          action: 'sign_in.throttled',
          targetType: 'member',
          targetId: member.id,
          after: { failures: accountFailures, windowMinutes, ipAddress: address, userAgent: client.userAgent },
        });
      });
    }
  }
}

function describeWait(seconds: number): string {
  if (seconds < 60) {
    return `${seconds} second${seconds === 1 ? '' : 's'}`;
  }
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
