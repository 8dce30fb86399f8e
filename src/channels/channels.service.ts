// Connected social accounts: credentials sealed at rest, fallbacks chosen in advance within the workspace.
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { actorOf, SYSTEM_ACTOR } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { NetworkPolicy } from '../common/network-policy';
import type { Principal } from '../common/principal';
import type { Env } from '../config/env';
import { Metrics } from '../metrics/metrics';
import { type CredentialRenewal, PublishError, type PublishFailure } from '../publishers/publisher.port';
import { PublisherRegistry } from '../publishers/publisher.registry';
import { CredentialVault } from '../secrets/credential-vault';
import { Channel } from './channel.entity';
import { channelsNeedingReauth, markNeedsReauth } from './channel-status';
import { ChannelVerificationView } from './dto/channel-verification.view';
import type { CreateChannelDto } from './dto/create-channel.dto';
import type { UpdateChannelDto } from './dto/update-channel.dto';
import { resolveFailoverSettings } from '../failover/failover-policy';
import type { Platform } from './platform';
import { validateCredentials } from './platform-credentials';
import { settleReconnected } from './reconnect';

/** A connection check that takes longer than this reports a retryable failure. */
const VERIFY_TIMEOUT_MS = 15_000;
/** Lock class for pg_advisory_xact_lock(class, hashtext(channel)): one credential renewal at a time per channel. */
const CREDENTIAL_RENEWAL_LOCK_CLASS = 7_061_020;
const RENEWAL_LOCK_WAIT_MS = 35_000;
/** Lock class for pg_advisory_xact_lock(class, hashtext(workspace, platform, account)): one connect per account at a time. */
const CONNECT_LOCK_CLASS = 7_061_030;

/** A reconnect reached another account than the channel's: nothing is changed. */
export class AccountMismatchError extends Error {}

