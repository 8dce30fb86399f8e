import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Workspace } from '../workspaces/workspace.entity';
import type { AdPlatform } from './ad-platform';

/** An account on an ad platform, connected by an admin; its campaigns are synced into `campaigns`. */
@Entity('ad_accounts')
@Check('CHK_ad_accounts_platform', `"platform" IN ('meta','x','linkedin','google','tiktok')`)
// Partial unique index written in the migration: one live connection per platform account and workspace.
@Index('UQ_ad_accounts_platform_account_live', { synchronize: false })
export class AdAccount {
  /** Chosen by the service before insert: the sealed credentials are bound to it. */
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'PK_ad_accounts' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_ad_accounts_workspace' })
  workspace?: Workspace;

  @Column('text')
  platform: AdPlatform;

  /** Canonical: Meta without act_, Google without dashes. */
  @Column('text', { name: 'platform_account_id' })
  platformAccountId: string;

  @Column('text')
  name: string;

  /** ISO 4217; every amount of the account's campaigns is in minor units of it. */
  @Column('text')
  currency: string;

  /** AES-256-GCM sealed JSON; never leaves the service. */
  @Column('text', { name: 'credentials_sealed', select: false })
  credentialsSealed: string;

  @Column('text', { name: 'credential_fields', array: true })
  credentialFields: string[];

  @Column('timestamptz', { name: 'last_synced_at', nullable: true })
  lastSyncedAt: Date | null;

  /** Why the last sync failed, if it did (never a credential). */
  @Column('text', { name: 'last_sync_error', nullable: true })
  lastSyncError: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}
