// Invite links: how a member sets (or, with a new link from an admin, resets) the password they sign in with.
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf, AuditActor } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import type { Principal } from '../common/principal';
import type { Env } from '../config/env';
import { Member } from '../members/member.entity';
import { Workspace } from '../workspaces/workspace.entity';
import { MemberInvite } from './member-invite.entity';
import { hashPassword, passwordProblems } from './passwords';
import { generateSecretToken, hashSecretToken } from './secret-token';
import { rowsOf } from './sql-rows';
import type { ClientContext } from './session-cookie';
import { memberActor, SessionsService, StartedSession } from './sessions.service';

export const INVITE_LIFETIME_HOURS = 72;

export interface IssuedInvite {
  /** The link to give the member: shown to the admin once, never stored or logged. */
  url: string;
  expiresAt: Date;
}

export interface InviteDetails {
  member: Member;
  workspace: Workspace;
  expiresAt: Date;
}

export interface AcceptedInvite extends StartedSession {
  member: Member;
  workspace: Workspace;
}

const INVALID_LINK = 'This invite link is not valid: ask an admin for a new one';

@Injectable()
export class InvitesService {
  private readonly baseUrl: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    config: ConfigService<Env, true>,
  ) {
    this.baseUrl = config.get('PUBLIC_URL', { infer: true }) ?? `http://localhost:${config.get('PORT', { infer: true })}`;
  }

  /**
   * A new link for the member inside the caller's transaction; their older unused links stop working.
   * Call it after the transaction's own row locks: it records to the audit chain.
   */
  async issue(manager: EntityManager, member: Member, actor: AuditActor): Promise<IssuedInvite> {
    const voided = await rowsOf<{ id: string }>(manager,
      `UPDATE member_invites SET voided_at = now() WHERE member_id = $1 AND used_at IS NULL AND voided_at IS NULL RETURNING id`,
      [member.id],
    );
    const token = generateSecretToken();
    const [row] = await manager.query<{ id: string; expires_at: Date }[]>(
      `INSERT INTO member_invites (workspace_id, member_id, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(hours => $4)) RETURNING id, expires_at`,
      [member.workspaceId, member.id, hashSecretToken(token), INVITE_LIFETIME_HOURS],
    );
    const expiresAt = new Date(row.expires_at);
    await this.audit.record(manager, member.workspaceId, actor, {
      action: 'member.invited',
      targetType: 'member',
      targetId: member.id,
      after: { inviteId: row.id, expiresAt, voidedInvites: voided.length },
    });
    return { url: `${this.baseUrl}/invite/${token}`, expiresAt };
  }

  /** POST /api/members/:id/invite: a new link, which is also how an admin resets a password. */
  issueFor(principal: Principal, memberId: string): Promise<IssuedInvite> {
    return this.dataSource.transaction(async (manager) => {
      const member = await manager.findOne(Member, {
        where: { id: memberId, workspaceId: principal.workspaceId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!member) {
        throw DomainError.notFound('Member', memberId);
      }
      if (member.disabledAt) {
        throw DomainError.conflict(`Member ${memberId} is disabled: a disabled member cannot be invited`);
      }
      await manager.query('SELECT id FROM member_invites WHERE member_id = $1 FOR UPDATE', [member.id]);
      return this.issue(manager, member, actorOf(principal));
    });
  }

  /** What the invite page shows before the member chooses a password. */
  async describe(token: string): Promise<InviteDetails> {
    const invite = await this.dataSource.getRepository(MemberInvite).findOne({
      where: { tokenHash: hashSecretToken(token) },
      relations: { member: true },
    });
    if (!invite || invite.usedAt || invite.voidedAt || !invite.member || invite.member.disabledAt) {
      throw new DomainError(DomainErrorCode.NotFound, INVALID_LINK);
    }
    if (invite.expiresAt.getTime() <= Date.now()) {
      throw new DomainError(DomainErrorCode.Gone, 'This invite link has expired: ask an admin for a new one');
    }
    const workspace = await this.dataSource.getRepository(Workspace).findOneByOrFail({ id: invite.workspaceId });
    return { member: invite.member, workspace, expiresAt: invite.expiresAt };
  }

  /**
   * Sets the member's password and signs them in. The link is used up by one conditional UPDATE, so of
   * two accepts sent at once exactly one succeeds; the other finds the link used (404).
   */
  async accept(token: string, password: string, email: string | undefined, client: ClientContext): Promise<AcceptedInvite> {
    const { member } = await this.describe(token);
    const finalEmail = member.email ?? email;
    if (!finalEmail) {
      throw DomainError.invalid('email is required: this member has no e-mail address yet, and signs in with it', [
        'email must be an e-mail address',
      ]);
    }
    if (member.email && email && email.toLowerCase() !== member.email.toLowerCase()) {
      throw DomainError.invalid(`email must be left out: this member signs in as ${member.email}`, ['email must be left out']);
    }
    const problems = passwordProblems(password, { name: member.name, email: finalEmail });
    if (problems.length > 0) {
      throw DomainError.invalid(problems.join('; '), problems);
    }
    // Hashed before the transaction: argon2 takes tens of milliseconds and holds no lock meanwhile.
    const passwordHash = await hashPassword(password);
    return this.dataSource.transaction(async (manager) => {
      const used = await rowsOf<{ id: string; member_id: string }>(manager,
        `UPDATE member_invites SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND voided_at IS NULL AND expires_at > now()
          RETURNING id, member_id`,
        [hashSecretToken(token)],
      );
      if (used.length === 0) {
        throw new DomainError(DomainErrorCode.NotFound, INVALID_LINK);
      }
      const locked = await manager.findOne(Member, { where: { id: used[0].member_id }, lock: { mode: 'pessimistic_write' } });
      if (!locked || locked.disabledAt) {
        throw new DomainError(DomainErrorCode.NotFound, INVALID_LINK);
      }
      if (!locked.email) {
        const taken = await manager.query<unknown[]>(
          'SELECT 1 FROM members WHERE workspace_id = $1 AND lower(email) = lower($2) AND id <> $3 LIMIT 1',
          [locked.workspaceId, finalEmail, locked.id],
        );
        if (taken.length > 0) {
          throw DomainError.conflict(`Another member of this workspace already signs in as ${finalEmail}: choose another e-mail address`);
        }
      }
      await this.sessions.lockAllOf(manager, locked.id);
      const [updated] = await rowsOf<{ password_changed_at: Date }>(manager,
        `UPDATE members SET password_hash = $1, password_changed_at = now(), email = COALESCE(email, $2), updated_at = now()
          WHERE id = $3 RETURNING password_changed_at`,
        [passwordHash, finalEmail, locked.id],
      );
      const hadPassword = locked.passwordChangedAt !== null;
      locked.email = locked.email ?? finalEmail;
      locked.passwordChangedAt = new Date(updated.password_changed_at);
      const actor = memberActor(locked, client.requestId);
      await this.audit.record(manager, locked.workspaceId, actor, {
        action: 'member.invite_accepted',
        targetType: 'member',
        targetId: locked.id,
        after: { inviteId: used[0].id, email: locked.email, passwordReset: hadPassword },
      });
      // A new password ends the sessions signed in with the old one.
      await this.sessions.revokeAllOf(manager, locked, actor, 'password set from an invite link');
      const started = await this.sessions.start(manager, locked, client, 'invite');
      const workspace = await manager.findOneByOrFail(Workspace, { id: locked.workspaceId });
      return { ...started, member: await manager.findOneByOrFail(Member, { id: locked.id }), workspace };
    });
  }
}
