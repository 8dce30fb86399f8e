// The statements of a delivery's lease, fenced by the dispatcher that holds it: claim, keep progress, give back, recover.
import type { DataSource } from 'typeorm';
import type { Platform } from '../channels/platform';
import { arrayLiteral } from '../database/array-literal';
import type { PostOptions } from '../publishers/publisher.port';
import { stoppedByCrisis } from './crisis-hold';

/** A claimed delivery with everything its send needs, read in the claim itself. */
export interface ClaimedDelivery {
  id: string;
  workspace_id: string;
  channel_id: string;
  platform: Platform;
  due_at: Date;
  attempts: number;
  text: string;
  platform_text: Partial<Record<Platform, string>>;
  image_urls: string[];
  media_ids: string[];
  options: PostOptions;
  /** What an earlier attempt left (Instagram's container id). */
  progress: Record<string, unknown> | null;
  link: string | null;
  handle: string;
  credentials_sealed: string;
}

export interface ClaimFilter {
  /** Channels whose breaker is open: their deliveries wait. */
  excludeChannels?: string[];
  /** Only this channel's (a channel breaker's probe). */
  channelId?: string | null;
}

/** An instance whose heartbeat is older than this many intervals is dead: its leases are recovered. */
export const MISSED_HEARTBEATS = 5;

/**
 * The claim: due deliveries of one platform ($3, due by $7, at most $4), locked with SKIP LOCKED, leased to $1 for
 * $2 ms, with their content and sealed credentials. $5 channels excluded (open breakers, and the channels that may
 * not send now: see HELD_BACK_CHANNELS), $6 one channel only or null. bench/partitioning.ts measures this very
 * statement on a partitioned copy of the table.
 *
 * Its shape walks IDX_deliveries_due in due order and stops at the limit, and hands the claimed ids to the update
 * as one array, found by primary key. Two shapes it replaced read the whole backlog on every claim (64 µs a claimed
 * row in pg_stat_statements, a 10,000 burst): the held-back channels joined per row, or read by a subquery into an
 * array, which PostgreSQL cannot size and so guesses filters three rows in four out; and `d.id IN (subquery)`,
 * which it could hash against a scan of the whole table. With either, the planner expected fewer due rows than
 * the limit and chose to fetch them all and sort. test/indexes.e2e-spec.ts holds the shape.
 */
export const CLAIM_DUE = `WITH claimed AS (
     UPDATE deliveries d
        SET state = 'publishing', lease_owner = $1, lease_expires_at = now() + make_interval(secs => $2::float8 / 1000), send_started_at = NULL,
            attempts = d.attempts + 1, updated_at = now()
      WHERE d.id = ANY(ARRAY(
        SELECT c.id FROM deliveries c
         WHERE c.state = 'scheduled' AND c.platform = $3 AND c.due_at <= $7
           AND ($6::uuid IS NULL OR c.channel_id = $6::uuid) AND c.channel_id <> ALL($5::uuid[])
           AND NOT ${stoppedByCrisis('c')}
         ORDER BY c.due_at
         LIMIT $4
         FOR UPDATE SKIP LOCKED))
      RETURNING d.id, d.workspace_id, d.post_id, d.channel_id, d.platform, d.due_at, d.attempts, d.progress)
   SELECT claimed.id, claimed.workspace_id, claimed.channel_id, claimed.platform, claimed.due_at, claimed.attempts, claimed.progress,
          p.text, p.platform_text, p.image_urls, p.media_ids, p.options, p.link, ch.handle, ch.credentials_sealed
     FROM claimed JOIN posts p ON p.id = claimed.post_id JOIN channels ch ON ch.id = claimed.channel_id
    ORDER BY claimed.due_at`;

/**
 * The channels of platform $1 that may not send now: a rate-limit wait still running, or credentials to reconnect.
 * Read just before each claim and bound into it (see CLAIM_DUE), through the two partial indexes of
 * AddChannelsHeldBackIndexes. A wait or a needs_reauth that lands between this read and the claim is as if it
 * had landed just after the claim: the send meets the platform's refusal and is retried or waits.
 */
export const HELD_BACK_CHANNELS = `SELECT id FROM channels WHERE platform = $1 AND (send_not_before > now() OR status = 'needs_reauth')`;

/**
 * Every write here but the recovery touches only rows `owner` still leases (state publishing, lease_owner
 * = owner), so a cancel, a crisis hold or a lease sweep that got there first always wins.
 */
