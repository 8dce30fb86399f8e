import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Workspace } from '../workspaces/workspace.entity';
import type { FailoverPolicy } from './failover-policies';
import type { ChannelStatus } from './channel-status';
import type { Platform } from './platform';

// The claim's read of the channels that may not send now (HELD_BACK_CHANNELS), partial: see AddChannelsHeldBackIndexes.
@Index('IDX_channels_send_not_before', { synchronize: false })
@Index('IDX_channels_needs_reauth', { synchronize: false })
@Entity('channels')
@Check('CHK_channels_platform', `"platform" IN ('x','facebook','instagram','linkedin','mastodon','bluesky','telegram')`)
@Check('CHK_channels_status', `"status" IN ('active','needs_reauth')`)
@Check('CHK_channels_failover_policy', `"failover_policy" IN ('off','manual','auto')`)
@Check('CHK_channels_failover_after', `"failover_after_minutes" BETWEEN 1 AND 1440`)
export class Channel {
  /** Chosen by the service before insert: the sealed credentials are bound to it. */
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'PK_channels' })
  id: string;

  @Index('IDX_channels_workspace')
  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_channels_workspace' })
  workspace?: Workspace;

  @Column('text')
  platform: Platform;

  @Column('text')
  name: string;

  @Column('text')
  handle: string;

  /** AES-256-GCM sealed JSON; never leaves the service. */
  @Column('text', { name: 'credentials_sealed', select: false })
  credentialsSealed: string;

  /** Names (not values) of the credential fields that are set, for display. */
  @Column('text', { name: 'credential_fields', array: true })
  credentialFields: string[];

  @Column('uuid', { name: 'fallback_channel_ids', array: true, default: () => `'{}'` })
  fallbackChannelIds: string[];

  /** What happens when this channel's platform is degraded: off, manual (a person confirms) or auto (after failoverAfterMinutes late). */
  @Column('text', { name: 'failover_policy', default: 'off' })
  failoverPolicy: FailoverPolicy;

  /** auto: how late a delivery may be before it goes to the fallbacks; null for the other policies. */
  @Column('integer', { name: 'failover_after_minutes', nullable: true })
  failoverAfterMinutes: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** No send to this channel before this instant: the platform's rate-limit reset. */
  @Column('timestamptz', { name: 'send_not_before', nullable: true })
  sendNotBefore: Date | null;

  /** needs_reauth: the platform refused the credentials for good; nothing is sent until reconnected. */
  @Column('text', { default: 'active' })
  status: ChannelStatus;

  /** Why the channel needs reconnecting (the platform's words), null while active. */
  @Column('text', { name: 'status_reason', nullable: true })
  statusReason: string | null;

  /** When a connection check last succeeded; null until one has. */
  @Column('timestamptz', { name: 'last_verified_at', nullable: true })
  lastVerifiedAt: Date | null;

  /** The platform's id of the account the channel reaches (set by the connect flows); a reconnect must reach the same one. */
  @Column('text', { name: 'account_id', nullable: true })
  accountId: string | null;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}
