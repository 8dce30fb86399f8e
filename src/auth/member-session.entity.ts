import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Member } from '../members/member.entity';

/** A person signed in to the console: the cookie's token stored only as its SHA-256 hash. */
@Entity('member_sessions')
export class MemberSession {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_member_sessions' })
  id: string;

  @Column('uuid', { name: 'workspace_id' })
  workspaceId: string;

  @Index('IDX_member_sessions_member')
  @Column('uuid', { name: 'member_id' })
  memberId: string;

  @ManyToOne(() => Member, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'FK_member_sessions_member' })
  member?: Member;

  @Index('UQ_member_sessions_token_hash', { unique: true })
  @Column('text', { name: 'token_hash' })
  tokenHash: string;

  /** Sent back in X-CSRF-Token on every state change; useless without the cookie. */
  @Column('text', { name: 'csrf_token' })
  csrfToken: string;

  @Column('text', { name: 'user_agent', nullable: true })
  userAgent: string | null;

  @Column('text', { name: 'ip_address', nullable: true })
  ipAddress: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Stamped at most once a minute; the idle expiry counts from it. */
  @Column('timestamptz', { name: 'last_seen_at', default: () => 'now()' })
  lastSeenAt: Date;

  /** The absolute expiry: the session ends then however active it is. */
  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