@Injectable()
export class ChannelsService {
  private readonly logger = new Logger(ChannelsService.name);
  /** Renewals running in this process, by channel: concurrent sends share one. */
  private readonly renewals = new Map<string, Promise<Record<string, string>>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vault: CredentialVault,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly publishers: PublisherRegistry,
    private readonly network: NetworkPolicy,
    private readonly config: ConfigService<Env, true>,
    metrics: Metrics,
  ) {
    metrics.registry.registerMetric(channelsNeedingReauth);
  }

  create(principal: Principal, dto: CreateChannelDto): Promise<Channel> {
    const credentials = validateCredentials(dto.platform, dto.credentials, { publicUrlsOnly: !this.network.allowPrivate });
    const id = randomUUID();
    return this.dataSource.transaction(async (manager) => {
      const fallbackChannelIds = await this.checkFallbacks(manager, principal.workspaceId, id, dto.fallbackChannelIds ?? []);
      const failover = resolveFailoverSettings({ failoverPolicy: 'off', failoverAfterMinutes: null }, dto, fallbackChannelIds.length);
      const channel = manager.create(Channel, {
        id,
        workspaceId: principal.workspaceId,
        platform: dto.platform,
        name: dto.name,
        handle: dto.handle,
        credentialsSealed: this.vault.seal(credentials, id),
        credentialFields: Object.keys(credentials).sort(),
        fallbackChannelIds,
        ...failover,
        deletedAt: null,
      });
      await manager.insert(Channel, channel);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'channel.created',
        targetType: 'channel',
        targetId: id,
        after: summary(channel),
      });
      return manager.findOneByOrFail(Channel, { id });
    });
  }

  list(principal: Principal): Promise<Channel[]> {
    return this.dataSource.getRepository(Channel).find({
      where: { workspaceId: principal.workspaceId, deletedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async get(principal: Principal, id: string): Promise<Channel> {
    const channel = await this.dataSource
      .getRepository(Channel)
      .findOneBy({ id, workspaceId: principal.workspaceId, deletedAt: IsNull() });
    if (!channel) {
      throw DomainError.notFound('Channel', id);
    }
    return channel;
  }

  update(principal: Principal, id: string, dto: UpdateChannelDto): Promise<Channel> {
    return this.dataSource.transaction(async (manager) => {
      const channel = await this.lockChannel(manager, principal.workspaceId, id);
      const before = summary(channel);
      const changes: Partial<Channel> = {};
      if (dto.name !== undefined) {
        changes.name = dto.name;
      }
      if (dto.handle !== undefined) {
        changes.handle = dto.handle;
      }
      if (dto.credentials !== undefined) {
        const credentials = validateCredentials(channel.platform, dto.credentials, { publicUrlsOnly: !this.network.allowPrivate });
        changes.credentialsSealed = this.vault.seal(credentials, id);
        changes.credentialFields = Object.keys(credentials).sort();
        // New credentials are the reconnection: the channel's due deliveries may go out again.
        changes.status = 'active';
        changes.statusReason = null;
      }
      if (dto.fallbackChannelIds !== undefined) {
        changes.fallbackChannelIds = await this.checkFallbacks(manager, principal.workspaceId, id, dto.fallbackChannelIds);
      }
      if (dto.failoverPolicy !== undefined || dto.failoverAfterMinutes !== undefined || dto.fallbackChannelIds !== undefined) {
        Object.assign(changes, resolveFailoverSettings(channel, dto, (changes.fallbackChannelIds ?? channel.fallbackChannelIds).length));
      }
      await manager.update(Channel, { id }, changes);
      const reconnected = channel.status === 'needs_reauth' && changes.status === 'active' ? await this.settle(manager, id) : null;
      const updated = await manager.findOneByOrFail(Channel, { id });
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'channel.updated',
        targetType: 'channel',
        targetId: id,
        before,
        after: { ...summary(updated), credentialsReplaced: dto.credentials !== undefined, ...(reconnected ? { reconnected } : {}) },
      });
      return updated;
    });
  }

  /**
   * What a connect flow ends with (src/connect): the account a grant reached becomes a channel, in the caller's
   * transaction. With `channelId` it reconnects that channel, which must reach the same account; without, a
   * channel of the workspace already reaching this account is reconnected rather than doubled. A reconnect keeps
   * the stored credentials the new grant does not replace (a grant without a refresh token keeps the old one),
   * makes the channel active, and settles the deliveries that waited for it. Audited; never returns secrets.
   */
  async connectAccount(
    manager: EntityManager,
    principal: Principal,
    platform: Platform,
    account: { accountId: string; name: string; handle: string; credentials: Record<string, string> },
    channelId: string | null,
  ): Promise<{ channel: Channel; reconnected: boolean }> {
    const credentials = validateCredentials(platform, account.credentials, { publicUrlsOnly: !this.network.allowPrivate });
    // Two flows reaching one account at once make one channel, not two.
    await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CONNECT_LOCK_CLASS, `${principal.workspaceId}\n${platform}\n${account.accountId}`]);
    let existing: Channel | null;
    if (channelId) {
      existing = await this.lockChannel(manager, principal.workspaceId, channelId);
      if (existing.platform !== platform) {
        throw DomainError.invalid(`Channel ${channelId} is a ${existing.platform} channel, not ${platform}`);
      }
      if (existing.accountId !== null && existing.accountId !== account.accountId) {
        throw new AccountMismatchError(
          `You signed in as ${account.handle}, but channel "${existing.name}" posts as ${existing.handle}: sign in to the platform as that account, or connect a new channel`,
        );
      }
    } else {
      existing = await manager.findOne(Channel, {
        where: { workspaceId: principal.workspaceId, platform, accountId: account.accountId, deletedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
    }
    if (!existing) {
      const id = randomUUID();
      const channel = manager.create(Channel, {
        id,
        workspaceId: principal.workspaceId,
        platform,
        name: account.name,
        handle: account.handle,
        accountId: account.accountId,
        credentialsSealed: this.vault.seal(credentials, id),
        credentialFields: Object.keys(credentials).sort(),
        fallbackChannelIds: [],
        failoverPolicy: 'off',
        failoverAfterMinutes: null,
        lastVerifiedAt: this.clock.now(),
        deletedAt: null,
      });
      await manager.insert(Channel, channel);
      const created = await manager.findOneByOrFail(Channel, { id });
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'channel.connected',
        targetType: 'channel',
        targetId: id,
        after: { ...summary(created), accountId: account.accountId },
      });
      return { channel: created, reconnected: false };
    }
    const stored = (await this.storedCredentials(manager, existing.id)).credentials;
    // A change of kind (X user keys to an OAuth 2.0 token) replaces everything; otherwise what the grant lacks is kept.
    const merged = stored.authType !== undefined && stored.authType !== credentials.authType ? credentials : { ...stored, ...credentials };
    const kept = validateCredentials(platform, merged, { publicUrlsOnly: !this.network.allowPrivate });
    const before = summary(existing);
    await manager.update(Channel, { id: existing.id }, {
      credentialsSealed: this.vault.seal(kept, existing.id),
      credentialFields: Object.keys(kept).sort(),
      accountId: account.accountId,
      handle: account.handle,
      status: 'active',
      statusReason: null,
      lastVerifiedAt: this.clock.now(),
    });
    const settled = existing.status === 'needs_reauth' ? await this.settle(manager, existing.id) : null;
    const updated = await manager.findOneByOrFail(Channel, { id: existing.id });
    await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
      action: 'channel.reconnected',
      targetType: 'channel',
      targetId: existing.id,
      before,
      after: { ...summary(updated), accountId: account.accountId, ...(settled ? { reconnected: settled } : {}) },
    });
    return { channel: updated, reconnected: true };
  }

  /** Disconnects a channel; refused while another channel names it as a fallback. */
  remove(principal: Principal, id: string): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const channel = await this.lockChannel(manager, principal.workspaceId, id);
      const dependants = await manager
        .getRepository(Channel)
        .createQueryBuilder('c')
        .where('c.workspace_id = :workspaceId AND c.deleted_at IS NULL AND :id = ANY(c.fallback_channel_ids)', {
          workspaceId: principal.workspaceId,
          id,
        })
        .getMany();
      if (dependants.length > 0) {
        throw DomainError.conflict(
          `Channel ${id} is the fallback of ${dependants.map((c) => `${c.name} (${c.id})`).join(', ')}: remove it from their fallbacks first`,
        );
      }
      await manager.update(Channel, { id }, { deletedAt: this.clock.now(), credentialsSealed: '' });
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'channel.deleted',
        targetType: 'channel',
        targetId: id,
        before: summary(channel),
      });
    });
  }

  /**
   * The connection check: asks the platform which account the stored credentials reach, without
   * holding a lock meanwhile. Success makes the channel active; auth_expired marks it needs_reauth;
   * other failures (the platform is down, throttling) leave its status alone. Audited either way.
   */
  async verify(principal: Principal, id: string): Promise<ChannelVerificationView> {
    const channel = await this.get(principal, id);
    const credentials = await this.credentialsOf(id);
    let answer: ChannelVerificationView;
    if (!this.publishers.has(channel.platform)) {
      answer = ChannelVerificationView.failed({ kind: 'permanent', reason: `No connection check exists yet for ${channel.platform}` });
    } else {
      try {
        const account = await this.publishers.get(channel.platform).verify({
          channel: { id, platform: channel.platform, handle: channel.handle },
          credentials,
          signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS),
        });
        answer = ChannelVerificationView.ok(account);
      } catch (error) {
        if (!(error instanceof PublishError)) {
          this.logger.error({ err: error, channelId: id }, 'Connection check failed unexpectedly');
        }
        const failure: PublishFailure =
          error instanceof PublishError ? error.failure : { kind: 'retryable', reason: `The connection check to ${channel.platform} failed unexpectedly` };
        answer = ChannelVerificationView.failed(failure);
      }
    }
    await this.dataSource.transaction(async (manager) => {
      const locked = await this.lockChannel(manager, principal.workspaceId, id);
      let reconnected: { resumed: number; missed: number } | null = null;
      if (answer.ok) {
        await manager.update(Channel, { id }, { status: 'active', statusReason: null, lastVerifiedAt: this.clock.now() });
        reconnected = locked.status === 'needs_reauth' ? await this.settle(manager, id) : null;
      } else if (answer.kind === 'auth_expired') {
        await markNeedsReauth(manager, [{ channelId: id, reason: answer.reason ?? 'the platform refused the credentials' }]);
      }
      const after = await manager.findOneByOrFail(Channel, { id });
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'channel.verified',
        targetType: 'channel',
        targetId: id,
        before: { status: locked.status },
        after: answer.ok
          ? { ok: true, accountId: answer.account?.accountId, handle: answer.account?.handle, status: after.status, ...(reconnected ? { reconnected } : {}) }
          : { ok: false, kind: answer.kind, reason: answer.reason, status: after.status },
      });
    });
    return answer;
  }

  /** A needs_reauth channel became active (its row locked by the caller): its waiting deliveries go out, or are missed past the grace window. */
  private settle(manager: EntityManager, channelId: string): Promise<{ resumed: number; missed: number }> {
    return settleReconnected(manager, channelId, this.config.get('REAUTH_GRACE_MINUTES', { infer: true }));
  }

  /** The decrypted credentials, for the publishers only. */
  async credentialsOf(channelId: string): Promise<Record<string, string>> {
    const row = await this.dataSource
      .getRepository(Channel)
      .createQueryBuilder('c')
      .addSelect('c.credentialsSealed')
      .where('c.id = :channelId AND c.deleted_at IS NULL', { channelId })
      .getOneOrFail();
    return this.vault.open<Record<string, string>>(row.credentialsSealed, channelId);
  }

  /**
   * The publishers' renewCredentials (see publisher.port.ts): one renewal at a time per channel. In
   * this process concurrent sends share one renewal; across instances the channel's advisory lock
   * makes the others wait, then find the fresh credentials stored and use them. X rotates refresh
   * tokens, so two renewals with one refresh token would leave the second with a dead token.
   */
  renewCredentials(channelId: string, renewal: CredentialRenewal): Promise<Record<string, string>> {
    const pending = this.renewals.get(channelId);
    if (pending) {
      return pending;
    }
    const renewing = this.renewUnderLock(channelId, renewal).finally(() => this.renewals.delete(channelId));
    this.renewals.set(channelId, renewing);
    return renewing;
  }

  private renewUnderLock(channelId: string, renewal: CredentialRenewal): Promise<Record<string, string>> {
    return this.dataSource.transaction(async (manager) => {
      // Held through the platform's answer: the lock is the channel's alone, and posts, edits and claims never take it.
      // A renewal stuck longer than a platform request may take (30 s) fails this one as retryable rather than hold its send.
      await manager.query(`SET LOCAL lock_timeout = '${RENEWAL_LOCK_WAIT_MS}ms'`);
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CREDENTIAL_RENEWAL_LOCK_CLASS, channelId]);
      let stored = await this.storedCredentials(manager, channelId);
      if (renewal.usable(stored.credentials)) {
        return stored.credentials;
      }
      let renewed: Record<string, string>;
      try {
        renewed = await renewal.renew(stored.credentials);
      } catch (error) {
        // Refused after the stored credentials changed under us (rotated outside this lock, or replaced
        // by a person): once more with what is stored now.
        const now = await this.storedCredentials(manager, channelId);
        if (now.sealed === stored.sealed) {
          throw error;
        }
        stored = now;
        if (renewal.usable(stored.credentials)) {
          return stored.credentials;
        }
        renewed = await renewal.renew(stored.credentials);
      }
      const checked = validateCredentials(stored.platform, renewed);
      const fields = Object.keys(checked).sort();
      // Compare-and-set: credentials a person replaced while the platform answered are theirs to keep.
      const [kept] = await manager.query<[{ id: string }[], number]>(
        `UPDATE channels SET credentials_sealed = $1, credential_fields = $2, updated_at = now()
          WHERE id = $3 AND credentials_sealed = $4 AND deleted_at IS NULL
          RETURNING id`,
        [this.vault.seal(checked, channelId), fields, channelId, stored.sealed],
      );
      if (kept.length === 0) {
        this.logger.warn({ channelId }, 'The channel credentials changed during a renewal; the renewed ones are discarded');
        return (await this.storedCredentials(manager, channelId)).credentials;
      }
      await this.audit.record(manager, stored.workspaceId, SYSTEM_ACTOR, {
        action: 'channel.credentials_refreshed',
        targetType: 'channel',
        targetId: channelId,
        after: { credentialFields: fields },
      });
      return checked;
    });
  }

  /** What is stored now (READ COMMITTED: the latest committed credentials). */
  private async storedCredentials(
    manager: EntityManager,
    channelId: string,
  ): Promise<{ sealed: string; credentials: Record<string, string>; platform: Platform; workspaceId: string }> {
    const [row] = await manager.query<{ credentials_sealed: string; platform: Platform; workspace_id: string }[]>(
      'SELECT credentials_sealed, platform, workspace_id FROM channels WHERE id = $1 AND deleted_at IS NULL',
      [channelId],
    );
    if (!row) {
      throw new PublishError({ kind: 'permanent', reason: 'The channel was disconnected' });
    }
    return {
      sealed: row.credentials_sealed,
      credentials: this.vault.open<Record<string, string>>(row.credentials_sealed, channelId),
      platform: row.platform,
      workspaceId: row.workspace_id,
    };
  }

  private async lockChannel(manager: EntityManager, workspaceId: string, id: string): Promise<Channel> {
    const channel = await manager.findOne(Channel, {
      where: { id, workspaceId, deletedAt: IsNull() },
      lock: { mode: 'pessimistic_write' },
    });
    if (!channel) {
      throw DomainError.notFound('Channel', id);
    }
    return channel;
  }

  private async checkFallbacks(manager: EntityManager, workspaceId: string, selfId: string, ids: string[]): Promise<string[]> {
    if (ids.includes(selfId)) {
      throw DomainError.invalid('fallbackChannelIds must not contain the channel itself');
    }
    if (ids.length === 0) {
      return [];
    }
    const found = await manager.findBy(Channel, { id: In(ids), workspaceId, deletedAt: IsNull() });
    const missing = ids.filter((id) => !found.some((c) => c.id === id));
    if (missing.length > 0) {
      throw DomainError.invalid(`fallbackChannelIds names channels that do not exist in this workspace: ${missing.join(', ')}`);
    }
    return ids;
  }
}

/** What the audit trail keeps of a channel: never the credentials, only which fields are set. */
function summary(channel: Channel): Record<string, unknown> {
  return {
    platform: channel.platform,
    name: channel.name,
    handle: channel.handle,
    credentialFields: channel.credentialFields,
    fallbackChannelIds: channel.fallbackChannelIds,
    failoverPolicy: channel.failoverPolicy,
    failoverAfterMinutes: channel.failoverAfterMinutes,
    status: channel.status,
  };
}
