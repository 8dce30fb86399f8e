import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Platform } from '../channels/platform';
import { Post } from './post.entity';

/** A version of a post's content that an edit replaced: what the approvers compare the current version with. */
@Entity('post_versions')
export class PostVersion {
  @PrimaryColumn('uuid', { name: 'post_id', primaryKeyConstraintName: 'PK_post_versions' })
  postId: string;

  @ManyToOne(() => Post, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'FK_post_versions_post' })
  post?: Post;

  @PrimaryColumn('integer', { name: 'content_version', primaryKeyConstraintName: 'PK_post_versions' })
  contentVersion: number;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('text')
  text: string;

  @Column('jsonb', { name: 'platform_text' })
  platformText: Partial<Record<Platform, string>>;

  @Column('text', { name: 'image_urls', array: true })
  imageUrls: string[];

  @Column('text', { nullable: true })
  link: string | null;

  @Column('uuid', { name: 'channel_ids', array: true })
  channelIds: string[];

  @Column('text', { name: 'content_hash' })
  contentHash: string;

  /** Who wrote this version (the post's last editor then). */
  @Column('uuid', { name: 'editor_id' })
  editorId: string;

  /** When an edit replaced it. */
  @Column('timestamptz', { name: 'replaced_at' })
  replacedAt: Date;
}
