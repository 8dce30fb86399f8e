import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Member } from '../members/member.entity';

/** An API key, stored only as its SHA-256 hash; the key itself is shown once, at creation. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_api_keys' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Index('IDX_api_keys_member')
  @Column('uuid', { name: 'member_id' })
  memberId: string;

  @ManyToOne(() => Member, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'FK_api_keys_member' })
  member?: Member;

  @Column('text', { nullable: true })
  name: string | null;

  /** The first characters of the key, enough to recognise it in a list. */
  @Column('text')
  prefix: string;

  @Index('UQ_api_keys_hash', { unique: true })
  @Column('text', { name: 'key_hash' })
  keyHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
