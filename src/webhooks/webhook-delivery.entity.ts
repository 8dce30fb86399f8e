import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { WebhookEvent } from './webhook-event.entity';
import { Webhook } from './webhook.entity';

export const WEBHOOK_DELIVERY_STATES = ['pending', 'sending', 'delivered', 'failed', 'cancelled'] as const;
export type WebhookDeliveryState = (typeof WEBHOOK_DELIVERY_STATES)[number];

/** One event for one webhook: the sender's queue and its truth in one table, like deliveries for posts. */
@Entity('webhook_deliveries')
@Check('CHK_webhook_deliveries_state', `"state" IN ('pending','sending','delivered','failed','cancelled')`)
// Partial indexes written in the migration: the claim of due deliveries and the sweep of expired leases.
@Index('IDX_webhook_deliveries_due', { synchronize: false })
@Index('IDX_webhook_deliveries_lease', { synchronize: false })
@Index('IDX_webhook_deliveries_log', ['webhookId', 'createdAt', 'id'])
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_webhook_deliveries' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('uuid', { name: 'webhook_id' })
  webhookId: string;

  @ManyToOne(() => Webhook, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'webhook_id', foreignKeyConstraintName: 'FK_webhook_deliveries_webhook' })
  webhook?: Webhook;

  @Index('IDX_webhook_deliveries_event')
  @Column('uuid', { name: 'event_id' })
  eventId: string;

  @ManyToOne(() => WebhookEvent, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'FK_webhook_deliveries_event' })
  event?: WebhookEvent;

  @Column('text')
  state: WebhookDeliveryState;

  /** When the sender should next try: at once for a new event, later for a retry. */
  @Column('timestamptz', { name: 'due_at' })
  dueAt: Date;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('text', { name: 'lease_owner', nullable: true })
  leaseOwner: string | null;

  @Column('timestamptz', { name: 'lease_expires_at', nullable: true })
  leaseExpiresAt: Date | null;

  @Column('integer', { name: 'last_status_code', nullable: true })
  lastStatusCode: number | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
