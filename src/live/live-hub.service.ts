// Each instance reads new live events once per wake-up and fans them out to its own open streams.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { ListenConnection } from '../database/listen-connection';
import { DataSource } from 'typeorm';
import type { Env } from '../config/env';
import { LIVE_CHANNEL } from './live-events';

export const LIVE_LISTENER = 'holdfast-live-listener';
/** The safety net when a wake-up is lost (listener reconnecting), and how engine-side events (no NOTIFY on the send and create-post paths) are found. */
const POLL_MS = 500;
const PRUNE_MS = 60_000;
/** Advisory lock key: one instance of the cluster prunes at a time. */
const PRUNE_LOCK = 7_950_700;
/** A resume with more to replay than this asks the console for a refresh instead. */
export const REPLAY_MAX = 5000;

/**
 * A PostgreSQL snapshot (`xmin:xmax:xip,…`, as `pg_current_snapshot()::text` writes it): the set of
 * transactions committed when it was taken. It is the stream's cursor: the events a reader has not
 * seen since snapshot P are exactly those written by transactions P does not see. Unlike "below the
 * oldest running transaction", this does not wait for unrelated long transactions anywhere in the
 * cluster (xmin is cluster-wide: another database's migration would hold every console's events).
 */
export interface Snapshot {
  text: string;
  xmin: bigint;
  xmax: bigint;
  xip: Set<bigint>;
}

const SNAPSHOT = /^(\d{1,19}):(\d{1,19}):((?:\d{1,19},){0,9999}\d{1,19})?$/;

/** The snapshot a cursor names, or null when it is not one PostgreSQL could have written. */
export function parseSnapshot(text: string | undefined | null): Snapshot | null {
  const m = SNAPSHOT.exec(text ?? '');
  if (!m) {
    return null;
  }
  const xmin = BigInt(m[1]);
  const xmax = BigInt(m[2]);
  const xip = new Set((m[3] ? m[3].split(',') : []).map((x) => BigInt(x)));
  if (xmin < 1n || xmin > xmax || xmax > 9223372036854775807n || [...xip].some((x) => x < xmin || x >= xmax)) {
    return null;
  }
  return { text: text!, xmin, xmax, xip };
}

/** Whether transaction `tx` had committed when `snapshot` was taken (live events only exist for committed ones). */
export function sees(snapshot: Snapshot, tx: bigint): boolean {
  return tx < snapshot.xmin || (tx < snapshot.xmax && !snapshot.xip.has(tx));
}

export interface LiveEvent {
  tx: bigint;
  workspaceId: string;
  type: string;
  data: Record<string, unknown>;
  roles: string[] | null;
}

/** What one read found: the events committed after `from` and by `to` (in no particular commit order). */
export interface LiveBatch {
  from: Snapshot;
  to: Snapshot;
  events: LiveEvent[];
}

export interface LiveSubscriber {
  workspaceId: string;
  roles: string[];
  send(batch: LiveBatch): void;
}

interface Row {
  snap: string;
  tx: string | null;
  workspace_id: string;
  type: string;
  data: Record<string, unknown>;
  roles: string[] | null;
}

