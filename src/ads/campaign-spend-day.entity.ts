import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Campaign } from './campaign.entity';
import { MINOR_UNITS } from './minor-units.column';

/** A campaign's spend on one day (UTC) as last synced: the month-to-date figure the workspace cap reads. */
@Entity('campaign_spend_days')
@Index('IDX_campaign_spend_days_workspace_day', ['workspaceId', 'day'])
export class CampaignSpendDay {
  @PrimaryColumn('uuid', { name: 'campaign_id', primaryKeyConstraintName: 'PK_campaign_spend_days' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'FK_campaign_spend_days_campaign' })
  campaign?: Campaign;

  @PrimaryColumn('date', { primaryKeyConstraintName: 'PK_campaign_spend_days' })
  day: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('bigint', { name: 'spend_minor', transformer: MINOR_UNITS })
  spendMinor: number;

  @Column('text')
  currency: string;
}
