// Records webhook attempts in batches: the outcomes that finish while one batch is being written go in the next, in one statement.
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import type { AttemptOutcome } from './attempt-outcome';
import { WebhookMetrics } from './webhook.metrics';

/** One finished request and what it means for its delivery, fenced by the lease of the sender that made it. */
export interface FinishedAttempt {
  deliveryId: string;
  webhookId: string;
  workspaceId: string;
  /** The sender holding the delivery's lease: only its own leases are settled. */
  owner: string;
  /** The attempt's number (the delivery's attempts after the claim). */
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | undefined;
  error: string | null;
  responseBody: string | null;
  outcome: AttemptOutcome;
}

interface Waiting {
  attempt: FinishedAttempt;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** At most this many outcomes in one statement (its arrays stay small; a busy instance finishes 16 requests at a time). */
const MAX_BATCH = 500;

/**
 * Every attempt's row and its delivery's new state, for a whole batch, in one statement ($1 owners, then
 * one array per column). The attempt is logged even if the lease was lost (the request was made); the
 * delivery changes only where its sender still holds it. A retry for a webhook switched off meanwhile
 * is cancelled rather than queued. Answers the deliveries it settled.
 */
const RECORD_SQL = `WITH outcome AS (
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[], $4::timestamptz[], $5::int[], $6::int[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
      AS o(owner, id, attempt, started_at, duration_ms, status_code, error, response_body, state, due_at)),
  logged AS (
    INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_body)
    SELECT id, attempt, started_at, duration_ms, status_code, error, response_body FROM outcome)
  UPDATE webhook_deliveries d
     SET state = CASE WHEN o.state = 'pending' AND NOT EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.active AND w.deleted_at IS NULL)
                      THEN 'cancelled' ELSE o.state END,
         due_at = COALESCE(o.due_at, d.due_at), last_status_code = o.status_code, last_error = o.error,
         delivered_at = CASE WHEN o.state = 'delivered' THEN now() ELSE d.delivered_at END,
         lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
    FROM outcome o
   WHERE d.id = o.id AND d.state = 'sending' AND d.lease_owner = o.owner
  RETURNING d.id`;

@Injectable()
export class WebhookAttemptRecorder {
  private readonly logger = new Logger(WebhookAttemptRecorder.name);
  private queue: Waiting[] = [];
  private writing?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly metrics: WebhookMetrics,
  ) {}

  /**
   * Resolves once the attempt and its delivery's new state are committed. Group commit: while a batch is
   * being written, what finishes meanwhile waits and goes in the next one, so an idle instance records at
   * once and a busy one in one statement per batch. Rejects when its batch could not be written: the
   * delivery keeps its lease, which expires, and it is sent again with the same event id (at least once).
   */
  record(attempt: FinishedAttempt): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ attempt, resolve, reject });
      this.writing ??= this.drain().finally(() => (this.writing = undefined));
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.metrics.recordBatch.observe(batch.length);
      try {
        await this.writeBatch(batch.map((w) => w.attempt));
        batch.forEach((w) => w.resolve());
      } catch (error) {
        await this.writeEachAlone(batch, error);
      }
    }
  }

  /**
   * A batch the database refused (an error it answered: nothing of the statement was committed) is
   * written one attempt at a time, so that one bad outcome does not send the others again. A lost
   * connection says nothing about whether the batch committed: it is not written twice, its leases expire.
   */
  private async writeEachAlone(batch: Waiting[], error: unknown): Promise<void> {
    if (batch.length === 1 || !refusedByDatabase(error)) {
      this.logger.error({ err: error, attempts: batch.length }, 'Could not record webhook attempts; their leases will expire and they are sent again');
      batch.forEach((w) => w.reject(error));
      return;
    }
    for (const waiting of batch) {
      try {
        await this.writeBatch([waiting.attempt]);
        waiting.resolve();
      } catch (alone) {
        this.logger.error({ err: alone, webhookDeliveryId: waiting.attempt.deliveryId }, 'Could not record a webhook attempt; its lease will expire and it is sent again');
        waiting.reject(alone);
      }
    }
  }

  /** One statement for the batch; a transaction only when a receiver answered 410 and its webhook is disabled with it. */
  private async writeBatch(attempts: FinishedAttempt[]): Promise<void> {
    const gone = attempts.filter((a) => a.outcome.state === 'failed' && a.outcome.disableWebhook);
    if (gone.length === 0) {
      this.reportLost(attempts, await this.write(this.dataSource.manager, attempts));
      return;
    }
    await this.dataSource.transaction(async (manager) => {
      const settled = await this.write(manager, attempts);
      this.reportLost(attempts, settled);
      for (const attempt of gone.filter((a) => settled.has(a.deliveryId))) {
        await this.disable(manager, attempt.webhookId, attempt.workspaceId, 'the receiver answered 410 Gone');
      }
    });
  }

  private async write(manager: EntityManager, attempts: FinishedAttempt[]): Promise<Set<string>> {
    const column = <T>(pick: (a: FinishedAttempt) => T): T[] => attempts.map(pick);
    const result = await manager.query<[{ id: string }[], number] | { id: string }[]>(RECORD_SQL, [
      column((a) => a.owner),
      column((a) => a.deliveryId),
      column((a) => a.attempt),
      column((a) => a.startedAt),
      column((a) => a.durationMs),
      column((a) => a.statusCode ?? null),
      column((a) => storable(a.error)),
      column((a) => storable(a.responseBody)),
      column((a) => a.outcome.state),
      column((a) => (a.outcome.state === 'pending' ? a.outcome.dueAt : null)),
    ]);
    // An UPDATE … RETURNING answers [rows, count] through TypeORM's postgres driver.
    const rows = Array.isArray(result[0]) ? (result as [{ id: string }[], number])[0] : (result as { id: string }[]);
    return new Set(rows.map((row) => row.id));
  }

  private reportLost(attempts: FinishedAttempt[], settled: Set<string>): void {
    for (const attempt of attempts.filter((a) => !settled.has(a.deliveryId))) {
      this.logger.error({ webhookDeliveryId: attempt.deliveryId }, 'Lease lost before the webhook attempt was recorded');
    }
  }

  private async disable(manager: EntityManager, webhookId: string, workspaceId: string, reason: string): Promise<void> {
    const [disabled] = await manager.query<[{ id: string }[], number]>(
      `UPDATE webhooks SET active = false, disabled_reason = $2, updated_at = now() WHERE id = $1 AND active RETURNING id`,
      [webhookId, reason],
    );
    if (disabled.length === 0) {
      return;
    }
    await manager.query(
      `UPDATE webhook_deliveries SET state = 'cancelled', last_error = $2, updated_at = now() WHERE webhook_id = $1 AND state = 'pending'`,
      [webhookId, `not sent: the webhook was disabled because ${reason}`],
    );
    await this.audit.record(manager, workspaceId, SYSTEM_ACTOR, {
      action: 'webhook.disabled',
      targetType: 'webhook',
      targetId: webhookId,
      after: { active: false, disabledReason: reason },
      reason,
    });
    this.logger.warn({ webhookId, reason }, 'Webhook disabled');
  }
}

/** PostgreSQL text cannot hold NUL: a receiver's answer with one is kept without it rather than refused. */
function storable(text: string | null): string | null {
  return text === null ? null : text.replaceAll('\u0000', '');
}

/** An error PostgreSQL answered with a SQLSTATE: the statement was refused, so nothing of it was committed. */
function refusedByDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57');
}