@Injectable()
export class LiveHub implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(LiveHub.name);
  private readonly subscribers = new Set<LiveSubscriber>();
  private listener?: ListenConnection;
  private poller?: NodeJS.Timeout;
  private pruner?: NodeJS.Timeout;
  private stopping = false;
  /** Where this instance has read to; null until the first read sets it to now. */
  private cursor: Snapshot | null = null;
  private reading?: Promise<void>;
  private again = false;
  private readonly closers = new Set<() => void>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Env, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.cursor = await this.now();
    const listener = new ListenConnection({
      databaseUrl: this.config.get('DATABASE_URL', { infer: true }),
      applicationName: LIVE_LISTENER,
      channels: [LIVE_CHANNEL],
      onNotification: () => this.wake(),
      onReconnected: () => this.wake(),
      lostMessage: 'Live wake-up connection lost; polling continues, reconnecting',
      logger: this.logger,
    });
    this.listener = listener;
    await listener.start().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'Live listener failed to start; polling, reconnecting');
      listener.reconnectLater();
    });
    this.poller = setInterval(() => this.wake(), POLL_MS);
    this.poller.unref();
    this.pruner = setInterval(() => void this.prune().catch(() => undefined), PRUNE_MS);
    this.pruner.unref();
  }

  /** Streams end before the HTTP server closes, which waits for open connections. */
  beforeApplicationShutdown(): void {
    this.stopping = true;
    for (const close of [...this.closers]) {
      close();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.poller);
    clearInterval(this.pruner);
    for (const close of [...this.closers]) {
      close();
    }
    await this.listener?.stop();
    await this.reading?.catch(() => undefined);
  }

  /** The cursor of "now": everything already committed is behind it. */
  async now(): Promise<Snapshot> {
    const [row] = await this.dataSource.query<{ snap: string }[]>(`SELECT pg_current_snapshot()::text AS snap`);
    return parseSnapshot(row.snap)!;
  }

  /**
   * The events committed after `from` (exclusive) and up to now, with the snapshot "now" is: rows and
   * snapshot come from one statement, so the rows are exactly what that snapshot sees and `from` did not.
   * `workspaceId` narrows a stream's replay; `limit` caps it.
   */
  async since(from: Snapshot, workspaceId?: string, limit?: number): Promise<LiveBatch> {
    const rows = await this.dataSource.query<Row[]>(
      `WITH now AS (SELECT pg_current_snapshot() AS snap)
       SELECT now.snap::text AS snap, e.tx::text, e.workspace_id, e.type, e.data, e.roles
         FROM now LEFT JOIN LATERAL (
           SELECT tx, id, workspace_id, type, data, roles FROM live_events
            WHERE tx >= pg_snapshot_xmin($1::pg_snapshot)::text::bigint
              AND NOT pg_visible_in_snapshot(tx::text::xid8, $1::pg_snapshot)
              AND ($2::uuid IS NULL OR workspace_id = $2)
            ORDER BY tx, id
            LIMIT $3) e ON true`,
      [from.text, workspaceId ?? null, limit ?? null],
    );
    const to = parseSnapshot(rows[0].snap)!;
    const events = rows
      .filter((r) => r.tx !== null)
      .map((r) => ({ tx: BigInt(r.tx!), workspaceId: r.workspace_id, type: r.type, data: r.data, roles: r.roles }));
    return { from, to, events };
  }

  /**
   * Whether a stream can resume from this snapshot: no event it has not seen was pruned (every pruned
   * transaction is one it saw), and it is not from the future (a forged or foreign cursor). Else: refresh.
   */
  async canResume(from: Snapshot): Promise<boolean> {
    const [row] = await this.dataSource.query<{ ok: boolean }[]>(
      `SELECT pg_snapshot_xmin($1::pg_snapshot)::text::bigint > h.pruned_through
          AND pg_snapshot_xmax($1::pg_snapshot) <= pg_snapshot_xmax(pg_current_snapshot()) AS ok
         FROM live_events_horizon h`,
      [from.text],
    );
    return row?.ok === true;
  }

  subscribe(subscriber: LiveSubscriber, close: () => void): () => void {
    this.subscribers.add(subscriber);
    this.closers.add(close);
    return () => {
      this.subscribers.delete(subscriber);
      this.closers.delete(close);
    };
  }

  /** How many streams this instance holds for a member (the per-member cap). */
  get stopped(): boolean {
    return this.stopping;
  }

  /** The instance's cursor: a new stream starts here so that it misses nothing the hub fans out later. */
  get position(): Snapshot | null {
    return this.cursor;
  }

  wake(): void {
    if (this.stopping) {
      return;
    }
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.read()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'Reading live events failed; retrying on the next wake-up'))
      .finally(() => {
        this.reading = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async read(): Promise<void> {
    if (!this.cursor) {
      this.cursor = await this.now();
    }
    const batch = await this.since(this.cursor);
    // Fan-out and the move of the cursor happen in one synchronous step: a stream that subscribes
    // between two reads gets every later batch, starting from `position`.
    for (const subscriber of this.subscribers) {
      subscriber.send(batch);
    }
    this.cursor = batch.to;
  }

  /** Once per cluster at a time (advisory lock): drop events past the replay window. */
  async prune(): Promise<void> {
    const minutes = this.config.get('LIVE_EVENTS_RETENTION_MINUTES', { infer: true });
    await this.dataSource.transaction(async (manager) => {
      const [lock] = await manager.query<{ ok: boolean }[]>('SELECT pg_try_advisory_xact_lock($1) AS ok', [PRUNE_LOCK]);
      if (lock.ok) {
        // The horizon remembers the newest transaction pruned: a cursor that did not see it cannot resume.
        await manager.query(
          `WITH gone AS (DELETE FROM live_events WHERE created_at < now() - make_interval(mins => $1) RETURNING tx)
           UPDATE live_events_horizon SET pruned_through = GREATEST(pruned_through, (SELECT max(tx) FROM gone))
            WHERE EXISTS (SELECT 1 FROM gone)`,
          [minutes],
        );
      }
    });
  }
}
