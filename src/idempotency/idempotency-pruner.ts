// Deletes expired Idempotency-Keys, once per cluster (pg_try_advisory_lock); a key past its time is also ignored when read.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Lock class for pg_try_advisory_lock(class, 0): the prune of expired keys. */
const PRUNE_LOCK_CLASS = 7_061_021;
const PRUNE_EVERY_MS = 15 * 60 * 1000;

@Injectable()
export class IdempotencyPruner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IdempotencyPruner.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running = this.prune().then(
        () => undefined,
        (error: unknown) => this.logger.warn({ err: error }, 'Pruning expired Idempotency-Keys failed; next turn retries'),
      );
    }, PRUNE_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes expired keys unless another instance is doing it now; answers how many it deleted (null: skipped). */
  async prune(): Promise<number | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1, 0) AS locked', [PRUNE_LOCK_CLASS])) as { locked: boolean }[];
      if (!locked) {
        return null;
      }
      try {
        const [, deleted] = (await runner.query('DELETE FROM idempotency_keys WHERE expires_at <= now()')) as [unknown, number];
        return deleted;
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, 0)', [PRUNE_LOCK_CLASS]);
      }
    } finally {
      await runner.release();
    }
  }
}
