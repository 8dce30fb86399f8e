import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Workspace } from '../workspaces/workspace.entity';
import type { AdPlatform } from './ad-platform';

/** "Keep everything in this scope paused": enforced by the reconciler until lifted. */
@Entity('pause_orders')
// Partial unique index written in the migration: one live order per reason and workspace.
@Index('UQ_pause_orders_live', { synchronize: false })
export class PauseOrder {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_pause_orders' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_pause_orders_workspace' })
  workspace?: Workspace;

  /** The tag every campaign it paused carries, e.g. crisis:<uuid>. */
  @Column('text')
  reason: string;

  /** The platforms in scope; empty means all of them. */
  @Column('text', { array: true, default: () => `'{}'` })
  platforms: AdPlatform[];

  @Column('text', { name: 'created_by' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'lifted_at', nullable: true })
  liftedAt: Date | null;

  /** Why the last attempt to enforce it failed (null once one succeeds); the reconciler keeps trying. */
  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @Column('timestamptz', { name: 'last_attempt_at', nullable: true })
  lastAttemptAt: Date | null;
}
