// Writes send outcomes in batches: one UPDATE for every outcome that arrived within a few milliseconds.
import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { markNeedsReauth } from '../channels/channel-status';
import type { Outcome } from './send-outcome';
import { writeWebhookEvent } from '../webhooks/webhook-outbox';
import { arrayLiteral } from '../database/array-literal';

interface Pending {
  deliveryId: string;
  channelId: string;
  outcome: Outcome;
  done: (recorded: boolean) => void;
  failed: (error: unknown) => void;
}

const FLUSH_AFTER_MS = 5;
const MAX_BATCH = 500;
const ANNOUNCE_EVERY_MS = 250;

export class OutcomeRecorder {
  private readonly logger = new Logger(OutcomeRecorder.name);
  private pending: Pending[] = [];
  private timer?: NodeJS.Timeout;
  /** Deliveries recorded per workspace since the last live event (see announceSoon). */
  private readonly changed = new Map<string, number>();
  private announcing?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    /** Fences every write: only deliveries this dispatcher still holds are recorded. */
    private readonly owner: string,
  ) {}

  /** Resolves once written: true if recorded, false if the lease had been lost (the sweep took it). */
  record(deliveryId: string, channelId: string, outcome: Outcome): Promise<boolean> {
    return new Promise((done, failed) => {
      this.pending.push({ deliveryId, channelId, outcome, done, failed });
      if (this.pending.length >= MAX_BATCH) {
        void this.flush();
      } else {
        this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
      }
    });
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0, this.pending.length);
    if (batch.length === 0) {
      return;
    }
    try {
      const written = batch.some((p) => p.outcome.reauthRequired || p.outcome.state === 'failed')
        ? await this.dataSource.transaction(async (manager) => announceFailures(manager, batch, await this.writeMarkingReauth(manager, batch)))
        : await this.write(this.dataSource, batch);
      await this.afterWrite(batch, written);
      for (const entry of batch) {
        entry.done(written.has(entry.deliveryId));
      }
    } catch (error) {
      for (const entry of batch) {
        entry.failed(error);
      }
    }
  }

  /** An auth_expired outcome and its channel's needs_reauth commit together, so neither is seen without the other. */
  private async writeMarkingReauth(manager: EntityManager, batch: Pending[]): Promise<Set<string>> {
    const written = await this.write(manager, batch);
    const marks = batch
      .filter((p) => p.outcome.reauthRequired && written.has(p.deliveryId))
      .map((p) => ({ channelId: p.channelId, reason: p.outcome.lastError ?? 'the platform refused the credentials' }));
    const marked = await markNeedsReauth(manager, marks);
    for (const channel of marked) {
      this.logger.warn({ channelId: channel.id, platform: channel.platform }, 'Channel needs to be reconnected; its deliveries wait');
    }
    return written;
  }

  private async write(runner: Pick<EntityManager, 'query'>, batch: Pending[]): Promise<Set<string>> {
    // Each column goes as one array literal (see arrayLiteral). `d.id = ANY($1)` beside the join lets PostgreSQL
    // find the rows by primary key: joined to unnest() alone it scanned the table on every flush (113 µs a row
    // against 41 µs, pg_stat_statements in a burst).
    const column = (pick: (p: Pending) => string | number | boolean | Date | null | undefined): string => arrayLiteral(batch.map(pick));
    const [rows] = await runner.query<[{ id: string; workspace_id: string }[], number]>(
      // A cancel or a rejection that met the send in flight (stop_requested, read on the row as locked) turns a
      // retry into its own state, at the planned time: the send is never tried again.
      `UPDATE deliveries d
          SET state = CASE WHEN d.stop_requested IS NOT NULL AND v.state = 'scheduled' THEN d.stop_requested ELSE v.state END,
              due_at = CASE WHEN d.stop_requested IS NOT NULL THEN d.due_at ELSE COALESCE(v.due_at, d.due_at) END, attempts = v.attempts,
              last_error = CASE WHEN d.stop_requested IS NOT NULL AND v.state = 'scheduled'
                THEN COALESCE(v.last_error, 'the send failed') || CASE WHEN d.stop_requested = 'cancelled' THEN ' (not retried: the post was cancelled while it was being sent)'
                                          ELSE ' (not retried: the post was sent back while it was being sent)' END
                ELSE v.last_error END,
              platform_post_id = COALESCE(v.platform_post_id, d.platform_post_id), url = COALESCE(v.url, d.url),
              published_at = CASE WHEN v.state = 'published' THEN now() ELSE d.published_at END,
              waiting_for_reauth_since = CASE WHEN v.waiting AND d.stop_requested IS NULL THEN COALESCE(d.waiting_for_reauth_since, now()) END,
              lease_owner = NULL, lease_expires_at = NULL, send_started_at = NULL, stop_requested = NULL, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::int[], $5::text[], $6::text[], $7::text[], $9::boolean[])
              AS v(id, state, due_at, attempts, last_error, platform_post_id, url, waiting)
        WHERE d.id = v.id AND d.id = ANY($1::uuid[]) AND d.state = 'publishing' AND d.lease_owner = $8
        RETURNING d.id, d.workspace_id`,
      [
        column((p) => p.deliveryId),
        column((p) => p.outcome.state),
        column((p) => p.outcome.dueAt ?? null),
        column((p) => p.outcome.attempts),
        column((p) => p.outcome.lastError),
        column((p) => p.outcome.published?.platformPostId ?? null),
        column((p) => p.outcome.published?.url ?? null),
        this.owner,
        column((p) => p.outcome.reauthRequired === true),
      ],
    );
    for (const row of rows) {
      this.changed.set(row.workspace_id, (this.changed.get(row.workspace_id) ?? 0) + 1);
    }
    this.announceSoon();
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Tells the open consoles that deliveries changed: one live event per workspace every ANNOUNCE_EVERY_MS at most,
   * written after the outcomes committed, not in their statement (in it, a row per batch cost the burst about 12 %
   * of its throughput). A crash in between loses only a refetch hint: the outcomes are recorded, and a console
   * refetches on its next event or reconnect.
   */
  private announceSoon(): void {
    if (this.changed.size === 0 || this.announcing) {
      return;
    }
    this.announcing = setTimeout(() => {
      this.announcing = undefined;
      const changed = [...this.changed];
      this.changed.clear();
      this.dataSource
        .query(
          `INSERT INTO live_events (workspace_id, type, data)
           SELECT w, 'deliveries.changed', jsonb_build_object('count', n) FROM unnest($1::uuid[], $2::int[]) AS c(w, n)`,
          [changed.map(([workspace]) => workspace), changed.map(([, count]) => count)],
        )
        .catch((error: unknown) => this.logger.warn({ err: error }, 'Could not tell the consoles that deliveries changed'));
    }, ANNOUNCE_EVERY_MS);
    this.announcing.unref();
  }

  /**
   * What follows a committed write. Its failures are logged, never thrown: the outcomes are recorded,
   * and a retry of the write would find them no longer this dispatcher's.
   */
  private async afterWrite(batch: Pending[], written: Set<string>): Promise<void> {
    try {
      await this.noteLostLeasesAndWaits(batch, written);
    } catch (error) {
      this.logger.warn({ err: error }, 'Recorded the outcomes, but not their notes (lost leases, rate-limit waits)');
    }
  }

  private async noteLostLeasesAndWaits(batch: Pending[], written: Set<string>): Promise<void> {
    for (const { deliveryId, channelId, outcome } of batch) {
      if (!written.has(deliveryId)) {
        this.logger.error({ deliveryId, outcome: outcome.state }, 'Lease lost before the outcome was recorded');
        if (outcome.published) {
          // The sweep already asked a person to verify it: tell them where it went.
          await this.dataSource.query(
            `UPDATE deliveries SET platform_post_id = $2, url = $3,
                    last_error = 'published by a send whose lease had expired; confirm it and mark it published'
              WHERE id = $1 AND state = 'needs_verification'`,
            [deliveryId, outcome.published.platformPostId, outcome.published.url],
          );
        }
      }
      if (outcome.channelNotBefore) {
        await this.dataSource.query(
          'UPDATE channels SET send_not_before = GREATEST(COALESCE(send_not_before, $2), $2) WHERE id = $1',
          [channelId, outcome.channelNotBefore],
        );
      }
    }
  }
}

/** A delivery that ended failed is announced to the workspace's webhooks (delivery.failed) in the transaction that records it. */
async function announceFailures(manager: EntityManager, batch: Pending[], written: Set<string>): Promise<Set<string>> {
  const failed = batch.filter((p) => p.outcome.state === 'failed' && written.has(p.deliveryId)).map((p) => p.deliveryId);
  if (failed.length === 0) {
    return written;
  }
  const rows = await manager.query<{ id: string; workspace_id: string; post_id: string; channel_id: string; platform: string; attempts: number; last_error: string | null }[]>(
    'SELECT id, workspace_id, post_id, channel_id, platform, attempts, last_error FROM deliveries WHERE id = ANY($1::uuid[])',
    [failed],
  );
  for (const row of rows) {
    await writeWebhookEvent(manager, {
      workspaceId: row.workspace_id,
      type: 'delivery.failed',
      data: { deliveryId: row.id, postId: row.post_id, channelId: row.channel_id, platform: row.platform, attempts: row.attempts, reason: row.last_error },
    });
  }
  return written;
}
