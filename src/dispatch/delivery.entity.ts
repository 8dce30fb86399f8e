import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Channel } from '../channels/channel.entity';
import type { Platform } from '../channels/platform';
import { Post } from '../calendar/post.entity';
import type { DeliveryState } from './delivery-state';

/** One (post, channel) pair: the unit the dispatch engine claims, sends and records. */
@Entity('deliveries')
@Check(
  'CHK_deliveries_state',
  `"state" IN ('pending_approval','scheduled','publishing','published','failed','held','missed','needs_verification','cancelled','failed_over')`,
)
@Check('CHK_deliveries_stop_requested', `"stop_requested" IN ('cancelled','pending_approval')`)
// Partial indexes written in the migration: one live delivery per (post, channel), the claim
// query's due index, the lease sweep's index, and a workspace's scheduled deliveries by platform (crisis counts).
@Index('UQ_deliveries_post_channel_live', { synchronize: false })
@Index('IDX_deliveries_post', ['postId'])
@Index('IDX_deliveries_due', { synchronize: false })
@Index('IDX_deliveries_publishing', { synchronize: false })
@Index('IDX_deliveries_held_by_crisis', { synchronize: false })
@Index('IDX_deliveries_released_by_crisis', { synchronize: false })
@Index('IDX_deliveries_failover_of', { synchronize: false })
// GET /api/deliveries?state= and the failover candidates (AddOperatorReadIndexes).
@Index('IDX_deliveries_workspace_state_updated', { synchronize: false })
@Index('IDX_deliveries_scheduled_workspace', { synchronize: false })
@Index('IDX_deliveries_waiting_for_reauth', { synchronize: false })
export class Delivery {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_deliveries' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('uuid', { name: 'post_id' })
  postId: string;

  @ManyToOne(() => Post, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'FK_deliveries_post' })
  post?: Post;

  @Index('IDX_deliveries_channel')
  @Column('uuid', { name: 'channel_id' })
  channelId: string;

  @ManyToOne(() => Channel, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'channel_id', foreignKeyConstraintName: 'FK_deliveries_channel' })
  channel?: Channel;

  @Column('text')
  platform: Platform;

  @Column('text')
  state: DeliveryState;

  /** When the engine should next try to send: the scheduled time, later a retry's backoff. */
  @Column('timestamptz', { name: 'due_at' })
  dueAt: Date;

  @Column('integer', { default: 0 })
  attempts: number;

  /** The engine instance holding the send, until lease_expires_at. */
  @Column('text', { name: 'lease_owner', nullable: true })
  leaseOwner: string | null;

  @Column('timestamptz', { name: 'lease_expires_at', nullable: true })
  leaseExpiresAt: Date | null;

  /** Set when the send was admitted at its gate (the request may have left); null while only claimed. */
  @Column('timestamptz', { name: 'send_started_at', nullable: true })
  sendStartedAt: Date | null;

  /**
   * A cancel ('cancelled') or a rejection ('pending_approval') that met the send in flight: unless it
   * published, the send ends in this state and is never retried. Null otherwise.
   */
  @Column('text', { name: 'stop_requested', nullable: true })
  stopRequested: 'cancelled' | 'pending_approval' | null;

  @Column('text', { name: 'platform_post_id', nullable: true })
  platformPostId: string | null;

  @Column('text', { nullable: true })
  url: string | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt: Date | null;

  /** The crisis under whose policy this delivery was approved: the only crisis it may go out during. */
  @Column('uuid', { name: 'released_by_crisis_id', nullable: true })
  releasedByCrisisId: string | null;

  /** The crisis that stopped it (held, then resumed or missed), for the crisis report. */
  @Column('uuid', { name: 'held_by_crisis_id', nullable: true })
  heldByCrisisId: string | null;

  /** Set on a delivery created by failover: the delivery (now failed_over) it stands in for. */
  @Column('uuid', { name: 'failover_of_id', nullable: true })
  failoverOfId: string | null;

  @ManyToOne(() => Delivery, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'failover_of_id', foreignKeyConstraintName: 'FK_deliveries_failover_of' })
  failoverOf?: Delivery;

  /** What an attempt left for the next one (Instagram's container id), saved before the step that needs it. */
  @Column('jsonb', { nullable: true })
  progress: { [key: string]: string | number | boolean | null } | null;

  /**
   * Since when it waits for its channel to be reconnected (the platform refused the credentials): it stays
   * due, goes out after a reconnect within the grace window, and becomes missed past it.
   */
  @Column('timestamptz', { name: 'waiting_for_reauth_since', nullable: true })
  waitingForReauthSince: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
