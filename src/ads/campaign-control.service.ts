// Pause orders for the crisis switch: pause everything in a scope, keep it paused while the order stands, resume exactly what it paused.
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import type { AuditActor } from '../audit/audit-actor';
import { SYSTEM_ACTOR } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { AD_PLATFORMS, isAdPlatform, type AdPlatform } from './ad-platform';
import { BUDGET_CAP, MANUAL, PAUSE_TAG } from './budget-policy';
import { CampaignAction } from './campaign-action.entity';
import { CampaignChanges } from './campaign-changes';
import { Campaign } from './campaign.entity';
import { PauseOrder } from './pause-order.entity';
import { StatusEnforcer } from './status-enforcer';

export type { AdPlatform } from './ad-platform';

export interface CampaignRef {
  id: string;
  adAccountId: string;
  platform: AdPlatform;
  platformCampaignId: string;
  name: string;
  spendTodayMinor: number;
  spendLifetimeMinor: number;
  currency: string;
}

export interface BulkPauseResult {
  paused: CampaignRef[];
  alreadyPaused: CampaignRef[];
  pending: CampaignRef[];
}

export interface BulkResumeResult {
  resumed: CampaignRef[];
  pending: CampaignRef[];
  keptPaused: CampaignRef[];
}

export interface CampaignActionRecord {
  campaign: CampaignRef;
  action: 'pause' | 'resume' | 're-pause';
  at: Date;
  confirmedAt: Date | null;
  spendAtPauseMinor: number | null;
}

/** What lifting an order decided, before the platforms are told. */
export interface LiftedOrder {
  resuming: Campaign[];
  keptPaused: Campaign[];
}

const DEFAULT_DEADLINE_MS = 10_000;

