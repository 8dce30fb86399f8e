import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '../common/roles';
import { Workspace } from '../workspaces/workspace.entity';

@Entity('members')
@Check('CHK_members_roles', `cardinality("roles") > 0 AND "roles" <@ ARRAY['admin','marketer','approver','crisis_lead','viewer']::text[]`)
// Unique e-mail per workspace, case-insensitive: expression index written in the migration.
@Index('UQ_members_workspace_email', { synchronize: false })
export class Member {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_members' })
  id: string;

  @Index('IDX_members_workspace')
  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @ManyToOne(() => Workspace, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'FK_members_workspace' })
  workspace?: Workspace;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  email: string | null;

  @Column('text', { array: true })
  roles: Role[];

  /** argon2id, set when the member accepts an invite; null until then (API keys only). */
  @Column('text', { name: 'password_hash', nullable: true, select: false })
  passwordHash?: string | null;

  @Column('timestamptz', { name: 'password_changed_at', nullable: true })
  passwordChangedAt: Date | null;

  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
