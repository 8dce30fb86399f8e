import { ApiProperty } from '@nestjs/swagger';
import { AD_PLATFORMS, type AdPlatform } from '../ad-platform';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '../budget-policy';
import type { Campaign } from '../campaign.entity';

export class CampaignView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) adAccountId: string;
  @ApiProperty({ enum: AD_PLATFORMS }) platform: AdPlatform;
  @ApiProperty() platformCampaignId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: CAMPAIGN_STATUSES, description: 'pause_pending / resume_pending until the platform reads the change back' })
  status: CampaignStatus;
  @ApiProperty({ description: "The platform's own status word as last read (ACTIVE, PAUSED, ENABLED, DISABLE…)" }) platformStatus: string;
  @ApiProperty({ type: [String], description: 'Why it is held paused: manual, budget_cap, crisis:<id>' }) pauseReasons: string[];
  @ApiProperty({ type: String, nullable: true }) pausedBy: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) pausedAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) pauseNote: string | null;
  @ApiProperty({ description: 'Attempts at the unconfirmed change' }) attempts: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) nextAttemptAt: Date | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the change is not confirmed yet' }) lastError: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) confirmedAt: Date | null;
  @ApiProperty({ type: Number, nullable: true }) dailyBudgetMinor: number | null;
  @ApiProperty({ type: Number, nullable: true }) lifetimeBudgetMinor: number | null;
  @ApiProperty({ type: Number, nullable: true }) dailyCapMinor: number | null;
  @ApiProperty({ type: Number, nullable: true }) lifetimeCapMinor: number | null;
  @ApiProperty() spendTodayMinor: number;
  @ApiProperty() spendLifetimeMinor: number;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastSyncedAt: Date | null;

  static of(c: Campaign): CampaignView {
    return {
      id: c.id,
      adAccountId: c.adAccountId,
      platform: c.platform,
      platformCampaignId: c.platformCampaignId,
      name: c.name,
      status: c.status,
      platformStatus: c.platformStatusRaw,
      pauseReasons: c.pauseReasons,
      pausedBy: c.pausedBy,
      pausedAt: c.pausedAt,
      pauseNote: c.pauseNote,
      attempts: c.attempts,
      nextAttemptAt: c.nextAttemptAt,
      lastError: c.lastError,
      confirmedAt: c.confirmedAt,
      dailyBudgetMinor: c.dailyBudgetMinor,
      lifetimeBudgetMinor: c.lifetimeBudgetMinor,
      dailyCapMinor: c.dailyCapMinor,
      lifetimeCapMinor: c.lifetimeCapMinor,
      spendTodayMinor: c.spendTodayMinor,
      spendLifetimeMinor: c.spendLifetimeMinor,
      currency: c.currency,
      lastSyncedAt: c.lastSyncedAt,
    };
  }
}

export class SyncResultView {
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ description: 'Campaigns read from the platform' }) campaigns: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why the platform could not be read' }) error: string | null;
  @ApiProperty({ type: [String], description: 'Campaigns paused now because a cap was reached' }) capPaused: string[];
  @ApiProperty({ type: [String], description: 'Campaigns found running while held paused, re-paused' }) drifted: string[];
}
