import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { Member } from '../members/member.entity';
import { Workspace } from '../workspaces/workspace.entity';

export type MediaKind = 'image' | 'video';

/** One uploaded image or video of a workspace's library, with its alt text. Its bytes are in a MediaStore. */
@Entity('media_items')
@Check('CHK_media_items_kind', `"kind" IN ('image','video')`)
@Check('CHK_media_items_alt_text', `char_length("alt_text") <= 1500`)
@Index('IDX_media_items_workspace_created', { synchronize: false })
export class MediaItem {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_media_items' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_media_items_workspace' })
  workspace?: Workspace;

  @Column('text')
  kind: MediaKind;

  /** Decided from the file's bytes, never from its name or the uploader's Content-Type. */
  @Column('text', { name: 'mime_type' })
  mimeType: string;

  @Column('integer', { name: 'byte_size' })
  byteSize: number;

  @Column('integer', { nullable: true })
  width: number | null;

  @Column('integer', { nullable: true })
  height: number | null;

  @Column('text')
  sha256: string;

  /** The image description read to people who cannot see it; null when none was given. */
  @Column('text', { name: 'alt_text', nullable: true })
  altText: string | null;

  @Column('text', { name: 'original_name' })
  originalName: string;

  @Column('uuid', { name: 'created_by' })
  createdBy: string;

  @ManyToOne(() => Member, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'FK_media_items_created_by' })
  creator?: Member;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}

/** The bytes of a library item in PostgreSQL (MEDIA_STORE=postgres): the original and variants made for a platform. */
@Entity('media_blobs')
export class MediaBlob {
  @PrimaryColumn('uuid', { name: 'media_id', primaryKeyConstraintName: 'PK_media_blobs' })
  mediaId: string;

  @ManyToOne(() => MediaItem, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'media_id', foreignKeyConstraintName: 'FK_media_blobs_media' })
  media?: MediaItem;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'PK_media_blobs' })
  variant: string;

  @Column('text', { name: 'mime_type' })
  mimeType: string;

  @Column('bytea')
  bytes: Buffer;
}
