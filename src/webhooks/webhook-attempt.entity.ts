import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookDelivery } from './webhook-delivery.entity';

/** One HTTP request to a receiver, kept for the delivery log. */
@Entity('webhook_attempts')
@Index('IDX_webhook_attempts_delivery', ['deliveryId', 'attempt'])
export class WebhookAttempt {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_webhook_attempts' })
  id: string;

  @Column('uuid', { name: 'delivery_id' })
  deliveryId: string;

  @ManyToOne(() => WebhookDelivery, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'delivery_id', foreignKeyConstraintName: 'FK_webhook_attempts_delivery' })
  delivery?: WebhookDelivery;

  /** 1 for the first attempt. */
  @Column('integer')
  attempt: number;

  @Column('timestamptz', { name: 'started_at' })
  startedAt: Date;

  @Column('integer', { name: 'duration_ms' })
  durationMs: number;

  /** The receiver's HTTP status; null when it did not answer (timeout, refused connection). */
  @Column('integer', { name: 'status_code', nullable: true })
  statusCode: number | null;

  @Column('text', { nullable: true })
  error: string | null;

  /** The first characters of the receiver's answer. */
  @Column('text', { name: 'response_body', nullable: true })
  responseBody: string | null;
}
