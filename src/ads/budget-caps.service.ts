// Enforces the caps: a campaign whose spend reached its daily or lifetime cap, or a workspace past its monthly cap, is paused (budget_cap).
import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf, SYSTEM_ACTOR } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { WebhookEvents } from '../webhooks/webhook-events.service';
import { AdSpendCap } from './ad-spend-cap.entity';
import { AdsMetrics } from './ads.metrics';
import { BUDGET_CAP, capProblem, reachedCap, reachedMonthlyCap, type CapBreach } from './budget-policy';
import { CampaignChanges } from './campaign-changes';
import { Campaign } from './campaign.entity';
import { formatMinor, isCurrency } from './money';

@Injectable()
export class BudgetCapsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: CampaignChanges,
    private readonly audit: AuditService,
    private readonly metrics: AdsMetrics,
    private readonly clock: Clock,
    @Optional() private readonly webhooks?: WebhookEvents,
  ) {}

  /** Pauses (reason budget_cap) every campaign of the workspace over a cap; answers the ids to drive to paused. */
  async enforce(workspaceId: string): Promise<string[]> {
    const toDrive: string[] = [];
    const candidates = await this.dataSource
      .getRepository(Campaign)
      .createQueryBuilder('c')
      .innerJoin('ad_accounts', 'a', 'a.id = c.ad_account_id AND a.deleted_at IS NULL')
      .where(`c.workspace_id = :workspaceId AND NOT (:cap = ANY(c.pause_reasons)) AND c.platform_status <> 'inactive'`, { workspaceId, cap: BUDGET_CAP })
      .orderBy('c.id')
      .getMany();
    const monthly = await this.monthlyBreach(workspaceId);
    for (const candidate of candidates) {
      const breach = reachedCap(candidate) ?? (monthly && candidate.currency === monthly.currency ? monthly.breach : null);
      if (breach && (await this.pauseForCap(candidate.id, breach))) {
        toDrive.push(candidate.id);
      }
    }
    return toDrive;
  }

  async monthlyCap(workspaceId: string): Promise<{ cap: AdSpendCap | null; spentThisMonthMinor: number }> {
    const cap = await this.dataSource.getRepository(AdSpendCap).findOneBy({ workspaceId });
    return { cap, spentThisMonthMinor: cap ? await this.spentThisMonth(this.dataSource.manager, workspaceId, cap.currency) : 0 };
  }

  /** Sets (or with null removes) the workspace's monthly cap; every connected account must be in its currency. */
  setMonthlyCap(principal: Principal, monthlyCapMinor: number | null, currency: string): Promise<AdSpendCap | null> {
    if (!isCurrency(currency)) {
      throw DomainError.invalid('currency must be an ISO 4217 code such as EUR, USD or JPY', ['currency must be an ISO 4217 code such as EUR, USD or JPY']);
    }
    const problem = capProblem('monthlyCapMinor', monthlyCapMinor, currency);
    if (problem) {
      throw DomainError.invalid(problem, [problem]);
    }
    return this.dataSource.transaction(async (manager) => {
      const workspaceId = principal.workspaceId;
      const before = await manager.findOne(AdSpendCap, { where: { workspaceId }, lock: { mode: 'pessimistic_write' } });
      if (monthlyCapMinor === null) {
        await manager.delete(AdSpendCap, { workspaceId });
      } else {
        const others = await manager.query<{ name: string; currency: string }[]>(
          `SELECT name, currency FROM ad_accounts WHERE workspace_id = $1 AND deleted_at IS NULL AND currency <> $2 ORDER BY name`,
          [workspaceId, currency],
        );
        if (others.length > 0) {
          const listed = others.map((a) => `${a.name} (${a.currency})`).join(', ');
          throw DomainError.invalid(`currency ${currency} does not match every ad account (${listed}): amounts are never converted between currencies`, [
            `currency must match the ad accounts' currency; ${listed} differ`,
          ]);
        }
        await manager.upsert(AdSpendCap, { workspaceId, monthlyCapMinor, currency }, ['workspaceId']);
      }
      await this.audit.record(manager, workspaceId, actorOf(principal), {
        action: 'ad_spend_cap.set',
        targetType: 'workspace',
        targetId: workspaceId,
        before: before ? { monthlyCapMinor: before.monthlyCapMinor, currency: before.currency } : null,
        after: monthlyCapMinor === null ? null : { monthlyCapMinor, currency },
      });
      return manager.findOneBy(AdSpendCap, { workspaceId });
    });
  }

  private async monthlyBreach(workspaceId: string): Promise<{ currency: string; breach: CapBreach } | null> {
    const cap = await this.dataSource.getRepository(AdSpendCap).findOneBy({ workspaceId });
    if (!cap) {
      return null;
    }
    const breach = reachedMonthlyCap(await this.spentThisMonth(this.dataSource.manager, workspaceId, cap.currency), cap.monthlyCapMinor);
    return breach ? { currency: cap.currency, breach } : null;
  }

  private async spentThisMonth(manager: EntityManager, workspaceId: string, currency: string): Promise<number> {
    const now = this.clock.now();
    const monthStart = `${now.toISOString().slice(0, 7)}-01`;
    const [{ total }] = await manager.query<{ total: string }[]>(
      `SELECT COALESCE(sum(spend_minor), 0) AS total FROM campaign_spend_days WHERE workspace_id = $1 AND day >= $2 AND currency = $3`,
      [workspaceId, monthStart, currency],
    );
    return Number(total);
  }

  /** The pause, its audit event, the webhook event and the metric: recorded together or not at all. */
  private pauseForCap(campaignId: string, breach: CapBreach): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await manager.findOne(Campaign, { where: { id: campaignId }, lock: { mode: 'pessimistic_write' } });
      if (!campaign || campaign.pauseReasons.includes(BUDGET_CAP)) {
        return false;
      }
      const note = `${breach.kind} cap reached: spent ${formatMinor(breach.spentMinor, campaign.currency)} of ${formatMinor(breach.capMinor, campaign.currency)}`;
      const outcome = await this.changes.requestPause(manager, campaign, SYSTEM_ACTOR, {
        reason: BUDGET_CAP,
        action: 'pause',
        auditAction: 'campaign.cap_reached',
        note,
        details: { cap: breach.kind, spentMinor: breach.spentMinor, capMinor: breach.capMinor, currency: campaign.currency },
      });
      await this.webhooks?.emit(manager, campaign.workspaceId, 'campaign.paused', {
        campaignId: campaign.id,
        name: campaign.name,
        platform: campaign.platform,
        platformCampaignId: campaign.platformCampaignId,
        reason: BUDGET_CAP,
        cap: breach.kind,
        spentMinor: breach.spentMinor,
        capMinor: breach.capMinor,
        currency: campaign.currency,
      });
      this.metrics.capPauses.inc({ platform: campaign.platform, cap: breach.kind });
      return outcome === 'requested';
    });
  }
}
