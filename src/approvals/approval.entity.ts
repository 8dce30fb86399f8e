import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Post } from '../calendar/post.entity';

/** A sign-off or a send-back, bound to the hash of the exact content version it judged. */
@Entity('approvals')
@Check('CHK_approvals_decision', `"decision" IN ('approved','rejected')`)
@Index('IDX_approvals_post', ['postId', 'contentHash'])
export class Approval {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_approvals' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('uuid', { name: 'post_id' })
  postId: string;

  @ManyToOne(() => Post, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'FK_approvals_post' })
  post?: Post;

  @Column('uuid', { name: 'approver_id' })
  approverId: string;

  @Column('text')
  decision: 'approved' | 'rejected';

  @Column('text', { name: 'content_hash' })
  contentHash: string;

  @Column('integer', { name: 'content_version' })
  contentVersion: number;

  @Column('text', { nullable: true })
  comment: string | null;

  /** The crisis active when it was given: it counts for that crisis, and in normal mode only if the policy says so. */
  @Column('uuid', { name: 'crisis_id', nullable: true })
  crisisId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
