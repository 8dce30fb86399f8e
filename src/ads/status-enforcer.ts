// Drives campaigns to the status asked of them and records it only once the platform reads it back:
// bounded concurrency, rate limits honoured per account, retries with backoff until confirmed.
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, In, IsNull } from 'typeorm';
import { SYSTEM_ACTOR } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import type { Env } from '../config/env';
import { retryDelayMs } from '../dispatch/backoff';
import { AdAccountsService } from './ad-accounts.service';
import { AdPlatformError, type AdAccountAccess, type PlatformCampaignStatus } from './ad-platform.port';
import { AdPlatformRegistry } from './ad-platform.registry';
import { AdsMetrics } from './ads.metrics';
import { displayStatus, type TargetStatus } from './budget-policy';
import { CampaignAction } from './campaign-action.entity';
import { Campaign } from './campaign.entity';

/** Backoff between scheduled attempts at an unconfirmed change: from about a second up to five minutes. */
const SCHEDULED_BACKOFF = { baseMs: 1_000, capMs: 5 * 60_000 };
/** Within one drive, a read-back that disagrees is tried again after 250 ms, 500 ms, … 2 s. */
const INLINE_RETRY_MS = 250;
const INLINE_RETRY_CAP_MS = 2_000;

type Access = AdAccountAccess & { secrets: string[] };

interface Confirmation {
  campaign: Campaign;
  target: TargetStatus;
  read: PlatformCampaignStatus;
  resolve: (confirmed: boolean) => void;
  reject: (error: unknown) => void;
}

/** Confirmations written per transaction at most. */
const CONFIRM_BATCH = 100;

