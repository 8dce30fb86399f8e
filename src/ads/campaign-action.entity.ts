import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Campaign } from './campaign.entity';
import { MINOR_UNITS } from './minor-units.column';

export type CampaignActionKind = 'pause' | 'resume' | 're-pause';

/** A pause or resume done under a reason, and when the platform confirmed it: the crisis report reads these. */
@Entity('campaign_actions')
@Check('CHK_campaign_actions_action', `"action" IN ('pause','resume','re-pause')`)
@Index('IDX_campaign_actions_reason', ['workspaceId', 'reason', 'at'])
export class CampaignAction {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_campaign_actions' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Index('IDX_campaign_actions_campaign')
  @Column('uuid', { name: 'campaign_id' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'FK_campaign_actions_campaign' })
  campaign?: Campaign;

  @Column('text')
  reason: string;

  @Column('text')
  action: CampaignActionKind;

  @Column('timestamptz')
  at: Date;

  @Column('timestamptz', { name: 'confirmed_at', nullable: true })
  confirmedAt: Date | null;

  /** Lifetime spend when the pause was asked for (as last synced). */
  @Column('bigint', { name: 'spend_at_pause_minor', nullable: true, transformer: MINOR_UNITS })
  spendAtPauseMinor: number | null;
}
