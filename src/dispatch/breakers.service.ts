// The circuit breakers of every platform and channel, kept in PostgreSQL so that every instance sees and feeds the same ones.
import { writeLiveEvent } from '../live/live-events';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import type { Platform } from '../channels/platform';
import { Clock } from '../common/clock';
import type { Env } from '../config/env';
import { Metrics } from '../metrics/metrics';
import { WebhookEvents } from '../webhooks/webhook-events.service';
import {
  admission,
  BreakerPolicy,
  BreakerSnapshot,
  BreakerState,
  BreakerTransition,
  canProbe,
  grantProbe,
  HealthSignal,
  observe,
  releaseProbe,
} from './circuit-breaker';

/** `platform:<name>` or `channel:<id>`: the key of one breaker. */
export type BreakerScope = string;

export const platformScope = (platform: Platform): BreakerScope => `platform:${platform}`;
export const channelScope = (channelId: string): BreakerScope => `channel:${channelId}`;

/** One breaker row, as stored. */
export interface BreakerRow extends BreakerSnapshot {
  scope: BreakerScope;
  platform: Platform;
  channelId: string | null;
  workspaceId: string | null;
  lastError: string | null;
  updatedAt: Date | null;
}

/** Where one send went, and what its answer said about the platform's health. */
export interface SendObservation {
  platform: Platform;
  channelId: string;
  workspaceId: string;
  signal: HealthSignal;
  /** The scope this send was the half-open probe of, if it was one. */
  probeOf: BreakerScope | null;
  /** The platform's words, for the channel's breaker (never stored on the shared platform breaker). */
  reason: string | null;
  at: Date;
}

/** What the dispatcher may claim for one platform now. */
export interface ClaimPlan {
  /** send: claim as usual; probe: claim one delivery as the platform's probe; wait: claim nothing. */
  platform: 'send' | 'probe' | 'wait';
  /** Channels whose own breaker is not closed: left out of the usual claim. */
  blockedChannelIds: string[];
  /** Of those, the ones that may send one probe now. */
  probeChannelIds: string[];
}

/** Failures (and probes) are written within this many ms, so a breaker opens before many more sends go out. */
const FLUSH_FAILURES_MS = 10;
/** Successes only feed the error-rate window: they can wait a little and go in one write. */
const FLUSH_SUCCESSES_MS = 250;
/** How long the dispatcher trusts its read of the breakers that are not closed (other instances' changes show up within this). */
const DEGRADED_CACHE_MS = 100;

const COLUMNS = `scope, platform, channel_id, workspace_id, state, consecutive_failures, window_started_at, window_requests,
  window_failures, opened_at, retry_at, trips, probe_owner, probe_expires_at, last_error, updated_at`;

interface RawRow {
  scope: string;
  platform: Platform;
  channel_id: string | null;
  workspace_id: string | null;
  state: BreakerState;
  consecutive_failures: number;
  window_started_at: Date | null;
  window_requests: number;
  window_failures: number;
  opened_at: Date | null;
  retry_at: Date | null;
  trips: number;
  probe_owner: string | null;
  probe_expires_at: Date | null;
  last_error: string | null;
  updated_at: Date | null;
}

function fromRaw(raw: RawRow): BreakerRow {
  return {
    scope: raw.scope,
    platform: raw.platform,
    channelId: raw.channel_id,
    workspaceId: raw.workspace_id,
    state: raw.state,
    consecutiveFailures: raw.consecutive_failures,
    windowStartedAt: raw.window_started_at,
    windowRequests: raw.window_requests,
    windowFailures: raw.window_failures,
    openedAt: raw.opened_at,
    retryAt: raw.retry_at,
    trips: raw.trips,
    probeOwner: raw.probe_owner,
    probeExpiresAt: raw.probe_expires_at,
    lastError: raw.last_error,
    updatedAt: raw.updated_at,
  };
}

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

