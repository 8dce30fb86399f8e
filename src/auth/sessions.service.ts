// Console sessions: started on sign-in or invite accept, checked on every cookie request, listed and ended.
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf, AuditActor } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import type { Env } from '../config/env';
import { queryPrepared } from '../database/prepared';
import { Member } from '../members/member.entity';
import { MemberSession } from './member-session.entity';
import { generateSecretToken, hashSecretToken } from './secret-token';
import { rowsOf } from './sql-rows';
import type { ClientContext, ConsoleSession } from './session-cookie';

export interface StartedSession {
  session: MemberSession;
  /** The cookie's value: given to the browser once, stored only as a hash. */
  token: string;
}

export interface AuthenticatedSession {
  principal: Principal;
  session: ConsoleSession;
}

/** A session's last request is stamped at most this often, so checking a session rarely writes. */
const LAST_SEEN_RESOLUTION_SECONDS = 60;

@Injectable()
export class SessionsService {
  private readonly idleMinutes: number;
  private readonly absoluteHours: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    config: ConfigService<Env, true>,
  ) {
    this.idleMinutes = config.get('SESSION_IDLE_MINUTES', { infer: true });
    this.absoluteHours = config.get('SESSION_ABSOLUTE_HOURS', { infer: true });
  }

  /** Starts a session for a member inside the caller's transaction (audited there, last). */
  async start(manager: EntityManager, member: Member, client: ClientContext, how: 'password' | 'invite'): Promise<StartedSession> {
    const token = generateSecretToken();
    const [row] = await manager.query<{ id: string }[]>(
      `INSERT INTO member_sessions (workspace_id, member_id, token_hash, csrf_token, user_agent, ip_address, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(hours => $7)) RETURNING id`,
      [member.workspaceId, member.id, hashSecretToken(token), randomBytes(32).toString('base64url'), client.userAgent, client.ipAddress, this.absoluteHours],
    );
    const session = await manager.findOneByOrFail(MemberSession, { id: row.id });
    await this.audit.record(manager, member.workspaceId, memberActor(member, client.requestId), {
      action: 'session.signed_in',
      targetType: 'member_session',
      targetId: session.id,
      after: { memberId: member.id, via: how, userAgent: session.userAgent, ipAddress: session.ipAddress, expiresAt: session.expiresAt },
    });
    return { session, token };
  }

  async authenticate(token: string, requestId: string): Promise<AuthenticatedSession | undefined> {
    type Row = {
      session_id: string;
      csrf_token: string;
      expires_at: Date;
      last_seen_at: Date;
      member_id: string;
      name: string;
      roles: Principal['roles'];
      workspace_id: string;
      is_operator: boolean;
    };
    // One round trip, like the API key check: the session is read and its last request stamped together.
    const rows = await queryPrepared<Row>(
      this.dataSource,
      'holdfast_authenticate_session',
      `WITH found AS (
         SELECT s.id AS session_id, s.csrf_token, s.expires_at, s.last_seen_at,
                m.id AS member_id, m.name, m.roles, w.id AS workspace_id, w.is_operator
           FROM member_sessions s
           JOIN members m ON m.id = s.member_id
           JOIN workspaces w ON w.id = m.workspace_id
          WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND m.disabled_at IS NULL
            AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(mins => $3)),
       stamped AS (
         UPDATE member_sessions SET last_seen_at = now()
          WHERE id = (SELECT session_id FROM found) AND last_seen_at < now() - make_interval(secs => $2)
         RETURNING last_seen_at)
       SELECT found.session_id, found.csrf_token, found.expires_at, COALESCE((SELECT last_seen_at FROM stamped), found.last_seen_at) AS last_seen_at,
              found.member_id, found.name, found.roles, found.workspace_id, found.is_operator
         FROM found`,
      [hashSecretToken(token), LAST_SEEN_RESOLUTION_SECONDS, this.idleMinutes],
    );
    const row = rows[0];
    if (!row) {
      return undefined;
    }
    return {
      principal: {
        memberId: row.member_id,
        memberName: row.name,
        workspaceId: row.workspace_id,
        roles: row.roles,
        apiKeyId: null,
        sessionId: row.session_id,
        operator: row.is_operator,
        requestId,
      },
      session: {
        id: row.session_id,
        csrfToken: row.csrf_token,
        expiresAt: new Date(row.expires_at),
        idleExpiresAt: this.idleExpiryOf(new Date(row.last_seen_at), new Date(row.expires_at)),
      },
    };
  }

  idleExpiryOf(lastSeenAt: Date, expiresAt: Date): Date {
    return new Date(Math.min(lastSeenAt.getTime() + this.idleMinutes * 60_000, expiresAt.getTime()));
  }

  /** The member's sessions still alive, newest first. */
  async listOf(workspaceId: string, memberId: string): Promise<MemberSession[]> {
    const member = await this.dataSource.getRepository(Member).findOneBy({ id: memberId, workspaceId });
    if (!member) {
      throw DomainError.notFound('Member', memberId);
    }
    return this.dataSource
      .getRepository(MemberSession)
      .createQueryBuilder('s')
      .where('s.member_id = :memberId AND s.workspace_id = :workspaceId AND s.revoked_at IS NULL', { memberId, workspaceId })
      .andWhere('s.expires_at > now() AND s.last_seen_at > now() - make_interval(mins => :idle)', { idle: this.idleMinutes })
      .orderBy('s.created_at', 'DESC')
      .addOrderBy('s.id', 'ASC')
      .getMany();
  }

  /** Ends one session of `memberId` (the caller's own, or any member's for an admin: the controller decides). */
  revoke(principal: Principal, memberId: string, sessionId: string): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const session = await manager.findOne(MemberSession, {
        where: { id: sessionId, memberId, workspaceId: principal.workspaceId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!session) {
        throw DomainError.notFound('Session', sessionId);
      }
      if (session.revokedAt) {
        return;
      }
      await manager.query('UPDATE member_sessions SET revoked_at = now() WHERE id = $1', [session.id]);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'session.revoked',
        targetType: 'member_session',
        targetId: session.id,
        before: { revokedAt: null },
        after: { memberId: session.memberId, userAgent: session.userAgent, ipAddress: session.ipAddress },
      });
    });
  }

  /** Sign-out: the session ends on the server, whatever the browser does with its cookie. */
  signOut(principal: Principal): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      if (!principal.sessionId) {
        return;
      }
      const ended = await rowsOf<{ id: string }>(manager,
        'UPDATE member_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id',
        [principal.sessionId],
      );
      if (ended.length === 0) {
        return;
      }
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'session.signed_out',
        targetType: 'member_session',
        targetId: principal.sessionId,
        after: { memberId: principal.memberId },
      });
    });
  }

  /** Locks the member's live sessions: call before the first audit record of the caller's transaction. */
  async lockAllOf(manager: EntityManager, memberId: string): Promise<void> {
    await manager.query('SELECT id FROM member_sessions WHERE member_id = $1 AND revoked_at IS NULL FOR UPDATE', [memberId]);
  }

  /** Ends every session of a member inside the caller's transaction (lock them first with lockAllOf). */
  async revokeAllOf(manager: EntityManager, member: Member, actor: AuditActor, reason: string): Promise<number> {
    const ended = await rowsOf<{ id: string; user_agent: string | null; ip_address: string | null }>(manager,
      'UPDATE member_sessions SET revoked_at = now() WHERE member_id = $1 AND revoked_at IS NULL RETURNING id, user_agent, ip_address',
      [member.id],
    );
    for (const session of ended) {
      await this.audit.record(manager, member.workspaceId, actor, {
        action: 'session.revoked',
        targetType: 'member_session',
        targetId: session.id,
        before: { revokedAt: null },
        after: { memberId: member.id, userAgent: session.user_agent, ipAddress: session.ip_address },
        reason,
      });
    }
    return ended.length;
  }
}

export function memberActor(member: Member, requestId: string | null): AuditActor {
  return { memberId: member.id, label: member.name, requestId };
}
