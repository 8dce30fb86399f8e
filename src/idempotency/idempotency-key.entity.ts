import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One Idempotency-Key a member sent to a create route, kept 24 hours: the request it came with (by
 * fingerprint) and, once answered, the sealed answer replayed to a repeat.
 */
@Entity('idempotency_keys')
@Check('CHK_idempotency_keys_state', `"state" IN ('in_progress','completed')`)
@Index('IDX_idempotency_keys_expires', ['expiresAt'])
export class IdempotencyKey {
  @PrimaryColumn('uuid', { name: 'member_id', primaryKeyConstraintName: 'PK_idempotency_keys' })
  memberId: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'PK_idempotency_keys' })
  key: string;

  /** SHA-256 (hex) of the method, the path and the canonical JSON body of the first request. */
  @Column('text')
  fingerprint: string;

  /** in_progress while the first request runs; completed once its answer is stored. */
  @Column('text', { default: 'in_progress' })
  state: 'in_progress' | 'completed';

  @Column('integer', { name: 'status_code', nullable: true })
  statusCode: number | null;

  /** The answer's body, sealed like channel credentials: it may hold an API key or a webhook secret. */
  @Column('text', { name: 'answer_sealed', nullable: true })
  answerSealed: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;
}
