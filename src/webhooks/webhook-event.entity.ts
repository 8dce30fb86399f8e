import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Workspace } from '../workspaces/workspace.entity';
import type { WebhookEventType } from './webhook-event-types';

/** Something that happened in a workspace, written in the transaction that made it happen (the outbox). */
@Entity('webhook_events')
@Index('IDX_webhook_events_workspace', ['workspaceId', 'createdAt'])
// The retention prune reads events oldest first across workspaces.
@Index('IDX_webhook_events_created', ['createdAt'])
export class WebhookEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_webhook_events' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_webhook_events_workspace' })
  workspace?: Workspace;

  @Column('text')
  type: WebhookEventType;

  @Column('jsonb')
  data: Record<string, unknown>;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