@Injectable()
export class StatusEnforcer {
  private readonly logger = new Logger(StatusEnforcer.name);
  /** No call to an account before this instant (epoch ms): the end of its platform's rate-limit window. */
  private readonly notBefore = new Map<string, number>();
  private readonly concurrency: number;
  private readonly confirmations: Confirmation[] = [];
  private flusher: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly adapters: AdPlatformRegistry,
    private readonly accounts: AdAccountsService,
    private readonly audit: AuditService,
    private readonly metrics: AdsMetrics,
    private readonly clock: Clock,
    config: ConfigService<Env, true>,
  ) {
    this.concurrency = config.get('ADS_CONCURRENCY', { infer: true });
  }

  /**
   * Drives each campaign that has a target status until the platform reads it back, or until
   * `deadline` (epoch ms); what is not confirmed by then is scheduled for the retry job. At least one
   * attempt is made per campaign unless its account is rate-limited beyond the deadline.
   * Resolves with the ids confirmed during this call.
   */
  async drive(campaignIds: string[], deadline: number): Promise<Set<string>> {
    const confirmed = new Set<string>();
    const access = new Map<string, Promise<Access>>();
    if (deadline > this.clock.now().getTime() && campaignIds.length > 0) {
      // This call works on them until the deadline: keep the retry job (on any instance) off them meanwhile.
      await this.dataSource.query(`UPDATE campaigns SET next_attempt_at = $2 WHERE id = ANY($1::uuid[]) AND target_status IS NOT NULL`, [campaignIds, new Date(deadline)]);
    }
    const queue = [...campaignIds];
    const worker = async (): Promise<void> => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          if (await this.driveOne(id, deadline, access)) {
            confirmed.add(id);
          }
        } catch (error) {
          this.logger.error({ err: error, campaignId: id }, 'Driving a campaign failed unexpectedly');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
    return confirmed;
  }

  /** The ids of unconfirmed changes whose next attempt is due. */
  async due(limit = 500): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT c.id FROM campaigns c JOIN ad_accounts a ON a.id = c.ad_account_id
        WHERE c.target_status IS NOT NULL AND c.next_attempt_at <= $1 AND a.deleted_at IS NULL
        ORDER BY c.next_attempt_at LIMIT $2`,
      [this.clock.now(), limit],
    );
    return rows.map((row) => row.id);
  }

  private async driveOne(id: string, deadline: number, accessCache: Map<string, Promise<Access>>): Promise<boolean> {
    for (let inline = 1; ; inline++) {
      const campaign = await this.dataSource.getRepository(Campaign).findOneBy({ id });
      if (!campaign?.targetStatus) {
        return campaign !== null && campaign.status !== 'pause_pending' && campaign.status !== 'resume_pending';
      }
      const target = campaign.targetStatus;
      const gate = this.notBefore.get(campaign.adAccountId) ?? 0;
      if (gate > deadline) {
        await this.schedule(campaign, target, null, null, new Date(gate));
        return false;
      }
      if (gate > this.clock.now().getTime()) {
        await sleep(gate - this.clock.now().getTime());
      }
      let access: Access;
      try {
        access = await this.accessOf(campaign.adAccountId, accessCache);
      } catch {
        accessCache.delete(campaign.adAccountId);
        await this.schedule(campaign, target, null, 'The ad account is disconnected or its credentials cannot be read', null);
        return false;
      }
      const adapter = this.adapters.get(campaign.platform);
      let read: PlatformCampaignStatus | null = null;
      let problem: string;
      let permanent = false;
      try {
        await adapter.setStatus(access, campaign.platformCampaignId, target);
        read = await adapter.readStatus(access, campaign.platformCampaignId);
        if (read.status === target) {
          this.metrics.platformCalls.inc({ platform: campaign.platform, outcome: 'confirmed' });
          if (await this.confirm(campaign, target, read)) {
            return true;
          }
          continue; // the target changed meanwhile: drive to the new one
        }
        this.metrics.platformCalls.inc({ platform: campaign.platform, outcome: 'not_confirmed' });
        problem = `${campaign.platform} acknowledged the ${target === 'paused' ? 'pause' : 'resume'} but reads the campaign back as ${read.rawStatus}`;
      } catch (error) {
        const failure = error instanceof AdPlatformError ? error.failure : { kind: 'retryable' as const, reason: String(error) };
        this.metrics.platformCalls.inc({ platform: campaign.platform, outcome: failure.kind });
        problem = redact(failure.reason, access.secrets);
        if (failure.kind === 'rate_limited') {
          this.notBefore.set(campaign.adAccountId, Math.max(gate, failure.until.getTime()));
          continue; // wait for the window (or schedule past the deadline) at the top
        }
        permanent = failure.kind === 'permanent' || failure.kind === 'auth_expired';
      }
      const pause = Math.min(INLINE_RETRY_MS * 2 ** (inline - 1), INLINE_RETRY_CAP_MS);
      if (permanent || this.clock.now().getTime() + pause >= deadline) {
        await this.schedule(campaign, target, read, problem, null);
        return false;
      }
      await this.recordRead(campaign, target, read, problem);
      await sleep(pause);
    }
  }

  private accessOf(accountId: string, cache: Map<string, Promise<Access>>): Promise<Access> {
    let access = cache.get(accountId);
    if (!access) {
      access = this.accounts.accessOf(accountId).then((found) => ({ ...found, secrets: Object.values(found.credentials) }));
      cache.set(accountId, access);
    }
    return access;
  }

  /**
   * Records the read-back that confirms the target. Confirmations arriving together are written in one
   * transaction (rows in id order, then the audit chain), so a bulk pause does not queue 200 transactions
   * on the workspace's audit lock; each change still commits with its own audit event.
   */
  private confirm(campaign: Campaign, target: TargetStatus, read: PlatformCampaignStatus): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.confirmations.push({ campaign, target, read, resolve, reject });
      this.flusher ??= this.flushConfirmations();
    });
  }

  private async flushConfirmations(): Promise<void> {
    try {
      while (this.confirmations.length > 0) {
        const batch = this.confirmations.splice(0, CONFIRM_BATCH);
        try {
          const results = await this.confirmBatch(batch);
          batch.forEach((item, i) => item.resolve(results[i]));
        } catch (error) {
          batch.forEach((item) => item.reject(error));
        }
      }
    } finally {
      this.flusher = null;
    }
  }

  private confirmBatch(batch: Confirmation[]): Promise<boolean[]> {
    const order = batch
      .map((item, index) => ({ item, index }))
      .sort((a, b) => a.item.campaign.workspaceId.localeCompare(b.item.campaign.workspaceId) || a.item.campaign.id.localeCompare(b.item.campaign.id));
    return this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const results = new Array<boolean>(batch.length).fill(false);
      for (const { item, index } of order) {
        const { campaign, target, read } = item;
        const result = await manager
          .createQueryBuilder()
          .update(Campaign)
          .set({
            platformStatus: read.status,
            platformStatusRaw: read.rawStatus,
            status: displayStatus(read.status, null),
            targetStatus: null,
            attempts: 0,
            nextAttemptAt: null,
            lastError: null,
            confirmedAt: now,
          })
          .where('id = :id AND target_status = :target', { id: campaign.id, target })
          .execute();
        if (result.affected !== 1) {
          continue;
        }
        results[index] = true;
        const actions: CampaignAction['action'][] = target === 'paused' ? ['pause', 're-pause'] : ['resume'];
        await manager.update(CampaignAction, { campaignId: campaign.id, confirmedAt: IsNull(), action: In(actions) }, { confirmedAt: now });
      }
      for (const { item, index } of order) {
        if (!results[index]) {
          continue;
        }
        const { campaign, target, read } = item;
        await this.audit.record(manager, campaign.workspaceId, SYSTEM_ACTOR, {
          action: target === 'paused' ? 'campaign.paused' : 'campaign.resumed',
          targetType: 'campaign',
          targetId: campaign.id,
          after: { platformStatus: read.rawStatus, pauseReasons: campaign.pauseReasons, attempts: campaign.attempts + 1 },
          reason: `Read back from ${campaign.platform}`,
        });
      }
      return results;
    });
  }

  /** Not confirmed yet: keep what the platform said, and when to try next. */
  private async schedule(campaign: Campaign, target: TargetStatus, read: PlatformCampaignStatus | null, problem: string | null, notBefore: Date | null): Promise<void> {
    const attempts = campaign.attempts + 1;
    const backoff = this.clock.now().getTime() + retryDelayMs(attempts, SCHEDULED_BACKOFF);
    const next = new Date(Math.max(backoff, notBefore?.getTime() ?? 0));
    await this.update(campaign, target, read, { attempts, nextAttemptAt: next, ...(problem !== null ? { lastError: problem } : {}) });
  }

  private recordRead(campaign: Campaign, target: TargetStatus, read: PlatformCampaignStatus | null, problem: string): Promise<void> {
    return this.update(campaign, target, read, { attempts: campaign.attempts + 1, lastError: problem });
  }

  private async update(campaign: Campaign, target: TargetStatus, read: PlatformCampaignStatus | null, changes: Partial<Campaign>): Promise<void> {
    const platform = read ? { platformStatus: read.status, platformStatusRaw: read.rawStatus, status: displayStatus(read.status, target) } : {};
    await this.dataSource
      .createQueryBuilder()
      .update(Campaign)
      .set({ ...changes, ...platform })
      .where('id = :id AND target_status = :target', { id: campaign.id, target })
      .execute();
    campaign.attempts = changes.attempts ?? campaign.attempts;
  }
}

/** Defence in depth: whatever a platform put in a reason, no credential is stored or shown. */
function redact(reason: string, secrets: string[]): string {
  return secrets.filter((secret) => secret.length >= 4).reduce((text, secret) => text.split(secret).join('[redacted]'), reason);
}
