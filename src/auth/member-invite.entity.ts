import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Member } from '../members/member.entity';

/** A one-time link to set a password, stored only as the SHA-256 hash of its token. */
@Entity('member_invites')
export class MemberInvite {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_member_invites' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Index('IDX_member_invites_member')
  @Column('uuid', { name: 'member_id' })
  memberId: string;

  @ManyToOne(() => Member, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'FK_member_invites_member' })
  member?: Member;

  @Index('UQ_member_invites_token_hash', { unique: true })
  @Column('text', { name: 'token_hash' })
  tokenHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt: Date | null;

  /** Set when a newer link was issued for the member before this one was used. */
  @Column('timestamptz', { name: 'voided_at', nullable: true })
  voidedAt: Date | null;
}
