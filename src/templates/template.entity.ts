import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Workspace } from '../workspaces/workspace.entity';

/** A pre-approved message; its content lives in immutable versions, of which only approved ones can be used. */
@Entity('templates')
// Partial unique index written in the migration: one live template per name and workspace, case-insensitive.
@Index('UQ_templates_workspace_name_live', { synchronize: false })
export class Template {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_templates' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_templates_workspace' })
  workspace?: Workspace;

  /** The latest version's name. */
  @Column('text')
  name: string;

  /** The latest version's number. */
  @Column('integer', { name: 'current_version' })
  currentVersion: number;

  @Column('uuid', { name: 'author_id' })
  authorId: string;

  /** Archived templates are listed no more and none of their versions can be used. */
  @Column('timestamptz', { name: 'archived_at', nullable: true })
  archivedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
