// Failed sign-ins counted in PostgreSQL, so every instance of the service refuses the same guesser.
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Env } from '../config/env';

export interface ThrottleLimits {
  accountFailures: number;
  addressFailures: number;
  windowMinutes: number;
}

export interface RecordedFailure {
  /** This failure is the one that reached the account's limit: the start of a throttled burst. */
  accountBurst: boolean;
  addressBurst: boolean;
}

@Injectable()
export class SignInThrottle {
  readonly limits: ThrottleLimits;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: ConfigService<Env, true>,
  ) {
    this.limits = {
      accountFailures: config.get('SIGN_IN_ACCOUNT_FAILURES', { infer: true }),
      addressFailures: config.get('SIGN_IN_ADDRESS_FAILURES', { infer: true }),
      windowMinutes: config.get('SIGN_IN_THROTTLE_MINUTES', { infer: true }),
    };
  }

  /**
   * Seconds until the account and the address are both below their limits again; 0 when they are.
   * The wait ends when the failure that filled the limit leaves the window.
   */
  async retryAfterSeconds(accountHash: string, ipAddress: string): Promise<number> {
    const [row] = await this.dataSource.query<{ retry_after: number | null }[]>(
      `SELECT ceil(extract(epoch FROM greatest(
                (SELECT failed_at FROM sign_in_failures
                  WHERE account_hash = $1 AND failed_at > now() - make_interval(mins => $3)
                  ORDER BY failed_at DESC OFFSET $4 LIMIT 1),
                (SELECT failed_at FROM sign_in_failures
                  WHERE ip_address = $2 AND failed_at > now() - make_interval(mins => $3)
                  ORDER BY failed_at DESC OFFSET $5 LIMIT 1)
              ) + make_interval(mins => $3) - now()))::int AS retry_after`,
      [accountHash, ipAddress, this.limits.windowMinutes, this.limits.accountFailures - 1, this.limits.addressFailures - 1],
    );
    return Math.max(0, row?.retry_after ?? 0);
  }

  async recordFailure(accountHash: string, ipAddress: string): Promise<RecordedFailure> {
    const [row] = await this.dataSource.query<{ account_failures: number; address_failures: number }[]>(
      `WITH added AS (
         INSERT INTO sign_in_failures (account_hash, ip_address) VALUES ($1, $2) RETURNING id),
       pruned AS (
         DELETE FROM sign_in_failures
          WHERE (account_hash = $1 OR ip_address = $2) AND failed_at < now() - make_interval(mins => $3))
       SELECT 1 + (SELECT count(*) FROM sign_in_failures WHERE account_hash = $1 AND failed_at > now() - make_interval(mins => $3))::int AS account_failures,
              1 + (SELECT count(*) FROM sign_in_failures WHERE ip_address = $2 AND failed_at > now() - make_interval(mins => $3))::int AS address_failures`,
      [accountHash, ipAddress, this.limits.windowMinutes],
    );
    return {
      accountBurst: Number(row.account_failures) === this.limits.accountFailures,
      addressBurst: Number(row.address_failures) === this.limits.addressFailures,
    };
  }

  /** A good sign-in forgives the account's failures (the address's stay: it may be guessing others). */
  async forgive(accountHash: string): Promise<void> {
    await this.dataSource.query('DELETE FROM sign_in_failures WHERE account_hash = $1', [accountHash]);
  }
}
