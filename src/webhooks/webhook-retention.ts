// Deletes webhook events, deliveries and attempts past WEBHOOK_RETENTION_DAYS, once per cluster, in short batches.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import type { Env } from '../config/env';

/** Advisory lock key: one instance of the cluster prunes at a time. */
const PRUNE_LOCK = 7_950_600;
const PRUNE_EVERY_MS = 60 * 60_000;
/** The first prune waits a little after start, so that a restart loop does not prune on every start. */
const FIRST_PRUNE_AFTER_MS = 5 * 60_000;
/** Events per transaction: each batch holds its row locks for milliseconds, never the tables. */
export const PRUNE_BATCH = 1000;

export interface PruneResult {
  events: number;
  deliveries: number;
  attempts: number;
  batches: number;
}

@Injectable()
export class WebhookRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookRetention.name);
  private readonly retentionDays: number;
  private timers: NodeJS.Timeout[] = [];
  private running?: Promise<unknown>;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: ConfigService<Env, true>,
  ) {
    this.retentionDays = config.get('WEBHOOK_RETENTION_DAYS', { infer: true });
  }

  onApplicationBootstrap(): void {
    const turn = (): void => {
      this.running ??= this.prune()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'Pruning old webhook deliveries failed; the next turn tries again'))
        .finally(() => (this.running = undefined));
    };
    this.timers = [setTimeout(turn, FIRST_PRUNE_AFTER_MS), setInterval(turn, PRUNE_EVERY_MS)];
    this.timers.forEach((timer) => timer.unref());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.timers.forEach((timer) => clearTimeout(timer));
    await this.running;
  }

  /**
   * Deletes what is past retention unless another instance is pruning now (null then). An event goes
   * with its deliveries and their attempts once it is older than the retention and every delivery of it
   * is settled (delivered, failed, cancelled) and unchanged for as long: a delivery still pending or
   * being retried, or re-sent recently, keeps its event and log. Oldest first, `batchSize` events a
   * transaction, until nothing is left or the service stops.
   */
  async prune(batchSize = PRUNE_BATCH): Promise<PruneResult | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [lock] = (await runner.query('SELECT pg_try_advisory_lock($1) AS ok', [PRUNE_LOCK])) as { ok: boolean }[];
      if (!lock.ok) {
        return null;
      }
      try {
        return await this.pruneBatches(runner, batchSize);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [PRUNE_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  private async pruneBatches(runner: QueryRunner, batchSize: number): Promise<PruneResult> {
    const [{ cutoff }] = (await runner.query('SELECT now() - make_interval(days => $1) AS cutoff', [this.retentionDays])) as { cutoff: Date }[];
    const total: PruneResult = { events: 0, deliveries: 0, attempts: 0, batches: 0 };
    for (;;) {
      const batch = await this.pruneBatch(runner, cutoff, batchSize);
      total.events += batch.events;
      total.deliveries += batch.deliveries;
      total.attempts += batch.attempts;
      total.batches += 1;
      if (batch.candidates < batchSize || this.stopping) {
        break;
      }
    }
    if (total.events + total.deliveries > 0) {
      this.logger.log({ ...total, retentionDays: this.retentionDays }, 'Pruned webhook events past their retention');
    }
    return total;
  }

  private async pruneBatch(runner: QueryRunner, cutoff: Date, batchSize: number): Promise<Omit<PruneResult, 'batches'> & { candidates: number }> {
    await runner.startTransaction();
    try {
      // Events another transaction holds are skipped this turn, not waited for.
      const events = ((await runner.query(
        `SELECT e.id FROM webhook_events e
          WHERE e.created_at < $1
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                             WHERE d.event_id = e.id AND (d.state NOT IN ('delivered', 'failed', 'cancelled') OR d.updated_at >= $1))
          ORDER BY e.created_at
          LIMIT $2
          FOR UPDATE OF e SKIP LOCKED`,
        [cutoff, batchSize],
      )) as { id: string }[]).map((row) => row.id);
      if (events.length === 0) {
        await runner.commitTransaction();
        return { events: 0, deliveries: 0, attempts: 0, candidates: 0 };
      }
      // Locked and checked again: a re-send that committed meanwhile made its delivery pending, and it stays.
      const deliveries = ((await runner.query(
        `SELECT id FROM webhook_deliveries
          WHERE event_id = ANY($1::uuid[]) AND state IN ('delivered', 'failed', 'cancelled') AND updated_at < $2
          FOR UPDATE`,
        [events, cutoff],
      )) as { id: string }[]).map((row) => row.id);
      const [, attempts] = (await runner.query('DELETE FROM webhook_attempts WHERE delivery_id = ANY($1::uuid[])', [deliveries])) as [unknown, number];
      await runner.query('DELETE FROM webhook_deliveries WHERE id = ANY($1::uuid[])', [deliveries]);
      const [, gone] = (await runner.query(
        `DELETE FROM webhook_events e WHERE e.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)`,
        [events],
      )) as [unknown, number];
      await runner.commitTransaction();
      return { events: gone, deliveries: deliveries.length, attempts, candidates: events.length };
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  }
}