@Injectable()
export class CampaignControlService {
  private readonly logger = new Logger(CampaignControlService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: CampaignChanges,
    private readonly enforcer: StatusEnforcer,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Pauses every active campaign in scope on its platform (bounded concurrency, 429 honoured), tags each with `reason`
   * (e.g. 'crisis:<uuid>'), records an active pause order (workspace, platforms, reason) that the reconciler enforces
   * until lifted, audits, and returns within `deadlineMs` (default 10 s): what is not confirmed by then is `pending`
   * and keeps being retried in the background. Spend at pause is recorded per campaign.
   * Campaigns already paused for another reason are tagged too (so they stay paused while the order stands);
   * campaigns someone paused on the platform itself are left untagged, so ending the order never resumes them.
   */
  async pauseScope(scope: { workspaceId: string; platforms?: AdPlatform[] }, reason: string, actor: AuditActor, options: { deadlineMs?: number } = {}): Promise<BulkPauseResult> {
    const platforms = checkScope(scope.platforms);
    checkReason(reason);
    const deadline = this.clock.now().getTime() + (options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    const { toDrive, alreadyPaused } = await this.dataSource.transaction(async (manager) => {
      await this.openOrder(manager, scope.workspaceId, reason, platforms, actor);
      return this.tagScope(manager, scope.workspaceId, reason, platforms, actor, 'pause');
    });
    const confirmed = await this.enforcer.drive(toDrive.map((c) => c.id), deadline);
    return {
      paused: toDrive.filter((c) => confirmed.has(c.id)).map(refOf),
      alreadyPaused: alreadyPaused.map(refOf),
      pending: toDrive.filter((c) => !confirmed.has(c.id)).map(refOf),
    };
  }

  /**
   * Lifts the pause order with `reason`; when resume is true, resumes exactly the campaigns still tagged with it
   * (never one paused for another reason: manual, budget_cap, another crisis). With resume false, the campaigns stay
   * paused and tagged: a person resumes them later by clearing the reason explicitly.
   */
  async endPauseOrder(workspaceId: string, reason: string, options: { resume: boolean }, actor: AuditActor, deadlineMs = DEFAULT_DEADLINE_MS): Promise<BulkResumeResult> {
    const lifted = await this.dataSource.transaction((manager) => this.liftOrder(manager, workspaceId, reason, options, actor));
    return this.driveLift(lifted, deadlineMs);
  }

  /**
   * The transactional half of endPauseOrder, in the caller's transaction (the crisis's deactivation): the order is
   * lifted and the campaigns to resume get their target, so the retry job resumes them even if nothing runs after
   * the commit. Call it before the transaction's first audit.record() (row locks before the audit chain's lock).
   */
  async liftOrder(manager: EntityManager, workspaceId: string, reason: string, options: { resume: boolean }, actor: AuditActor): Promise<LiftedOrder> {
    checkReason(reason);
    const order = await manager.findOne(PauseOrder, { where: { workspaceId, reason, liftedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
    const tagged = await manager
      .getRepository(Campaign)
      .createQueryBuilder('c')
      .setLock('pessimistic_write')
      .where('c.workspace_id = :workspaceId AND :reason = ANY(c.pause_reasons)', { workspaceId, reason })
      .orderBy('c.id')
      .getMany();
    if (order) {
      await manager.update(PauseOrder, { id: order.id }, { liftedAt: this.clock.now() });
    }
    await this.audit.record(manager, workspaceId, actor, {
      action: 'pause_order.lifted',
      targetType: 'pause_order',
      targetId: order?.id ?? reason,
      before: order ? { reason, platforms: order.platforms } : null,
      after: { resume: options.resume, tagged: tagged.length },
      reason,
    });
    const resuming: Campaign[] = [];
    const keptPaused: Campaign[] = [];
    for (const campaign of tagged) {
      if (!options.resume) {
        keptPaused.push(campaign);
        continue;
      }
      const { resuming: willResume } = await this.changes.requestResume(manager, campaign, [reason], actor, `Pause order ${reason} lifted`, false);
      (willResume ? resuming : keptPaused).push(campaign);
    }
    if (options.resume && tagged.length > 0) {
      // One event for the whole inverse, in the same transaction, naming every campaign it touched.
      await this.audit.record(manager, workspaceId, actor, {
        action: 'campaigns.resume_requested',
        targetType: 'pause_order',
        targetId: order?.id ?? reason,
        after: { reason, resuming: resuming.map((c) => c.id), keptPaused: keptPaused.map((c) => c.id) },
        reason: `Pause order ${reason} lifted`,
      });
    }
    return { resuming, keptPaused };
  }

  /** After liftOrder committed: drives the resumes until the deadline; what is not confirmed by then the retry job finishes. */
  async driveLift(lifted: LiftedOrder, deadlineMs = DEFAULT_DEADLINE_MS): Promise<BulkResumeResult> {
    const confirmed = await this.enforcer.drive(lifted.resuming.map((c) => c.id), this.clock.now().getTime() + deadlineMs);
    return {
      resumed: lifted.resuming.filter((c) => confirmed.has(c.id)).map(refOf),
      pending: lifted.resuming.filter((c) => !confirmed.has(c.id)).map(refOf),
      keptPaused: lifted.keptPaused.map(refOf),
    };
  }

  /** Every pause/resume done under `reason`, with spend at pause, for the crisis report. */
  async actionsFor(workspaceId: string, reason: string): Promise<CampaignActionRecord[]> {
    const actions = await this.dataSource.getRepository(CampaignAction).find({ where: { workspaceId, reason }, order: { at: 'ASC', id: 'ASC' } });
    const campaigns = await this.dataSource.getRepository(Campaign).findBy({ id: In([...new Set(actions.map((a) => a.campaignId))]) });
    const byId = new Map(campaigns.map((c) => [c.id, c]));
    return actions.map((action) => ({
      campaign: refOf(byId.get(action.campaignId)!),
      action: action.action,
      at: action.at,
      confirmedAt: action.confirmedAt,
      spendAtPauseMinor: action.spendAtPauseMinor,
    }));
  }

  /** The live pause orders, oldest first (the reconciler's work list). */
  liveOrders(workspaceId?: string): Promise<PauseOrder[]> {
    return this.dataSource.getRepository(PauseOrder).find({
      where: { liftedAt: IsNull(), ...(workspaceId ? { workspaceId } : {}) },
      order: { createdAt: 'ASC' },
    });
  }

  /** Under a live order, campaigns in scope that run although not tagged (new ones, or ones someone resumed) are paused too. */
  async enforceOrder(order: PauseOrder): Promise<string[]> {
    const { toDrive } = await this.dataSource.transaction((manager) =>
      this.tagScope(manager, order.workspaceId, order.reason, order.platforms, SYSTEM_ACTOR, 'enforce'),
    );
    return toDrive.map((c) => c.id);
  }

  /**
   * Writes the pause order in the caller's transaction (the crisis's activation), so the order exists exactly when the
   * crisis does: whatever happens after the commit, the reconciler pauses what the order covers and keeps retrying.
   * Touches no campaign and no platform. Call it before the transaction's first audit.record().
   */
  async placeOrder(manager: EntityManager, scope: { workspaceId: string; platforms?: AdPlatform[] }, reason: string, actor: AuditActor): Promise<void> {
    const platforms = checkScope(scope.platforms);
    checkReason(reason);
    await this.openOrder(manager, scope.workspaceId, reason, platforms, actor);
  }

  /** Notes on the live order why enforcing it failed (or, with null, that it succeeded). */
  async noteAttempt(workspaceId: string, reason: string, error: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE pause_orders SET last_error = $3, last_attempt_at = now() WHERE workspace_id = $1 AND reason = $2 AND lifted_at IS NULL`,
      [workspaceId, reason, error === null ? null : error.slice(0, 2000)],
    );
  }

  private async openOrder(manager: EntityManager, workspaceId: string, reason: string, platforms: AdPlatform[], actor: AuditActor): Promise<void> {
    const live = await manager.findOne(PauseOrder, { where: { workspaceId, reason, liftedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
    if (live) {
      const widened = live.platforms.length === 0 || platforms.length === 0 ? [] : [...new Set([...live.platforms, ...platforms])];
      await manager.update(PauseOrder, { id: live.id }, { platforms: widened });
      return;
    }
    const order = await manager.save(manager.create(PauseOrder, { workspaceId, reason, platforms, createdBy: actor.label, liftedAt: null }));
    await this.audit.record(manager, workspaceId, actor, {
      action: 'pause_order.created',
      targetType: 'pause_order',
      targetId: order.id,
      after: { reason, platforms: platforms.length > 0 ? platforms : 'all' },
      reason,
    });
  }

  /**
   * Tags the campaigns in scope (rows locked in id order, so concurrent orders cannot deadlock). In 'pause'
   * mode every running or held campaign is tagged; in 'enforce' mode (the reconciler) only those running.
   */
  private async tagScope(
    manager: EntityManager,
    workspaceId: string,
    reason: string,
    platforms: AdPlatform[],
    actor: AuditActor,
    mode: 'pause' | 'enforce',
  ): Promise<{ toDrive: Campaign[]; alreadyPaused: Campaign[] }> {
    const query = manager
      .getRepository(Campaign)
      .createQueryBuilder('c')
      .innerJoin('ad_accounts', 'a', 'a.id = c.ad_account_id AND a.deleted_at IS NULL')
      .setLock('pessimistic_write', undefined, ['c'])
      .where(`c.workspace_id = :workspaceId AND c.platform_status <> 'inactive'`, { workspaceId })
      .orderBy('c.id');
    if (platforms.length > 0) {
      query.andWhere('c.platform IN (:...platforms)', { platforms });
    }
    const toDrive: Campaign[] = [];
    const alreadyPaused: Campaign[] = [];
    const taggedIds: string[] = [];
    for (const campaign of await query.getMany()) {
      const tagged = campaign.pauseReasons.includes(reason);
      const running = campaign.platformStatus === 'active' || campaign.targetStatus !== null;
      const pausedOutside = campaign.platformStatus === 'paused' && campaign.targetStatus === null && campaign.pauseReasons.length === 0;
      if (pausedOutside || (mode === 'enforce' && (tagged || !running))) {
        if (mode === 'pause') {
          alreadyPaused.push(campaign);
        }
        continue;
      }
      if (tagged && campaign.targetStatus === null && campaign.platformStatus === 'paused') {
        alreadyPaused.push(campaign);
        continue;
      }
      if (tagged && campaign.targetStatus === 'paused') {
        toDrive.push(campaign); // asked before and not confirmed yet: drive it again
        continue;
      }
      const outcome = await this.changes.requestPause(manager, campaign, actor, {
        reason,
        action: 'pause',
        auditAction: 'campaign.order_enforced',
        note: mode === 'pause' ? `Paused by ${reason}` : `Found running under pause order ${reason}`,
        audit: mode === 'enforce',
      });
      (outcome === 'requested' ? toDrive : alreadyPaused).push(campaign);
      if (mode === 'pause') {
        taggedIds.push(campaign.id);
      }
    }
    if (taggedIds.length > 0) {
      // One event for the whole bulk pause, in the same transaction, naming every campaign it tagged.
      await this.audit.record(manager, workspaceId, actor, {
        action: 'campaigns.pause_requested',
        targetType: 'pause_order',
        targetId: reason,
        after: { reason, platforms: platforms.length > 0 ? platforms : 'all', campaignIds: taggedIds },
        reason,
      });
    }
    return { toDrive, alreadyPaused };
  }
}

function refOf(campaign: Campaign): CampaignRef {
  return {
    id: campaign.id,
    adAccountId: campaign.adAccountId,
    platform: campaign.platform,
    platformCampaignId: campaign.platformCampaignId,
    name: campaign.name,
    spendTodayMinor: campaign.spendTodayMinor,
    spendLifetimeMinor: campaign.spendLifetimeMinor,
    currency: campaign.currency,
  };
}

function checkScope(platforms: AdPlatform[] | undefined): AdPlatform[] {
  const list = platforms ?? [];
  const unknown = list.filter((p) => !isAdPlatform(p));
  if (unknown.length > 0) {
    throw DomainError.invalid(`platforms must be among ${AD_PLATFORMS.join(', ')}; unknown: ${unknown.join(', ')}`);
  }
  return [...new Set(list)];
}

function checkReason(reason: string): void {
  if (!PAUSE_TAG.test(reason) || reason === MANUAL || reason === BUDGET_CAP) {
    throw DomainError.invalid(`reason must be a tag such as crisis:<id> (not ${MANUAL} or ${BUDGET_CAP}): got ${JSON.stringify(reason)}`);
  }
}
