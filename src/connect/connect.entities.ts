// The connect flows' rows (migration 1795910000000-CreateConnectFlows): started OAuth flows, the accounts a
// grant reached waiting for the admin's choice, and the apps registered on Mastodon instances.
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Member } from '../members/member.entity';
import { Workspace } from '../workspaces/workspace.entity';
import type { OAuthPlatform } from './oauth-provider';

/** A started OAuth flow: the `state` the platform sends back, kept as its SHA-256, bound to one member, used once. */
@Entity('oauth_states')
@Check('CHK_oauth_states_platform', `"platform" IN ('x','facebook','instagram','linkedin','mastodon')`)
export class OAuthState {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'PK_oauth_states' })
  id: string;

  @Index('UQ_oauth_states_hash', { unique: true })
  @Column('text', { name: 'state_hash' })
  stateHash: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_oauth_states_workspace' })
  workspace?: Workspace;

  @Column('uuid', { name: 'member_id' })
  memberId: string;

  @ManyToOne(() => Member, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'FK_oauth_states_member' })
  member?: Member;

  @Column('text')
  platform: OAuthPlatform;

  /** Set when the flow reconnects this channel rather than connecting a new one. */
  @Column('uuid', { name: 'channel_id', nullable: true })
  channelId: string | null;

  /** Mastodon: the instance the admin named. */
  @Column('text', { name: 'instance_url', nullable: true })
  instanceUrl: string | null;

  /** The PKCE code verifier, sealed and bound to the row's id. */
  @Column('text', { name: 'verifier_sealed' })
  verifierSealed: string;

  @Index('IDX_oauth_states_expires')
  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** The accounts a grant reached, waiting for the admin to choose which to connect; their tokens sealed. */
@Entity('connect_sessions')
@Check('CHK_connect_sessions_platform', `"platform" IN ('x','facebook','instagram','linkedin','mastodon')`)
export class ConnectSession {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'PK_connect_sessions' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_connect_sessions_workspace' })
  workspace?: Workspace;

  @Column('uuid', { name: 'member_id' })
  memberId: string;

  @ManyToOne(() => Member, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'FK_connect_sessions_member' })
  member?: Member;

  @Column('text')
  platform: OAuthPlatform;

  @Column('uuid', { name: 'channel_id', nullable: true })
  channelId: string | null;

  @Column('text', { name: 'accounts_sealed', select: false })
  accountsSealed: string;

  @Index('IDX_connect_sessions_expires')
  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** The OAuth app Holdfast registered on a Mastodon instance, once per instance and redirect URI. */
@Entity('oauth_apps')
@Index('UQ_oauth_apps_instance', ['instanceUrl', 'redirectUri'], { unique: true })
export class OAuthApp {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'PK_oauth_apps' })
  id: string;

  @Column('text', { name: 'instance_url' })
  instanceUrl: string;

  @Column('text', { name: 'redirect_uri' })
  redirectUri: string;

  @Column('text', { name: 'client_id' })
  clientId: string;

  @Column('text', { name: 'secret_sealed', select: false })
  secretSealed: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
