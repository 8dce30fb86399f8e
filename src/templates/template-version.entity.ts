import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Platform } from '../channels/platform';
import type { PlaceholderDeclaration } from './placeholders';
import { Template } from './template.entity';

export const VERSION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/** One edit of a template: its content never changes; only its approval status does. */
@Entity('template_versions')
@Check('CHK_template_versions_status', `"status" IN ('pending','approved','rejected')`)
@Unique('UQ_template_versions_template_version', ['templateId', 'version'])
export class TemplateVersion {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_template_versions' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('uuid', { name: 'template_id' })
  templateId: string;

  @ManyToOne(() => Template, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'template_id', foreignKeyConstraintName: 'FK_template_versions_template' })
  template?: Template;

  @Column('integer')
  version: number;

  @Column('text')
  name: string;

  @Column('text')
  body: string;

  @Column('jsonb', { default: () => `'{}'` })
  variants: Partial<Record<Platform, string>>;

  @Column('jsonb', { default: () => `'[]'` })
  placeholders: PlaceholderDeclaration[];

  @Column('text', { name: 'content_hash' })
  contentHash: string;

  /** Who wrote this version: they may not approve it (four eyes). */
  @Column('uuid', { name: 'author_id' })
  authorId: string;

  @Column('text')
  status: VersionStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
