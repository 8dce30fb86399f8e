import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One failed sign-in, counted by the throttle per account and per client address. */
@Entity('sign_in_failures')
@Index('IDX_sign_in_failures_account', ['accountHash', 'failedAt'])
@Index('IDX_sign_in_failures_address', ['ipAddress', 'failedAt'])
export class SignInFailure {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_sign_in_failures' })
  id: string;

  /** SHA-256 of the lower-cased e-mail: what was typed is not kept in clear. */
  @Column('text', { name: 'account_hash' })
  accountHash: string;

  @Column('text', { name: 'ip_address' })
  ipAddress: string;

  @Column('timestamptz', { name: 'failed_at', default: () => 'now()' })
  failedAt: Date;
}
