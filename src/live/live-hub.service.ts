// Each instance reads new live events once per wake-up and fans them out to its own open streams.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { Env } from '../config/env';
import { LIVE_CHANNEL } from './live-events';

export const LIVE_LISTENER = 'holdfast-live-listener';
/** The safety net when a wake-up is lost (listener reconnecting), and how engine-side events (no NOTIFY on the send and create-post paths) are found. */
const POLL_MS = 500;
const PRUNE_MS = 60_000;
/** Advisory lock key: one instance of the cluster prunes at a time. */
const PRUNE_LOCK = 7_950_700;

/** The id part of an opening cursor ("now"): after every event of its transaction horizon. */
export const NOW_ID = '9223372036854775807';

export interface LiveEvent {
  /** `<tx>.<id>`: the stream's cursor, in commit order. */
  cursor: string;
  workspaceId: string;
  type: string;
  data: Record<string, unknown>;
  roles: string[] | null;
}

export interface LiveSubscriber {
  workspaceId: string;
  roles: string[];
  send(event: LiveEvent): void;
}

interface Row {
  id: string;
  tx: string;
  workspace_id: string;
  type: string;
  data: Record<string, unknown>;
  roles: string[] | null;
}

export function parseCursor(cursor: string | undefined | null): { tx: string; id: string } | null {
  const m = /^(\d{1,19})\.(\d{1,19})$/.exec(cursor ?? '');
  return m ? { tx: m[1], id: m[2] } : null;
}

@Injectable()
export class LiveHub implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(LiveHub.name);
  private readonly subscribers = new Set<LiveSubscriber>();
  private listener?: Client;
  private reconnecting?: NodeJS.Timeout;
  private poller?: NodeJS.Timeout;
  private pruner?: NodeJS.Timeout;
  private stopping = false;
  /** Where this instance has read to; null until the first read sets it to now. */
  private cursor: { tx: string; id: string } | null = null;
  private reading?: Promise<void>;
  private again = false;
  private readonly closers = new Set<() => void>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Env, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.cursor = await this.now();
    await this.listen().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'Live listener failed to start; polling, reconnecting');
      this.reconnectListener();
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
    clearTimeout(this.reconnecting);
    for (const close of [...this.closers]) {
      close();
    }
    await this.listener?.end().catch(() => undefined);
    await this.reading?.catch(() => undefined);
  }

  /** The cursor of "now": everything already committed is behind it. */
  async now(): Promise<{ tx: string; id: string }> {
    const [row] = await this.dataSource.query<{ tx: string; id: string }[]>(
      `SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1)::text AS tx, $1 AS id`, [NOW_ID],
    );
    return row;
  }

  /** Events after `from` (exclusive) whose transactions have all finished, so none can appear behind them later. */
  async since(from: { tx: string; id: string }): Promise<LiveEvent[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT id::text, tx::text, workspace_id, type, data, roles FROM live_events
        WHERE (tx, id) > ($1::bigint, $2::bigint) AND tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
        ORDER BY tx, id LIMIT 5000`,
      [from.tx, from.id],
    );
    return rows.map((r) => ({ cursor: `${r.tx}.${r.id}`, workspaceId: r.workspace_id, type: r.type, data: r.data, roles: r.roles }));
  }

  /**
   * Whether a stream can resume from this cursor: an event's cursor while its row is retained, or a
   * stream's opening cursor (id NOW_ID) not older than the oldest retained row. Anything else: refresh.
   */
  async canResume(from: { tx: string; id: string }): Promise<boolean> {
    if (from.id === NOW_ID) {
      const [row] = await this.dataSource.query<{ ok: boolean }[]>(
        `SELECT COALESCE(min(tx) <= $1::bigint + 1, true) AS ok FROM live_events`, [from.tx]);
      return row.ok;
    }
    const [row] = await this.dataSource.query<{ ok: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM live_events WHERE tx = $1::bigint AND id = $2::bigint) AS ok`, [from.tx, from.id]);
    return row.ok;
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
  get position(): { tx: string; id: string } | null {
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
    for (;;) {
      if (!this.cursor) {
        this.cursor = await this.now();
      }
      const events = await this.since(this.cursor);
      if (events.length === 0) {
        return;
      }
      for (const event of events) {
        for (const subscriber of this.subscribers) {
          if (subscriber.workspaceId === event.workspaceId && (event.roles === null || event.roles.some((r) => subscriber.roles.includes(r)))) {
            subscriber.send(event);
          }
        }
      }
      this.cursor = parseCursor(events[events.length - 1].cursor);
    }
  }

  /** Once per cluster at a time (advisory lock): drop events past the replay window. */
  private async prune(): Promise<void> {
    const minutes = this.config.get('LIVE_EVENTS_RETENTION_MINUTES', { infer: true });
    await this.dataSource.transaction(async (manager) => {
      const [lock] = await manager.query<{ ok: boolean }[]>('SELECT pg_try_advisory_xact_lock($1) AS ok', [PRUNE_LOCK]);
      if (lock.ok) {
        await manager.query(`DELETE FROM live_events WHERE created_at < now() - make_interval(mins => $1)`, [minutes]);
      }
    });
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.get('DATABASE_URL', { infer: true }), application_name: LIVE_LISTENER });
    client.on('notification', () => this.wake());
    let lost = false;
    const onLost = (error?: Error): void => {
      if (lost) {
        return;
      }
      lost = true;
      if (this.listener === client) {
        this.listener = undefined;
      }
      void client.end().catch(() => undefined);
      if (!this.stopping) {
        this.logger.warn({ err: error }, 'Live wake-up connection lost; polling continues, reconnecting');
        this.reconnectListener();
      }
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
    } catch (error) {
      lost = true;
      await client.end().catch(() => undefined);
      throw error;
    }
    this.listener = client;
  }

  private reconnectListener(): void {
    if (this.stopping || this.reconnecting) {
      return;
    }
    this.reconnecting = setTimeout(() => {
      this.reconnecting = undefined;
      this.listen()
        .then(() => this.wake())
        .catch(() => this.reconnectListener());
    }, 1000);
    this.reconnecting.unref();
  }
}
