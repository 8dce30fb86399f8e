// Issues, authenticates and revokes API keys.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Counter } from 'prom-client';
import { queryPrepared } from '../database/prepared';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { actorOf, AuditActor } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { Metrics } from '../metrics/metrics';
import { Member } from '../members/member.entity';
import { ApiKey } from './api-key.entity';
import { describeApiKeySecret, generateApiKeySecret, hashApiKey } from './api-key-secret';

export interface IssuedApiKey {
  apiKey: ApiKey;
  /** The key itself: returned once, never stored. */
  key: string;
}

/** A key's last use is written at most this often, so authentication rarely writes. */
const LAST_USED_RESOLUTION_SECONDS = 60;

@Injectable()
export class ApiKeysService {
  private readonly authentications: Counter<'outcome'>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    metrics: Metrics,
  ) {
    this.authentications = metrics.counter('holdfast_api_key_authentications_total', 'API key checks by outcome', ['outcome']);
  }

  async authenticate(key: string, requestId: string): Promise<Principal | undefined> {
    type Row = { key_id: string; member_id: string; name: string; roles: Principal['roles']; workspace_id: string; is_operator: boolean };
    // One round trip: the key is read and its last use stamped (at most once per resolution) together.
    const rows = await queryPrepared<Row>(
      this.dataSource,
      'holdfast_authenticate',
      `WITH found AS (
         SELECT k.id AS key_id, m.id AS member_id, m.name, m.roles, w.id AS workspace_id, w.is_operator
           FROM api_keys k
           JOIN members m ON m.id = k.member_id
           JOIN workspaces w ON w.id = m.workspace_id
          WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND m.disabled_at IS NULL),
       stamped AS (
         UPDATE api_keys SET last_used_at = now()
          WHERE id = (SELECT key_id FROM found) AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2)))
       SELECT key_id, member_id, name, roles, workspace_id, is_operator FROM found`,
      [hashApiKey(key), LAST_USED_RESOLUTION_SECONDS],
    );
    const row = rows[0];
    if (!row) {
      this.authentications.inc({ outcome: 'rejected' });
      return undefined;
    }
    this.authentications.inc({ outcome: 'accepted' });
    return {
      memberId: row.member_id,
      memberName: row.name,
      workspaceId: row.workspace_id,
      roles: row.roles,
      apiKeyId: row.key_id,
      sessionId: null,
      operator: row.is_operator,
      requestId,
    };
  }

  /** Issues a key for a member inside the caller's transaction (audited there). */
  async issue(
    manager: EntityManager,
    member: Member,
    actor: AuditActor,
    options: { name?: string | null; suppliedKey?: string } = {},
  ): Promise<IssuedApiKey> {
    const secret = options.suppliedKey ? describeApiKeySecret(options.suppliedKey) : generateApiKeySecret();
    const apiKey = manager.create(ApiKey, {
      workspaceId: member.workspaceId,
      memberId: member.id,
      name: options.name ?? null,
      prefix: secret.prefix,
      keyHash: secret.hash,
      lastUsedAt: null,
      revokedAt: null,
    });
    await manager.save(apiKey);
    await this.audit.record(manager, member.workspaceId, actor, {
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: apiKey.id,
      after: { memberId: member.id, name: apiKey.name, prefix: apiKey.prefix },
    });
    return { apiKey, key: secret.key };
  }

  async issueFor(principal: Principal, memberId: string, name: string | undefined): Promise<IssuedApiKey> {
    return this.dataSource.transaction(async (manager) => {
      const member = await manager.findOneBy(Member, { id: memberId, workspaceId: principal.workspaceId });
      if (!member) {
        throw DomainError.notFound('Member', memberId);
      }
      if (member.disabledAt) {
        throw DomainError.conflict(`Member ${memberId} is disabled; enable it before issuing keys`);
      }
      return this.issue(manager, member, actorOf(principal), { name });
    });
  }

  async listFor(principal: Principal, memberId: string): Promise<ApiKey[]> {
    const member = await this.dataSource.getRepository(Member).findOneBy({ id: memberId, workspaceId: principal.workspaceId });
    if (!member) {
      throw DomainError.notFound('Member', memberId);
    }
    return this.dataSource.getRepository(ApiKey).find({ where: { memberId }, order: { createdAt: 'ASC' } });
  }

  /** An admin may revoke any key of the workspace; any member may revoke their own keys. */
  async revoke(principal: Principal, keyId: string): Promise<ApiKey> {
    return this.dataSource.transaction(async (manager) => {
      const apiKey = await manager.findOne(ApiKey, {
        where: { id: keyId, workspaceId: principal.workspaceId },
        lock: { mode: 'pessimistic_write' },
      });
      const mayRevoke = apiKey && (principal.roles.includes('admin') || apiKey.memberId === principal.memberId);
      if (!apiKey || !mayRevoke) {
        throw DomainError.notFound('API key', keyId);
      }
      if (apiKey.revokedAt) {
        return apiKey;
      }
      apiKey.revokedAt = this.clock.now();
      await manager.save(apiKey);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'api_key.revoked',
        targetType: 'api_key',
        targetId: apiKey.id,
        before: { revokedAt: null },
        after: { memberId: apiKey.memberId, prefix: apiKey.prefix, revokedAt: apiKey.revokedAt },
      });
      return apiKey;
    });
  }

  /** Revokes every live key of a member inside the caller's transaction. */
  async revokeAllOf(manager: EntityManager, member: Member, actor: AuditActor): Promise<number> {
    const live = await manager.findBy(ApiKey, { memberId: member.id, revokedAt: IsNull() });
    for (const apiKey of live) {
      apiKey.revokedAt = this.clock.now();
      await manager.save(apiKey);
      await this.audit.record(manager, member.workspaceId, actor, {
        action: 'api_key.revoked',
        targetType: 'api_key',
        targetId: apiKey.id,
        before: { revokedAt: null },
        after: { memberId: member.id, prefix: apiKey.prefix, revokedAt: apiKey.revokedAt },
        reason: 'member disabled',
      });
    }
    return live.length;
  }
}
