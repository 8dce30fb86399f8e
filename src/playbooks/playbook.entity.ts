import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Platform } from '../channels/platform';
import { Workspace } from '../workspaces/workspace.entity';

export const PLAYBOOK_CATEGORIES = [
  'platform_outage',
  'data_breach',
  'delivery_delays',
  'public_bug_report',
  'payment_complaints',
  'offensive_post',
  'external_tragedy',
  'other',
] as const;
export type PlaybookCategory = (typeof PLAYBOOK_CATEGORIES)[number];
export type CrisisLevel = 1 | 2 | 3;

export interface PlaybookContact {
  name: string;
  role: string;
  email: string | null;
  phone: string | null;
  chat: string | null;
}

/** A replacement message: an approved template version, where and when it goes, and its placeholder values. */
export interface PlaybookMessage {
  templateId: string;
  templateVersion: number;
  channelIds: string[];
  /** Minutes after activation. */
  offsetMinutes: number;
  /** Values decided in advance. */
  values: Record<string, string>;
  /** Placeholders whose value the crisis lead gives at activation. */
  prompts: string[];
}

/** The response matrix entry for one scenario; edited in place, every edit audited with the before and after. */
@Entity('playbooks')
@Check('CHK_playbooks_level', `"level" BETWEEN 1 AND 3`)
@Check('CHK_playbooks_approvals_required', `"approvals_required" IS NULL OR "approvals_required" BETWEEN 1 AND 5`)
@Check(
  'CHK_playbooks_category',
  `"category" IN ('platform_outage','data_breach','delivery_delays','public_bug_report','payment_complaints','offensive_post','external_tragedy','other')`,
)
// Partial unique index written in the migration: one live playbook per name and workspace, case-insensitive.
@Index('UQ_playbooks_workspace_name_live', { synchronize: false })
export class Playbook {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_playbooks' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_playbooks_workspace' })
  workspace?: Workspace;

  @Column('text')
  name: string;

  @Column('text')
  category: PlaybookCategory;

  @Column('integer')
  level: CrisisLevel;

  @Column('jsonb')
  contacts: PlaybookContact[];

  /** Platforms to hold; null holds every platform. */
  @Column('text', { array: true, nullable: true })
  platforms: Platform[] | null;

  @Column('boolean', { name: 'pause_ads' })
  pauseAds: boolean;

  @Column('jsonb')
  messages: PlaybookMessage[];

  /** Crisis approvals each post needs under this playbook; null follows the workspace policy for the level. */
  @Column('integer', { name: 'approvals_required', nullable: true })
  approvalsRequired: number | null;

  /** Bumped by every edit. */
  @Column('integer', { default: 1 })
  revision: number;

  @Column('uuid', { name: 'author_id' })
  authorId: string;

  @Column('uuid', { name: 'last_editor_id' })
  lastEditorId: string;

  @Column('timestamptz', { name: 'archived_at', nullable: true })
  archivedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
