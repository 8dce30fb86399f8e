import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Crisis } from './crisis.entity';

/** A lessons-learned note on a crisis, for its report. */
@Entity('crisis_notes')
@Index('IDX_crisis_notes_crisis', ['crisisId'])
export class CrisisNote {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_crisis_notes' })
  id: string;

  @Column('uuid', { name: 'crisis_id' })
  crisisId: string;

  @ManyToOne(() => Crisis, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'crisis_id', foreignKeyConstraintName: 'FK_crisis_notes_crisis' })
  crisis?: Crisis;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Column('uuid', { name: 'author_id' })
  authorId: string;

  @Column('text')
  text: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