export class DeliveryLeases {
  constructor(
    private readonly dataSource: DataSource,
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  /**
   * Takes due deliveries of one platform, with their content and sealed credentials, in one statement
   * (after reading the held-back channels it binds in); SKIP LOCKED lets every instance claim different
   * rows at the same moment.
   */
  async claimDue(platform: Platform, limit: number, now: Date, only: ClaimFilter = {}): Promise<ClaimedDelivery[]> {
    const heldBack = await this.dataSource.query<{ id: string }[]>(HELD_BACK_CHANNELS, [platform]);
    const excluded = [...(only.excludeChannels ?? []), ...heldBack.map((channel) => channel.id)];
    return this.dataSource.query<ClaimedDelivery[]>(
      CLAIM_DUE,
      [this.owner, this.leaseMs, platform, limit, arrayLiteral(excluded), only.channelId ?? null, now],
    );
  }

  /**
   * The platforms with a scheduled delivery due by `now` (only those are worth a claim), and the instant
   * the next one falls due after it, if any. One index probe per platform.
   */
  async due(platforms: Platform[], now: Date): Promise<{ due: Set<Platform>; nextDueAt: number | undefined }> {
    const rows = await this.dataSource.query<{ platform: Platform; next_due: Date | null }[]>(
      `SELECT p.platform, (SELECT min(d.due_at) FROM deliveries d WHERE d.state = 'scheduled' AND d.platform = p.platform) AS next_due
         FROM unnest($1::text[]) AS p(platform)`,
      [platforms],
    );
    const due = new Set<Platform>();
    let nextDueAt: number | undefined;
    for (const row of rows) {
      if (row.next_due === null) {
        continue;
      }
      const at = new Date(row.next_due).getTime();
      if (at <= now.getTime()) {
        due.add(row.platform);
      } else {
        nextDueAt = Math.min(nextDueAt ?? at, at);
      }
    }
    return { due, nextDueAt };
  }

  /**
   * Keeps what this attempt leaves for the next (Instagram's container id), committed before the step that
   * depends on it; only while this dispatcher still holds the delivery (a lost lease throws: the send stops).
   */
  async saveProgress(deliveryId: string, state: Record<string, unknown>): Promise<void> {
    const [, updated] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE deliveries SET progress = $2::jsonb WHERE id = $1 AND state = 'publishing' AND lease_owner = $3`,
      [deliveryId, JSON.stringify(state), this.owner],
    );
    if (updated !== 1) {
      throw new Error(`delivery ${deliveryId} is no longer this dispatcher's: its progress was not kept`);
    }
  }

  /**
   * Deliveries claimed but never sent (refused at the gate, or the engine is stopping): handed back,
   * attempt uncounted, for the hold sweep and the crisis to decide.
   */
  async giveBack(deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length === 0) {
      return;
    }
    await this.dataSource.query(
      `UPDATE deliveries SET state = 'scheduled', attempts = GREATEST(attempts - 1, 0), lease_owner = NULL, lease_expires_at = NULL,
              send_started_at = NULL, updated_at = now()
        WHERE id = ANY($1::uuid[]) AND state = 'publishing' AND lease_owner = $2`,
      [arrayLiteral(deliveryIds), this.owner],
    );
  }

  /**
   * Recovers the deliveries of a sender that died or hung: its lease expired, or its instance stopped
   * heartbeating (dead for MISSED_HEARTBEATS intervals, or gone), which after a crash is seconds, not
   * a lease. One never admitted at its gate (send_started_at null) was never sent: it goes back to
   * scheduled at its planned time, attempt uncounted. One whose send started has an unknown outcome:
   * sent again only where the platform honours our idempotency key (`idempotent`, and nobody stopped
   * the post meanwhile); otherwise a person verifies it. The planned time (due_at) is kept either way.
   */
  async recoverStoppedSenders(idempotent: Platform[], heartbeatMs: number): Promise<{ id: string; state: string }[]> {
    const resend = `d.stop_requested IS NULL AND d.platform = ANY($1)`;
    const [recovered] = await this.dataSource.query<[{ id: string; state: string }[], number]>(
      `UPDATE deliveries d
          SET state = CASE WHEN d.send_started_at IS NULL OR ${resend} THEN 'scheduled' ELSE 'needs_verification' END,
              attempts = CASE WHEN d.send_started_at IS NULL THEN GREATEST(d.attempts - 1, 0) ELSE d.attempts END,
              last_error = CASE
                WHEN d.send_started_at IS NULL THEN d.last_error
                WHEN ${resend} THEN 'its sender stopped mid-send; sent again with the same idempotency key'
                WHEN d.stop_requested IS NOT NULL THEN 'its sender stopped mid-send after the post was '
                  || CASE WHEN d.stop_requested = 'cancelled' THEN 'cancelled' ELSE 'sent back' END
                  || ', so whether it was published is unknown: check the platform (it is not sent again)'
                ELSE 'its sender stopped mid-send, so whether it was published is unknown: check the platform' END,
              lease_owner = NULL, lease_expires_at = NULL, send_started_at = NULL, stop_requested = NULL, updated_at = now()
        WHERE d.state = 'publishing'
          AND (d.lease_expires_at < now()
               OR (d.lease_owner IS NOT NULL AND NOT EXISTS (
                     SELECT 1 FROM dispatch_instances i
                      WHERE i.owner = d.lease_owner AND i.heartbeat_at > now() - make_interval(secs => $2::float8 / 1000))))
        RETURNING d.id, d.state`,
      [idempotent, heartbeatMs * MISSED_HEARTBEATS],
    );
    return recovered;
  }
}
