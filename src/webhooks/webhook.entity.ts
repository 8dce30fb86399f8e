import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Workspace } from '../workspaces/workspace.entity';
import type { WebhookEventType } from './webhook-event-types';

/** An admin-registered URL that receives the workspace's events it subscribed to, signed with its secret. */
@Entity('webhooks')
export class Webhook {
  /** Chosen by the service before insert: the sealed secret is bound to it. */
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'PK_webhooks' })
  id: string;

  @Index('IDX_webhooks_workspace')
  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_webhooks_workspace' })
  workspace?: Workspace;

  @Column('text')
  url: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('text', { name: 'event_types', array: true })
  eventTypes: WebhookEventType[];

  @Column('boolean', { default: true })
  active: boolean;

  /** Why the service switched it off by itself (the receiver answered 410 Gone); cleared when an admin reactivates it. */
  @Column('text', { name: 'disabled_reason', nullable: true })
  disabledReason: string | null;

  /** AES-256-GCM sealed signing secret; never leaves the service after creation. */
  @Column('text', { name: 'secret_sealed', select: false })
  secretSealed: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}
