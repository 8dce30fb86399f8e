import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AdPlatform } from './ad-platform';
import { AdAccount } from './ad-account.entity';
import type { CampaignStatus, PlatformStatus, TargetStatus } from './budget-policy';
import { MINOR_UNITS } from './minor-units.column';

/**
 * A campaign as last read from its platform, plus what the controller wants of it: the status it is
 * driving it to (until read back), why it is paused, and the caps set here. The truth of "is it
 * paused" is only ever a read-back from the platform.
 */
@Entity('campaigns')
@Check('CHK_campaigns_status', `"status" IN ('active','paused','pause_pending','resume_pending','inactive')`)
@Check('CHK_campaigns_platform_status', `"platform_status" IN ('active','paused','inactive')`)
@Check('CHK_campaigns_target_status', `"target_status" IN ('active','paused')`)
@Index('UQ_campaigns_account_platform_campaign', ['adAccountId', 'platformCampaignId'], { unique: true })
@Index('IDX_campaigns_workspace_status', ['workspaceId', 'status'])
// Partial index written in the migration: the retry sweep over unconfirmed changes.
@Index('IDX_campaigns_unconfirmed', { synchronize: false })
export class Campaign {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_campaigns' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('uuid', { name: 'ad_account_id' })
  adAccountId: string;

  @ManyToOne(() => AdAccount, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'ad_account_id', foreignKeyConstraintName: 'FK_campaigns_ad_account' })
  adAccount?: AdAccount;

  @Column('text')
  platform: AdPlatform;

  @Column('text', { name: 'platform_campaign_id' })
  platformCampaignId: string;

  @Column('text')
  name: string;

  /** What the platform said last (listing or read-back). */
  @Column('text', { name: 'platform_status' })
  platformStatus: PlatformStatus;

  @Column('text', { name: 'platform_status_raw' })
  platformStatusRaw: string;

  /** What the campaign shows: displayStatus(platformStatus, targetStatus). */
  @Column('text')
  status: CampaignStatus;

  /** A change asked of the platform and not yet read back; null when there is none. */
  @Column('text', { name: 'target_status', nullable: true })
  targetStatus: TargetStatus | null;

  /** Why it is held paused: manual, budget_cap, crisis:<id>…; it resumes only when none is left. */
  @Column('text', { name: 'pause_reasons', array: true, default: () => `'{}'` })
  pauseReasons: string[];

  @Column('text', { name: 'pause_note', nullable: true })
  pauseNote: string | null;

  @Column('text', { name: 'paused_by', nullable: true })
  pausedBy: string | null;

  @Column('timestamptz', { name: 'paused_at', nullable: true })
  pausedAt: Date | null;

  /** Attempts at the unconfirmed change so far, and when the next one is due. */
  @Column('integer', { default: 0 })
  attempts: number;

  @Column('timestamptz', { name: 'next_attempt_at', nullable: true })
  nextAttemptAt: Date | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @Column('timestamptz', { name: 'confirmed_at', nullable: true })
  confirmedAt: Date | null;

  @Column('bigint', { name: 'daily_budget_minor', nullable: true, transformer: MINOR_UNITS })
  dailyBudgetMinor: number | null;

  @Column('bigint', { name: 'lifetime_budget_minor', nullable: true, transformer: MINOR_UNITS })
  lifetimeBudgetMinor: number | null;

  @Column('bigint', { name: 'daily_cap_minor', nullable: true, transformer: MINOR_UNITS })
  dailyCapMinor: number | null;

  @Column('bigint', { name: 'lifetime_cap_minor', nullable: true, transformer: MINOR_UNITS })
  lifetimeCapMinor: number | null;

  @Column('bigint', { name: 'spend_today_minor', default: 0, transformer: MINOR_UNITS })
  spendTodayMinor: number;

  @Column('bigint', { name: 'spend_lifetime_minor', default: 0, transformer: MINOR_UNITS })
  spendLifetimeMinor: number;

  @Column('text')
  currency: string;

  @Column('timestamptz', { name: 'last_synced_at', nullable: true })
  lastSyncedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
