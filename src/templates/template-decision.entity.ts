import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Template } from './template.entity';

/** An approval or a rejection of one template version, bound to the hash of the content judged. */
@Entity('template_decisions')
@Check('CHK_template_decisions_decision', `"decision" IN ('approved','rejected')`)
@Index('IDX_template_decisions_template', ['templateId', 'version'])
export class TemplateDecision {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_template_decisions' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('uuid', { name: 'template_id' })
  templateId: string;

  @ManyToOne(() => Template, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'template_id', foreignKeyConstraintName: 'FK_template_decisions_template' })
  template?: Template;

  @Column('integer')
  version: number;

  @Column('uuid', { name: 'approver_id' })
  approverId: string;

  @Column('text')
  decision: 'approved' | 'rejected';

  @Column('text', { name: 'content_hash' })
  contentHash: string;

  @Column('text', { nullable: true })
  comment: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
