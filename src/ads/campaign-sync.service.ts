// Reads every campaign of an ad account from its platform: status, budgets, spend; notices campaigns resumed behind our back.
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../audit/audit-actor';
import { Clock } from '../common/clock';
import { AdAccountsService } from './ad-accounts.service';
import { AdAccount } from './ad-account.entity';
import { AdPlatformError, type PlatformCampaign } from './ad-platform.port';
import { AdPlatformRegistry } from './ad-platform.registry';
import { AdsMetrics } from './ads.metrics';
import { CampaignChanges } from './campaign-changes';
import { Campaign } from './campaign.entity';

export interface SyncResult {
  accountId: string;
  campaigns: number;
  /** Campaigns found active while held paused, now set to be re-paused. */
  drifted: string[];
  error: string | null;
}

@Injectable()
export class CampaignSyncService {
  private readonly logger = new Logger(CampaignSyncService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AdAccountsService,
    private readonly adapters: AdPlatformRegistry,
    private readonly changes: CampaignChanges,
    private readonly metrics: AdsMetrics,
    private readonly clock: Clock,
  ) {}

  async syncAccount(accountId: string): Promise<SyncResult> {
    const access = await this.accounts.accessOf(accountId);
    const { account } = access;
    let listed: PlatformCampaign[];
    try {
      listed = await this.adapters.get(account.platform).listCampaigns(access);
    } catch (error) {
      const reason = error instanceof AdPlatformError ? error.failure.reason : `Sync failed: ${String(error)}`;
      const safe = Object.values(access.credentials)
        .filter((secret) => secret.length >= 4)
        .reduce((text, secret) => text.split(secret).join('[redacted]'), reason);
      await this.dataSource.getRepository(AdAccount).update({ id: accountId }, { lastSyncError: safe });
      this.logger.warn(`Sync of ad account ${accountId} (${account.platform}) failed: ${safe}`);
      return { accountId, campaigns: 0, drifted: [], error: safe };
    }
    const drifted: string[] = [];
    for (const campaign of listed) {
      if (await this.upsert(account, campaign)) {
        drifted.push(await this.idOf(account.id, campaign.platformCampaignId));
      }
    }
    for (const id of drifted) {
      await this.markDrift(id);
    }
    await this.dataSource.getRepository(AdAccount).update({ id: accountId }, { lastSyncedAt: this.clock.now(), lastSyncError: null });
    return { accountId, campaigns: listed.length, drifted, error: null };
  }

  /** Writes what the platform said; answers whether the campaign is active although held paused and confirmed so. */
  private async upsert(account: AdAccount, campaign: PlatformCampaign): Promise<boolean> {
    const now = this.clock.now();
    const [row] = await this.dataSource.query<{ id: string; drift: boolean }[]>(
      `INSERT INTO campaigns (workspace_id, ad_account_id, platform, platform_campaign_id, name, platform_status, platform_status_raw, status,
                              daily_budget_minor, lifetime_budget_minor, spend_today_minor, spend_lifetime_minor, currency, last_synced_at)
       VALUES ($1, $2, $3, $4, $5, $6::text, $7, $6::text, $8::bigint, $9::bigint, $10::bigint, COALESCE($11::bigint, $10::bigint), $12, $13)
       ON CONFLICT (ad_account_id, platform_campaign_id) DO UPDATE SET
         name = EXCLUDED.name,
         platform_status = EXCLUDED.platform_status,
         platform_status_raw = EXCLUDED.platform_status_raw,
         status = CASE
           WHEN campaigns.target_status = 'paused' AND EXCLUDED.platform_status <> 'paused' THEN 'pause_pending'
           WHEN campaigns.target_status = 'active' AND EXCLUDED.platform_status <> 'active' THEN 'resume_pending'
           ELSE EXCLUDED.platform_status END,
         daily_budget_minor = EXCLUDED.daily_budget_minor,
         lifetime_budget_minor = EXCLUDED.lifetime_budget_minor,
         spend_today_minor = EXCLUDED.spend_today_minor,
         spend_lifetime_minor = COALESCE($11::bigint, campaigns.spend_lifetime_minor),
         last_synced_at = EXCLUDED.last_synced_at,
         updated_at = now()
       RETURNING id, (target_status IS NULL AND cardinality(pause_reasons) > 0 AND platform_status = 'active') AS drift`,
      [
        account.workspaceId,
        account.id,
        account.platform,
        campaign.platformCampaignId,
        campaign.name,
        campaign.status,
        campaign.rawStatus,
        campaign.dailyBudgetMinor,
        campaign.lifetimeBudgetMinor,
        campaign.spendTodayMinor,
        campaign.spendLifetimeMinor,
        account.currency,
        now,
      ],
    );
    await this.dataSource.query(
      `INSERT INTO campaign_spend_days (campaign_id, day, workspace_id, spend_minor, currency) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (campaign_id, day) DO UPDATE SET spend_minor = EXCLUDED.spend_minor`,
      [row.id, now.toISOString().slice(0, 10), account.workspaceId, campaign.spendTodayMinor, account.currency],
    );
    if (campaign.spendLifetimeMinor === null) {
      // The platform cannot say (X): lifetime is what the controller saw, day by day.
      await this.dataSource.query(
        `UPDATE campaigns SET spend_lifetime_minor = (SELECT COALESCE(sum(spend_minor), 0) FROM campaign_spend_days WHERE campaign_id = $1) WHERE id = $1`,
        [row.id],
      );
    }
    return row.drift;
  }

  private async idOf(accountId: string, platformCampaignId: string): Promise<string> {
    const [row] = await this.dataSource.query<{ id: string }[]>(`SELECT id FROM campaigns WHERE ad_account_id = $1 AND platform_campaign_id = $2`, [
      accountId,
      platformCampaignId,
    ]);
    return row.id;
  }

  /** Someone resumed it on the platform (in the ads manager) while it is held paused here: re-pause it, and say so. */
  private async markDrift(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const campaign = await manager.findOne(Campaign, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!campaign || campaign.targetStatus !== null || campaign.pauseReasons.length === 0 || campaign.platformStatus !== 'active') {
        return;
      }
      const [first, ...others] = campaign.pauseReasons;
      await this.changes.requestPause(manager, campaign, SYSTEM_ACTOR, {
        reason: first,
        action: 're-pause',
        auditAction: 'campaign.drift_repaused',
        note: `Found active on ${campaign.platform} while held paused for ${campaign.pauseReasons.join(', ')}: re-pausing`,
      });
      for (const reason of others) {
        // The crisis report of every reason holding it shows the re-pause.
        await manager.query(
          `INSERT INTO campaign_actions (workspace_id, campaign_id, reason, action, at, spend_at_pause_minor) VALUES ($1, $2, $3, 're-pause', $4, $5)`,
          [campaign.workspaceId, campaign.id, reason, this.clock.now(), campaign.spendLifetimeMinor],
        );
      }
      this.metrics.driftRepauses.inc({ platform: campaign.platform });
    });
  }
}
