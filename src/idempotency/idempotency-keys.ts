// The store of Idempotency-Keys: the first request with a key claims it, repeats wait for its answer and replay it.
import { HttpException, HttpStatus, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { CredentialVault } from '../secrets/credential-vault';

/** How long a member's key is remembered. */
export const KEY_LIFETIME_HOURS = 24;
/** How long a repeat waits for the first request with its key to be answered before a 409. */
const WAIT_FOR_FIRST_MS = 30_000;
/** A first request still unanswered after this long was lost with its instance: nobody knows what it created. */
const ABANDONED_AFTER_SECONDS = 120;

export type Claim =
  /** This request is the first with its key: run it, then complete or release the key. */
  | { kind: 'first' }
  /** The key was answered: send this again. */
  | { kind: 'replay'; statusCode: number; body: unknown };

type StoredAnswer = { body?: unknown };

interface KeyRow {
  fingerprint: string;
  state: 'in_progress' | 'completed';
  status_code: number | null;
  answer_sealed: string | null;
  expired: boolean;
  abandoned: boolean;
}

@Injectable()
export class IdempotencyKeys {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vault: CredentialVault,
  ) {}

  /**
   * Claims `key` for this member's request, or answers what its first request answered. A key
   * stored with another request is a 422; one whose first request is still running is waited for
   * (polled: the first holds no database connection while it runs), and past WAIT_FOR_FIRST_MS a 409.
   */
  async claim(memberId: string, key: string, fingerprint: string): Promise<Claim> {
    const giveUpAt = Date.now() + WAIT_FOR_FIRST_MS;
    for (let pause = 10; ; pause = Math.min(pause * 1.5, 200)) {
      const inserted = await this.dataSource.query<{ key: string }[]>(
        `INSERT INTO idempotency_keys (member_id, key, fingerprint, state, expires_at)
         VALUES ($1, $2, $3, 'in_progress', now() + make_interval(hours => $4))
         ON CONFLICT (member_id, key) DO NOTHING
         RETURNING key`,
        [memberId, key, fingerprint, KEY_LIFETIME_HOURS],
      );
      if (inserted.length > 0) {
        return { kind: 'first' };
      }
      const [row] = await this.dataSource.query<KeyRow[]>(
        `SELECT fingerprint, state, status_code, answer_sealed, expires_at <= now() AS expired,
                created_at < now() - make_interval(secs => $3) AS abandoned
           FROM idempotency_keys WHERE member_id = $1 AND key = $2`,
        [memberId, key, ABANDONED_AFTER_SECONDS],
      );
      if (!row) {
        continue; // released by a failed first request: this one may claim it
      }
      if (row.expired) {
        await this.dataSource.query(`DELETE FROM idempotency_keys WHERE member_id = $1 AND key = $2 AND expires_at <= now()`, [memberId, key]);
        continue;
      }
      if (row.fingerprint !== fingerprint) {
        throw new UnprocessableEntityException(
          'This Idempotency-Key was already used with another request (method, path or body): use a new key for a new request',
        );
      }
      if (row.state === 'completed') {
        const answer = this.vault.open<StoredAnswer>(row.answer_sealed!, sealedFor(memberId, key));
        return { kind: 'replay', statusCode: row.status_code!, body: answer.body };
      }
      if (row.abandoned) {
        throw new HttpException(
          'The first request with this Idempotency-Key never finished (its instance stopped): whether it created anything is unknown; check, then use a new key',
          HttpStatus.CONFLICT,
        );
      }
      if (Date.now() >= giveUpAt) {
        throw new HttpException('The first request with this Idempotency-Key is still being processed: retry later', HttpStatus.CONFLICT);
      }
      await sleep(pause);
    }
  }

  /** Stores the first request's answer, sealed, for its repeats. */
  async complete(memberId: string, key: string, statusCode: number, body: unknown): Promise<void> {
    const answer: StoredAnswer = body === undefined ? {} : { body: JSON.parse(JSON.stringify(body)) as unknown };
    await this.dataSource.query(
      `UPDATE idempotency_keys SET state = 'completed', status_code = $3, answer_sealed = $4 WHERE member_id = $1 AND key = $2`,
      [memberId, key, statusCode, this.vault.seal(answer, sealedFor(memberId, key))],
    );
  }

  /** A first request that failed (any 4xx or 5xx) wrote nothing: its key is free for a corrected request. */
  async release(memberId: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE member_id = $1 AND key = $2 AND state = 'in_progress'`, [memberId, key]);
  }
}

/** A sealed answer opens only for its own member and key. */
function sealedFor(memberId: string, key: string): string {
  return `idempotency:${memberId}:${key}`;
}
