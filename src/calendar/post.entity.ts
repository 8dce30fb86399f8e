import type { PostOptions } from '../publishers/publisher.port';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Platform } from '../channels/platform';
import { Workspace } from '../workspaces/workspace.entity';

export const POST_STATUSES = ['draft', 'pending_approval', 'rejected', 'scheduled', 'cancelled'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

/**
 * What a draft misses: a crisis's replacement message staged before all its placeholder answers were given. A draft has
 * no deliveries (nothing to approve, nothing to send) until it is filled, by PATCH with its text or with the values.
 */
export interface PostDraft {
  templateId: string;
  templateVersion: number;
  /** The channels it goes to once filled. */
  channelIds: string[];
  /** The values known so far (decided in advance, answered at activation or since). */
  values: Record<string, string>;
  missing: Array<{ name: string; description: string }>;
}

@Entity('posts')
@Check('CHK_posts_status', `"status" IN ('draft','pending_approval','rejected','scheduled','cancelled')`)
@Check('CHK_posts_draft', `"status" <> 'draft' OR "draft" IS NOT NULL`)
@Index('IDX_posts_workspace_scheduled', ['workspaceId', 'scheduledAt', 'id'])
// Partial indexes (replacement posts; posts waiting for approval), written in the migration.
@Index('IDX_posts_crisis', { synchronize: false })
@Index('IDX_posts_pending_approval', { synchronize: false })
export class Post {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_posts' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_posts_workspace' })
  workspace?: Workspace;

  @Column('uuid', { name: 'author_id' })
  authorId: string;

  /** Who last changed the content: they may not approve it either (four eyes). */
  @Column('uuid', { name: 'last_editor_id' })
  lastEditorId: string;

  @Column('text')
  text: string;

  @Column('jsonb', { name: 'platform_text', default: () => `'{}'` })
  platformText: Partial<Record<Platform, string>>;

  @Column('text', { name: 'image_urls', array: true, default: () => `'{}'` })
  imageUrls: string[];

  /** Library media (src/media), in the order the post shows them; beside imageUrls, not instead. */
  @Column('uuid', { name: 'media_ids', array: true, default: () => `'{}'` })
  mediaIds: string[];

  /** Per-platform options the publishers read (Mastodon visibility, Telegram parse mode, Bluesky languages…). */
  @Column('jsonb', { default: () => `'{}'` })
  options: PostOptions;

  @Column('text', { nullable: true })
  link: string | null;

  @Column('timestamptz', { name: 'scheduled_at' })
  scheduledAt: Date;

  /** IANA zone the author planned in; for display and day grouping, never for the instant. */
  @Column('text', { name: 'time_zone' })
  timeZone: string;

  @Column('text', { array: true, default: () => `'{}'` })
  labels: string[];

  @Column('text')
  status: PostStatus;

  /** Bumped by every content edit; approvals name the hash of the version they approved. */
  @Column('integer', { name: 'content_version', default: 1 })
  contentVersion: number;

  @Column('text', { name: 'content_hash' })
  contentHash: string;

  /** When the current version started waiting for approval (the approvals queue's order). */
  @Column('timestamptz', { name: 'submitted_at', nullable: true })
  submittedAt: Date | null;

  /** Set on a crisis's replacement posts (created from its playbook). */
  @Column('uuid', { name: 'crisis_id', nullable: true })
  crisisId: string | null;

  /** Set while the post is (or was, until cancelled) a draft waiting for placeholder values. */
  @Column('jsonb', { nullable: true })
  draft: PostDraft | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