@Injectable()
export class BreakersService implements OnApplicationShutdown {
  private readonly logger = new Logger(BreakersService.name);
  readonly policy: BreakerPolicy;
  private pending: SendObservation[] = [];
  private timer?: NodeJS.Timeout;
  private timerDueAt = Infinity;
  private flushing: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Scopes known to have a row, so most flushes skip the insert. */
  private readonly known = new Set<BreakerScope>();
  private degradedCache?: { at: number; rows: Promise<BreakerRow[]> };
  private readonly transitions: Counter<'scope' | 'platform' | 'to'>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: ConfigService<Env, true>,
    private readonly clock: Clock,
    private readonly webhooks: WebhookEvents,
    metrics: Metrics,
  ) {
    this.policy = {
      failureThreshold: config.get('BREAKER_FAILURE_THRESHOLD', { infer: true }),
      errorRate: config.get('BREAKER_ERROR_RATE_PERCENT', { infer: true }) / 100,
      windowMs: config.get('BREAKER_WINDOW_SECONDS', { infer: true }) * 1000,
      minRequests: config.get('BREAKER_MIN_REQUESTS', { infer: true }),
      coolDownMs: config.get('BREAKER_COOLDOWN_SECONDS', { infer: true }) * 1000,
      maxCoolDownMs: config.get('BREAKER_MAX_COOLDOWN_SECONDS', { infer: true }) * 1000,
    };
    this.transitions = metrics.counter('holdfast_breaker_transitions_total', 'Circuit breakers that opened, reopened after a failed probe, or closed', [
      'scope',
      'platform',
      'to',
    ]);
    new Gauge({
      name: 'holdfast_platform_breaker_state',
      help: 'Circuit breaker of each platform: 0 closed, 1 half-open (probing), 2 open (read from the database at scrape time)',
      labelNames: ['platform'],
      registers: [metrics.registry],
      async collect(): Promise<void> {
        const rows = await dataSource.query<{ platform: string; state: BreakerState }[]>(`SELECT platform, state FROM platform_health WHERE channel_id IS NULL`);
        this.reset();
        for (const row of rows) {
          this.set({ platform: row.platform }, STATE_VALUE[row.state]);
        }
      },
    });
    new Gauge({
      name: 'holdfast_channel_breakers',
      help: 'Channel circuit breakers that are not closed, by platform and state (read from the database at scrape time)',
      labelNames: ['platform', 'state'],
      registers: [metrics.registry],
      async collect(): Promise<void> {
        const rows = await dataSource.query<{ platform: string; state: string; n: string }[]>(
          `SELECT platform, state, count(*) AS n FROM platform_health WHERE channel_id IS NOT NULL AND state <> 'closed' GROUP BY platform, state`,
        );
        this.reset();
        for (const row of rows) {
          this.set({ platform: row.platform, state: row.state }, Number(row.n));
        }
      },
    });
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Queues one send's answer for its platform's and its channel's breakers; written in order, shortly, in one transaction. */
  observe(observation: SendObservation): void {
    if (this.stopped) {
      return;
    }
    this.pending.push(observation);
    const urgent = observation.signal === 'failure' || observation.probeOf !== null;
    this.schedule(urgent ? FLUSH_FAILURES_MS : FLUSH_SUCCESSES_MS);
  }

  /** Writes what was observed so far (tests and shutdown call it; otherwise a timer does). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAt = Infinity;
    const batch = this.pending.splice(0, this.pending.length);
    // One flush at a time, in order: a later one must not overtake an earlier one's observations.
    this.flushing = this.flushing.then(() => (batch.length > 0 ? this.write(batch) : undefined)).catch((error: unknown) => {
      this.logger.error({ err: error, observations: batch.length }, 'Could not record send outcomes in the circuit breakers');
    });
    return this.flushing;
  }

  /** The breakers that are not closed; read at most every DEGRADED_CACHE_MS per instance. */
  degraded(): Promise<BreakerRow[]> {
    const now = Date.now();
    if (!this.degradedCache || now - this.degradedCache.at >= DEGRADED_CACHE_MS) {
      const rows = this.dataSource
        .query<RawRow[]>(`SELECT ${COLUMNS} FROM platform_health WHERE state <> 'closed'`)
        .then((raw) => raw.map(fromRaw));
      rows.catch(() => (this.degradedCache = undefined));
      this.degradedCache = { at: now, rows };
    }
    return this.degradedCache.rows;
  }

  /** What may be claimed for `platform` now, given the breakers that are not closed. */
  plan(platform: Platform, degraded: BreakerRow[], now: Date): ClaimPlan {
    const own = degraded.filter((row) => row.platform === platform);
    const platformRow = own.find((row) => row.channelId === null);
    const channels = own.filter((row) => row.channelId !== null);
    const gate = platformRow ? admission(platformRow, now) : 'send';
    return {
      platform: gate,
      blockedChannelIds: channels.map((row) => row.channelId!),
      // While the platform itself is degraded, its probe speaks for every channel.
      probeChannelIds: gate === 'send' ? channels.filter((row) => canProbe(row, now)).map((row) => row.channelId!) : [],
    };
  }

  /** Takes the half-open probe of `scope` for `owner` if nobody holds a live one; false when another send has it. */
  async tryGrantProbe(scope: BreakerScope, owner: string, leaseMs: number): Promise<boolean> {
    const granted = await this.dataSource.transaction(async (manager) => {
      const [row] = await this.lockRows(manager, [scope]);
      const now = this.clock.now();
      if (!row || !canProbe(row, now)) {
        return false;
      }
      await this.save(manager, { ...row, ...grantProbe(row, owner, now, leaseMs) });
      return true;
    });
    this.degradedCache = undefined;
    return granted;
  }

  /** The probe was not sent (refused at the gate, or nothing was due after all): another send may probe. */
  async releaseProbe(scope: BreakerScope, owner: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [row] = await this.lockRows(manager, [scope]);
      if (row?.probeOwner === owner) {
        await this.save(manager, { ...row, ...releaseProbe(row) });
      }
    });
    this.degradedCache = undefined;
  }

  /** Every platform's breaker (closed when it has no row) and the breakers of the workspace's channels. */
  async health(workspaceId: string): Promise<{ platforms: BreakerRow[]; channels: BreakerRow[] }> {
    const rows = (
      await this.dataSource.query<RawRow[]>(`SELECT ${COLUMNS} FROM platform_health h
          WHERE h.channel_id IS NULL
             OR (h.workspace_id = $1 AND EXISTS (SELECT 1 FROM channels c WHERE c.id = h.channel_id AND c.deleted_at IS NULL))
          ORDER BY h.scope`, [
        workspaceId,
      ])
    ).map(fromRaw);
    return { platforms: rows.filter((row) => row.channelId === null), channels: rows.filter((row) => row.channelId !== null) };
  }

  private schedule(inMs: number): void {
    const dueAt = Date.now() + inMs;
    if (dueAt >= this.timerDueAt) {
      return;
    }
    clearTimeout(this.timer);
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => void this.flush(), inMs);
    this.timer.unref();
  }

  /**
   * One transaction: the rows of every scope observed, locked in scope order (so instances flushing at
   * once cannot deadlock), fed the observations in the order they arrived, written back, and each
   * opening or recovery announced to the workspaces concerned in the same transaction.
   */
  private async write(batch: SendObservation[]): Promise<void> {
    const scopes = new Map<BreakerScope, { platform: Platform; channelId: string | null; workspaceId: string | null }>();
    for (const o of batch) {
      scopes.set(platformScope(o.platform), { platform: o.platform, channelId: null, workspaceId: null });
      scopes.set(channelScope(o.channelId), { platform: o.platform, channelId: o.channelId, workspaceId: o.workspaceId });
    }
    let changed = false;
    await this.dataSource.transaction(async (manager) => {
      const missing = [...scopes.keys()].filter((scope) => !this.known.has(scope));
      if (missing.length > 0) {
        await manager.query(
          `INSERT INTO platform_health (scope, platform, channel_id, workspace_id)
           SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[])
           ON CONFLICT (scope) DO NOTHING`,
          [missing, missing.map((s) => scopes.get(s)!.platform), missing.map((s) => scopes.get(s)!.channelId), missing.map((s) => scopes.get(s)!.workspaceId)],
        );
      }
      const rows = new Map((await this.lockRows(manager, [...scopes.keys()])).map((row) => [row.scope, row]));
      const before = new Map([...rows].map(([scope, row]) => [scope, { ...row }]));
      const announcements: { row: BreakerRow; transition: BreakerTransition; degradedSince: Date | null }[] = [];
      for (const o of batch) {
        for (const scope of [platformScope(o.platform), channelScope(o.channelId)]) {
          const row = rows.get(scope);
          if (!row) {
            this.known.delete(scope); // the channel's row went with the channel
            continue;
          }
          const since = row.openedAt;
          const { next, transition } = observe(row, { signal: o.signal, probe: o.probeOf === scope, at: o.at }, this.policy);
          // In place: the row is this flush's own copy (`before` keeps the original). A burst observes thousands of
          // sends per flush, and a fresh row per observation was most of the breakers' CPU.
          if (next !== row) {
            Object.assign(row, next);
          }
          if (row.channelId && o.signal === 'failure') {
            row.lastError = o.reason;
          }
          if (transition) {
            announcements.push({ row: { ...row }, transition, degradedSince: since });
          }
        }
      }
      for (const [scope, row] of rows) {
        this.known.add(scope);
        if (JSON.stringify(row) !== JSON.stringify(before.get(scope))) {
          await this.save(manager, row);
        }
      }
      for (const { row, transition, degradedSince } of announcements) {
        changed = true;
        this.transitions.inc({ scope: row.channelId ? 'channel' : 'platform', platform: row.platform, to: transition });
        this.logger.warn({ scope: row.scope, transition, retryAt: row.retryAt }, `Circuit breaker ${transition}`);
        if (transition === 'closed' && row.channelId === null) {
          await this.probeChannelsSoon(manager, row.platform);
        }
        if (transition !== 'reopened') {
          await this.announce(manager, row, transition, degradedSince);
        }
      }
    });
    if (changed) {
      this.degradedCache = undefined;
    }
  }

  /** The platform is back: its channels' breakers may probe at once rather than wait out their own cool-downs. */
  private async probeChannelsSoon(manager: EntityManager, platform: Platform): Promise<void> {
    await manager.query(
      `UPDATE platform_health SET retry_at = $2, updated_at = now()
        WHERE platform = $1 AND channel_id IS NOT NULL AND state = 'open' AND retry_at > $2`,
      [platform, this.clock.now()],
    );
  }

  /** platform.degraded / platform.recovered, to the channel's workspace, or to every workspace with a channel on the platform. */
  private async announce(manager: EntityManager, row: BreakerRow, transition: 'opened' | 'closed', degradedSince: Date | null): Promise<void> {
    const type = transition === 'opened' ? 'platform.degraded' : 'platform.recovered';
    const data: Record<string, unknown> =
      transition === 'opened'
        ? { scope: row.channelId ? 'channel' : 'platform', platform: row.platform, state: row.state, since: row.openedAt, nextProbeAt: row.retryAt }
        : { scope: row.channelId ? 'channel' : 'platform', platform: row.platform, state: row.state, degradedSince, recoveredAt: this.clock.now() };
    if (row.channelId) {
      await this.webhooks.emit(manager, row.workspaceId!, type, { ...data, channelId: row.channelId, reason: row.lastError });
      await writeLiveEvent(manager, { workspaceId: row.workspaceId!, type: 'channels.changed', data: { channelId: row.channelId, status: row.state } });
      return;
    }
    const workspaces = await manager.query<{ workspace_id: string }[]>(
      'SELECT DISTINCT workspace_id FROM channels WHERE platform = $1 AND deleted_at IS NULL ORDER BY workspace_id',
      [row.platform],
    );
    for (const { workspace_id } of workspaces) {
      await this.webhooks.emit(manager, workspace_id, type, data);
      await writeLiveEvent(manager, { workspaceId: workspace_id, type: 'platforms.changed', data: { platform: row.platform, status: row.state } });
    }
  }

  private async lockRows(manager: EntityManager, scopes: BreakerScope[]): Promise<BreakerRow[]> {
    const raw = await manager.query<RawRow[]>(`SELECT ${COLUMNS} FROM platform_health WHERE scope = ANY($1) ORDER BY scope FOR UPDATE`, [scopes]);
    return raw.map(fromRaw);
  }

  private async save(manager: EntityManager, row: BreakerRow): Promise<void> {
    await manager.query(
      `UPDATE platform_health SET state = $2, consecutive_failures = $3, window_started_at = $4, window_requests = $5, window_failures = $6,
              opened_at = $7, retry_at = $8, trips = $9, probe_owner = $10, probe_expires_at = $11, last_error = $12, updated_at = now()
        WHERE scope = $1`,
      [
        row.scope,
        row.state,
        row.consecutiveFailures,
        row.windowStartedAt,
        row.windowRequests,
        row.windowFailures,
        row.openedAt,
        row.retryAt,
        row.trips,
        row.probeOwner,
        row.probeExpiresAt,
        row.lastError,
      ],
    );
  }
}
