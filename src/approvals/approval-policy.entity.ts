import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** How many approvals a post needs: in normal mode, and during a crisis by level. A missing row means the defaults. */
@Entity('approval_policies')
@Check('CHK_approval_policies_counts', `"approvals_required" BETWEEN 0 AND 5 AND "crisis_level_1" BETWEEN 1 AND 5 AND "crisis_level_2" BETWEEN 1 AND 5 AND "crisis_level_3" BETWEEN 1 AND 5`)
export class ApprovalPolicy {
  @PrimaryColumn('uuid', { name: 'workspace_id', primaryKeyConstraintName: 'PK_approval_policies' })
  workspaceId: string;

  @Column('integer', { name: 'approvals_required', default: 0 })
  approvalsRequired: number;

  @Column('integer', { name: 'crisis_level_1', default: 1 })
  crisisLevel1: number;

  @Column('integer', { name: 'crisis_level_2', default: 1 })
  crisisLevel2: number;

  @Column('integer', { name: 'crisis_level_3', default: 2 })
  crisisLevel3: number;

  /** Whether approvals given during a crisis also count as normal-mode approvals once it is over. */
  @Column('boolean', { name: 'crisis_approvals_carry_over', default: false })
  crisisApprovalsCarryOver: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
