import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Workspace } from '../workspaces/workspace.entity';
import { MINOR_UNITS } from './minor-units.column';

/** The workspace's monthly cap across all its ad accounts (all in this currency: nothing is converted). */
@Entity('ad_spend_caps')
export class AdSpendCap {
  @PrimaryColumn('uuid', { name: 'workspace_id', primaryKeyConstraintName: 'PK_ad_spend_caps' })
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_ad_spend_caps_workspace' })
  workspace?: Workspace;

  @Column('bigint', { name: 'monthly_cap_minor', transformer: MINOR_UNITS })
  monthlyCapMinor: number;

  @Column('text')
  currency: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
