// The crisis switch: activation answer time with 1,000,000 scheduled deliveries in the workspace (and
// deactivation's), then activation in the middle of a 10,000-delivery burst with 200 sends in flight,
// then activation while X holds every request 20 s (the switch's deadline for sends in flight).
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { HOLD_DUE_DELIVERIES } from '../src/dispatch/crisis-hold';
import { BENCH_ADMIN_KEY, benchApp, benchDatabase, ms, quantile, reproduce } from './support';

const SCHEDULED = Number(process.env.BENCH_CRISIS_SCHEDULED ?? 1_000_000);
const RUNS = Number(process.env.BENCH_CRISIS_RUNS ?? 200);
const WARMUPS = 20;
const TARGET_P99_MS = 100;
const BURST = Number(process.env.BENCH_CRISIS_BURST ?? 10_000);
const IN_FLIGHT = Number(process.env.BENCH_CRISIS_IN_FLIGHT ?? 200);
const PLATFORM_LATENCY_MS = 500;
/** How long the platform is watched after the answer: several send latencies, so a late send would show. */
const WATCH_AFTER_MS = 5000;
/** How far ahead the burst is planned, so the engine is idle and ready when it falls due. */
const LEAD_MS = 3000;
const ACTIVATE = { reason: 'Benchmark: the switch', level: 1, pauseAds: false };
const HANG_MS = 20_000;
const HANG_RUNS = Number(process.env.BENCH_CRISIS_HANG_RUNS ?? 10);
const HANG_IN_FLIGHT = 5;
const HANG_TARGET_P99_MS = 2500;

interface Answer<T> {
  status: number;
  body: T;
  elapsed: number;
}

type Call = <T>(key: string, path: string, body?: object) => Promise<Answer<T>>;

interface InFlightSend {
  deliveryId: string;
  channelId: string;
  platform: string;
  outcome: string;
  state: string;
}

interface ActivationBody {
  crisis: { id: string };
  inFlight: InFlightSend[];
  held: { deliveries: number; byPlatform: Record<string, number>; dueWithinHour: number; dueWithinDay: number; estimated: boolean };
}

interface CapturedQuery {
  sql: string;
  parameters: unknown[];
}

function client(api: string): Call {
  return async <T>(key: string, path: string, body?: object): Promise<Answer<T>> => {
    const started = performance.now();
    const res = await fetch(api + path, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const elapsed = performance.now() - started;
    if (!res.ok) {
      throw new Error(`${path} answered ${res.status}: ${text}`);
    }
    return { status: res.status, body: JSON.parse(text) as T, elapsed };
  };
}

/** The bench admin's workspace and a crisis lead in it (activation is the crisis lead's). */
async function crisisLead(call: Call): Promise<{ workspaceId: string; authorId: string; key: string }> {
  const me = await call<{ id: string; workspaceId: string }>(BENCH_ADMIN_KEY, '/api/members/me');
  const lead = await call<{ apiKey: { key: string } }>(BENCH_ADMIN_KEY, '/api/members', {
    name: 'Casey Crisis',
    email: `crisis-${randomUUID()}@example.com`,
    roles: ['crisis_lead'],
  });
  return { workspaceId: me.body.workspaceId, authorId: me.body.id, key: lead.body.apiKey.key };
}

function summary(values: number[]): string {
  return `p50 ${ms(quantile(values, 0.5))}  p99 ${ms(quantile(values, 0.99))}  max ${ms(Math.max(...values))}`;
}

// --- 1. Activation with 1,000,000 scheduled deliveries ---------------------------------------------

/** Records every SQL statement TypeORM sends while `during` runs. */
async function captureQueries(dataSource: DataSource, during: () => Promise<void>): Promise<CapturedQuery[]> {
  const original = dataSource.logger;
  const captured: CapturedQuery[] = [];
  const recording: TypeOrmLogger = {
    logQuery: (query, parameters, runner) => {
      captured.push({ sql: query, parameters: Array.isArray(parameters) ? (parameters as unknown[]) : [] });
      return original.logQuery(query, parameters, runner) as unknown;
    },
    logQueryError: (...args) => original.logQueryError(...args) as unknown,
    logQuerySlow: (...args) => original.logQuerySlow(...args) as unknown,
    logSchemaBuild: (...args) => original.logSchemaBuild(...args) as unknown,
    logMigration: (...args) => original.logMigration(...args) as unknown,
    log: (...args) => original.log(...args) as unknown,
  };
  dataSource.logger = recording;
  try {
    await during();
  } finally {
    dataSource.logger = original;
  }
  return captured.filter((q) => /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(q.sql) && !isDispatcherTick(q));
}

/** The dispatcher's own ticks run meanwhile (claim, lease recovery, the engine-wide hold sweep): not the call's. */
function isDispatcherTick(q: CapturedQuery): boolean {
  return (
    q.sql.includes(`SET state = 'publishing'`) ||
    q.sql.includes('lease_expires_at < now()') ||
    (q.sql === HOLD_DUE_DELIVERIES && q.parameters[1] === null)
  );
}

interface Explained {
  sql: string;
  executionMs: number;
  plan: string[];
  error?: string;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of each captured statement inside one transaction that is rolled back,
 * with `from` (the crisis the statements were captured for) replaced by `to` (one in the same state now).
 */
async function explainAll(pool: Pool, statements: CapturedQuery[], from: string, to: string): Promise<Explained[]> {
  const db = await pool.connect();
  const explained: Explained[] = [];
  try {
    await db.query('BEGIN');
    for (const statement of statements) {
      const parameters = statement.parameters.map((p) => (p === from ? to : p));
      await db.query('SAVEPOINT statement');
      try {
        const result = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, parameters);
        const plan = result.rows.map((row) => row['QUERY PLAN']);
        const execution = plan.find((line) => line.startsWith('Execution Time')) ?? '';
        explained.push({ sql: statement.sql, executionMs: Number(/([\d.]+) ms/.exec(execution)?.[1] ?? NaN), plan });
        await db.query('RELEASE SAVEPOINT statement');
      } catch (error) {
        await db.query('ROLLBACK TO SAVEPOINT statement');
        explained.push({ sql: statement.sql, executionMs: NaN, plan: [], error: error instanceof Error ? error.message : String(error) });
      }
    }
  } finally {
    await db.query('ROLLBACK');
    db.release();
  }
  return explained;
}

function printExplained(title: string, explained: Explained[]): void {
  const total = explained.reduce((sum, e) => sum + (Number.isNaN(e.executionMs) ? 0 : e.executionMs), 0);
  const ranked = [...explained].sort((a, b) => (Number.isNaN(b.executionMs) ? -1 : b.executionMs) - (Number.isNaN(a.executionMs) ? -1 : a.executionMs));
  process.stdout.write(`\n${title}: ${explained.length} statements, ${total.toFixed(1)} ms of execution in all; the slowest:\n`);
  for (const e of ranked.slice(0, 3)) {
    const sql = e.sql.replace(/\s+/g, ' ').trim();
    process.stdout.write(`  ${e.error ? 'error' : `${e.executionMs.toFixed(2)} ms`.padStart(10)}  ${sql.length > 150 ? `${sql.slice(0, 150)}…` : sql}\n`);
  }
  const slowest = ranked[0];
  if (slowest && !slowest.error) {
    process.stdout.write(`  plan of the slowest:\n${slowest.plan.map((line) => `  | ${line.length > 150 ? `${line.slice(0, 150)}…` : line}\n`).join('')}`);
  }
}

async function seedScheduled(pool: Pool, workspaceId: string, authorId: string, channels: { id: string; platform: string }[]): Promise<void> {
  const posts = Math.ceil(SCHEDULED / channels.length);
  const db = await pool.connect();
  try {
    // Due from tomorrow over the next 90 days, every channel once per post; nothing due, nothing in flight.
    await db.query(
      `WITH planned AS (
         INSERT INTO posts (workspace_id, author_id, last_editor_id, text, scheduled_at, time_zone, status, content_hash)
         SELECT $1, $2, $2, 'Scheduled ' || g, date_trunc('minute', now()) + interval '1 day' + (g % 129600) * interval '1 minute',
                'UTC', 'scheduled', md5('Scheduled ' || g)
           FROM generate_series(1, $3) AS g
         RETURNING id, scheduled_at)
       INSERT INTO deliveries (workspace_id, post_id, channel_id, platform, state, due_at)
       SELECT $1, p.id, c.id, c.platform, 'scheduled', p.scheduled_at
         FROM planned p CROSS JOIN unnest($4::uuid[], $5::text[]) AS c (id, platform)
        LIMIT $6`,
      [workspaceId, authorId, posts, channels.map((c) => c.id), channels.map((c) => c.platform), SCHEDULED],
    );
    await db.query(`VACUUM (ANALYZE) posts, deliveries`);
  } finally {
    db.release();
  }
}

async function activationWithScheduled(): Promise<void> {
  const database = await benchDatabase();
  // Dispatch stays on (default tick): its claim and hold sweep run beside the switch, as in production.
  const app = await benchApp(database.url, { X_API_URL: 'http://127.0.0.1:9' });
  await app.listen(0);
  const api = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const pool = new Pool({ connectionString: database.url, max: 2 });
  try {
    const call = client(api);
    const lead = await crisisLead(call);
    const channels: { id: string; platform: string }[] = [];
    for (const [platform, credentials] of [
      ['x', { authType: 'oauth2', accessToken: 'bench-access-token' }],
      ['mastodon', { instanceUrl: 'https://mastodon.example', accessToken: 'bench-token' }],
    ] as const) {
      const channel = await call<{ id: string }>(BENCH_ADMIN_KEY, '/api/channels', { platform, name: `Brand on ${platform}`, handle: '@brand', credentials });
      channels.push({ id: channel.body.id, platform });
    }

    const seeding = performance.now();
    await seedScheduled(pool, lead.workspaceId, lead.authorId, channels);
    const counts = await pool.query<{ scheduled: string; due: string; publishing: string; posts: string; size: string }>(
      `SELECT count(*) FILTER (WHERE state = 'scheduled') AS scheduled,
              count(*) FILTER (WHERE state = 'scheduled' AND due_at <= now()) AS due,
              count(*) FILTER (WHERE state = 'publishing') AS publishing,
              (SELECT count(*) FROM posts) AS posts,
              pg_size_pretty(pg_total_relation_size('deliveries')) AS size
         FROM deliveries WHERE workspace_id = $1`,
      [lead.workspaceId],
    );
    const c = counts.rows[0];
    process.stdout.write(
      `Seeded ${Number(c.scheduled).toLocaleString('en')} scheduled deliveries (${Number(c.posts).toLocaleString('en')} posts x ${channels.length} channels, ` +
        `X and Mastodon; deliveries ${c.size} with indexes) in one workspace, due over the next 90 days, in ${((performance.now() - seeding) / 1000).toFixed(1)} s ` +
        `(SQL bulk insert + VACUUM ANALYZE); due now: ${c.due}, in flight: ${c.publishing}\n`,
    );

    const activations: number[] = [];
    const deactivations: number[] = [];
    let held: ActivationBody['held'] | undefined;
    for (let i = 0; i < WARMUPS + RUNS; i++) {
      const activated = await call<ActivationBody>(lead.key, '/api/crisis/activate', ACTIVATE);
      if (activated.status !== 201 || activated.body.inFlight.length !== 0) {
        throw new Error(`Activation ${i} answered ${activated.status} with ${activated.body.inFlight.length} sends in flight`);
      }
      // Nothing falls due during a run: every delivery the crisis held goes back to its schedule, none is missed.
      const deactivated = await call<{ resumed: { deliveries: number }; missed: string[] }>(lead.key, '/api/crisis/deactivate', { note: 'Benchmark: over' });
      const resumedAll = activated.body.held.estimated || deactivated.body.resumed.deliveries === activated.body.held.deliveries; // an estimate is the planner's
      if (deactivated.body.missed.length !== 0 || !resumedAll) {
        throw new Error(
          `Deactivation ${i} resumed ${deactivated.body.resumed.deliveries} of the ${activated.body.held.deliveries} held and missed ${deactivated.body.missed.length}; expected all resumed, none missed`,
        );
      }
      held = activated.body.held;
      if (i >= WARMUPS) {
        activations.push(activated.elapsed);
        deactivations.push(deactivated.elapsed);
      }
    }
    const p99 = quantile(activations, 0.99);
    process.stdout.write(
      `\nPOST /api/crisis/activate (level 1, pauseAds false) then POST /api/crisis/deactivate, sequential over HTTP, ${RUNS} pairs timed after ${WARMUPS} warm-ups\n` +
        `  activation    n=${activations.length}  ${summary(activations)}\n` +
        `  deactivation  n=${deactivations.length}  ${summary(deactivations)}\n` +
        `  what the last answer says it holds: ${JSON.stringify(held)} (exact up to 10,000 per platform and window, else estimated)\n`,
    );

    // Where each call spends its time in the database: the statements it sent, each EXPLAIN ANALYZEd.
    const dataSource = app.get(DataSource);
    let captured = '';
    const activationSql = await captureQueries(dataSource, async () => {
      captured = (await call<ActivationBody>(lead.key, '/api/crisis/activate', ACTIVATE)).body.crisis.id;
    });
    const deactivationSql = await captureQueries(dataSource, async () => {
      await call(lead.key, '/api/crisis/deactivate', { note: 'Benchmark: captured' });
    });
    // Deactivation's statements, replayed against a crisis that is active now (rolled back), then ended for real.
    const active = (await call<ActivationBody>(lead.key, '/api/crisis/activate', ACTIVATE)).body.crisis.id;
    const deactivationPlans = await explainAll(pool, deactivationSql, captured, active);
    await call(lead.key, '/api/crisis/deactivate', { note: 'Benchmark: replayed' });
    // Activation's, replayed with no crisis active (its insert repeats a used id and is left out as an error).
    const activationPlans = await explainAll(pool, activationSql, captured, captured);
    process.stdout.write(`\nEXPLAIN (ANALYZE, BUFFERS) of every statement the service sent for one call (captured from TypeORM's logger, replayed and rolled back):`);
    printExplained('activation', activationPlans);
    printExplained('deactivation', deactivationPlans);

    process.stdout.write(`\ntarget activation p99 ≤ ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS ? 'PASS' : 'FAIL'} (p99 ${ms(p99)})\n`);
  } finally {
    await pool.end();
    await app.close();
    await database.stop();
  }
}

// --- 2. Activation during a burst with sends in flight ---------------------------------------------

/** Just enough of X: POST /2/tweets answered after 500 ms; arrival times and the requests still open. */
class SlowX {
  readonly arrivals: number[] = [];
  open = 0;
  maxOpen = 0;
  private nextId = 1_000_000_000_000_000_000n;
  private server?: Server;
  private waiting?: { open: number; resolve: () => void };

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.arrivals.push(Date.now());
        this.open++;
        this.maxOpen = Math.max(this.maxOpen, this.open);
        if (this.waiting && this.open >= this.waiting.open) {
          this.waiting.resolve();
          this.waiting = undefined;
        }
        const { text } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string };
        const id = String(this.nextId++);
        setTimeout(() => {
          this.open--;
          res.writeHead(201, {
            'content-type': 'application/json',
            'x-rate-limit-limit': '1000000',
            'x-rate-limit-remaining': '999999',
            'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 900),
          });
          res.end(JSON.stringify({ data: { id, text, edit_history_tweet_ids: [id] } }));
        }, PLATFORM_LATENCY_MS);
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves the moment `open` requests are unanswered at once (from inside the request handler). */
  whenOpen(open: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Never ${open} sends in flight at once within ${timeoutMs} ms (at most ${this.maxOpen})`)), timeoutMs);
      this.waiting = {
        open,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

async function activationDuringBurst(): Promise<void> {
  const platform = new SlowX();
  const platformUrl = await platform.start();
  const database = await benchDatabase();
  const app = await benchApp(database.url, {
    X_API_URL: platformUrl,
    DISPATCH_TICK_MS: '100',
    DISPATCH_CONCURRENCY: String(IN_FLIGHT),
    DISPATCH_PLATFORM_CONCURRENCY: String(IN_FLIGHT),
  });
  await app.listen(0);
  const api = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const pool = new Pool({ connectionString: database.url, max: 2 });
  try {
    const call = client(api);
    const lead = await crisisLead(call);
    const channel = await call<{ id: string }>(BENCH_ADMIN_KEY, '/api/channels', {
      platform: 'x',
      name: 'Burst',
      handle: '@burst',
      credentials: { authType: 'oauth2', accessToken: 'bench-access-token' },
    });
    process.stdout.write(
      `\n${BURST} deliveries due at one instant; X answers in ${PLATFORM_LATENCY_MS} ms; DISPATCH_CONCURRENCY=${IN_FLIGHT}, ` +
        `DISPATCH_PLATFORM_CONCURRENCY=${IN_FLIGHT}; the switch is flipped (HTTP, level 1, pauseAds false) the moment X holds ${IN_FLIGHT} unanswered sends\n`,
    );
    const inFlightReached = platform.whenOpen(IN_FLIGHT, LEAD_MS + 30_000);
    const due = Date.now() + LEAD_MS;
    await pool.query(
      `WITH planned AS (
         INSERT INTO posts (workspace_id, author_id, last_editor_id, text, scheduled_at, time_zone, status, content_hash)
         SELECT $1, $2, $2, 'Burst ' || g, $3, 'UTC', 'scheduled', md5('Burst ' || g) FROM generate_series(1, $4) AS g
         RETURNING id, scheduled_at)
       INSERT INTO deliveries (workspace_id, post_id, channel_id, platform, state, due_at)
       SELECT $1, id, $5, 'x', 'scheduled', scheduled_at FROM planned`,
      [lead.workspaceId, lead.authorId, new Date(due), BURST, channel.body.id],
    );

    await inFlightReached;
    // Counted, not timed: X and the bench share one event loop, so these snapshots order sends exactly.
    const openAtFlip = platform.open;
    const receivedBefore = platform.arrivals.length;
    const flipped = Date.now();
    const activated = await call<ActivationBody>(lead.key, '/api/crisis/activate', ACTIVATE);
    const receivedByAnswer = platform.arrivals.length;
    await new Promise((resolve) => setTimeout(resolve, WATCH_AFTER_MS));
    const receivedAfter = platform.arrivals.length - receivedByAnswer;

    const outcomes = new Map<string, number>();
    for (const send of activated.body.inFlight) {
      outcomes.set(`${send.outcome} ${send.state}`, (outcomes.get(`${send.outcome} ${send.state}`) ?? 0) + 1);
    }
    const states = await pool.query<{ state: string; n: string }>(`SELECT state, count(*) AS n FROM deliveries GROUP BY state ORDER BY state`);
    const published = Number(states.rows.find((r) => r.state === 'published')?.n ?? 0);
    process.stdout.write(
      `  flipped ${flipped - due} ms after the burst fell due, with ${openAtFlip} sends unanswered at X (most at once during the burst: ${platform.maxOpen})\n` +
        `  activation answered ${activated.status} in ${ms(activated.elapsed)}\n` +
        `  sends in flight listed in the answer: ${activated.body.inFlight.length} (${[...outcomes].map(([outcome, n]) => `${outcome} ${n}`).join(', ') || 'none'})\n` +
        `  sends X received before the flip: ${receivedBefore}; between the flip and the answer: ${receivedByAnswer - receivedBefore}\n` +
        `  sends X received after the answer (watched ${WATCH_AFTER_MS} ms): ${receivedAfter}  -> zero slip: ${receivedAfter === 0 ? 'PASS' : 'FAIL'}\n` +
        `  published (recorded, after the watch): ${published} of ${BURST}; one per send X received: ${published === platform.arrivals.length ? 'yes' : `NO (${platform.arrivals.length} sends)`}\n` +
        `  deliveries by state after ${WATCH_AFTER_MS} ms: ${states.rows.map((r) => `${r.state} ${r.n}`).join(', ')}\n`,
    );
  } finally {
    await pool.end();
    await app.close();
    await database.stop();
    await platform.stop();
  }
}

// --- 3. Activation while the platform hangs ---------------------------------------------------------

/** Just enough of X: every POST /2/tweets held HANG_MS before its 201 (or until the client gives up). */
class HangingX {
  readonly arrivals: number[] = [];
  open = 0;
  private nextId = 1_000_000_000_000_000_000n;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.arrivals.push(Date.now());
        this.open++;
        let answered = false;
        const settle = (): void => {
          if (!answered) {
            answered = true;
            this.open--;
          }
        };
        res.on('close', settle);
        const id = String(this.nextId++);
        setTimeout(() => {
          settle();
          if (!res.destroyed) {
            res.writeHead(201, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ data: { id, text: 'held', edit_history_tweet_ids: [id] } }));
          }
        }, HANG_MS).unref();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server!.closeAllConnections();
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

async function activationWhilePlatformHangs(): Promise<void> {
  const platform = new HangingX();
  const platformUrl = await platform.start();
  const database = await benchDatabase();
  // The send timeout stays at its default (60 s): only the switch's deadline (CRISIS_INFLIGHT_DEADLINE_MS, default 2 s) ends the sends early.
  const app = await benchApp(database.url, { X_API_URL: platformUrl, DISPATCH_TICK_MS: '100' });
  await app.listen(0);
  const api = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const pool = new Pool({ connectionString: database.url, max: 2 });
  try {
    const call = client(api);
    const lead = await crisisLead(call);
    const channel = await call<{ id: string }>(BENCH_ADMIN_KEY, '/api/channels', {
      platform: 'x',
      name: 'Hanging',
      handle: '@hanging',
      credentials: { authType: 'oauth2', accessToken: 'bench-access-token' },
    });
    process.stdout.write(
      `\nX holds every POST /2/tweets ${HANG_MS / 1000} s; each run: ${HANG_IN_FLIGHT} deliveries fall due, the switch is flipped (HTTP, level 1, pauseAds false) ` +
        `once X holds all ${HANG_IN_FLIGHT} requests, then the crisis is ended; ${HANG_RUNS} runs\n`,
    );
    const latencies: number[] = [];
    const outcomes = new Map<string, number>();
    let afterAnswer = 0;
    for (let run = 0; run < HANG_RUNS; run++) {
      const before = platform.arrivals.length;
      await pool.query(
        `WITH planned AS (
           INSERT INTO posts (workspace_id, author_id, last_editor_id, text, scheduled_at, time_zone, status, content_hash)
           SELECT $1, $2, $2, 'Hang ' || $4 || '.' || g, now(), 'UTC', 'scheduled', md5('Hang ' || $4 || '.' || g) FROM generate_series(1, $3) AS g
           RETURNING id, scheduled_at)
         INSERT INTO deliveries (workspace_id, post_id, channel_id, platform, state, due_at)
         SELECT $1, id, $5, 'x', 'scheduled', scheduled_at FROM planned`,
        [lead.workspaceId, lead.authorId, HANG_IN_FLIGHT, run, channel.body.id],
      );
      await pool.query(`NOTIFY holdfast_dispatch`);
      const waitUntil = Date.now() + 30_000;
      while (platform.arrivals.length - before < HANG_IN_FLIGHT) {
        if (Date.now() > waitUntil) {
          throw new Error(`Run ${run}: X never held ${HANG_IN_FLIGHT} requests (${platform.arrivals.length - before})`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const activated = await call<ActivationBody>(lead.key, '/api/crisis/activate', ACTIVATE);
      const answeredArrivals = platform.arrivals.length;
      latencies.push(activated.elapsed);
      for (const send of activated.body.inFlight) {
        outcomes.set(`${send.outcome} ${send.state}`, (outcomes.get(`${send.outcome} ${send.state}`) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      afterAnswer += platform.arrivals.length - answeredArrivals;
      await call(lead.key, '/api/crisis/deactivate', { note: 'Benchmark: over', resumeCampaigns: false });
    }
    const states = await pool.query<{ state: string; n: string }>(`SELECT state, count(*) AS n FROM deliveries GROUP BY state ORDER BY state`);
    const p99 = quantile(latencies, 0.99);
    process.stdout.write(
      `  activation  n=${latencies.length}  ${summary(latencies)}\n` +
        `  sends in flight listed: ${[...outcomes].map(([outcome, n]) => `${outcome} ${n}`).join(', ') || 'none'}\n` +
        `  requests X received within 500 ms after an answer: ${afterAnswer}\n` +
        `  deliveries by state: ${states.rows.map((r) => `${r.state} ${r.n}`).join(', ')}\n` +
        `  target activation p99 ≤ ${HANG_TARGET_P99_MS} ms with X hanging: ${p99 <= HANG_TARGET_P99_MS ? 'PASS' : 'FAIL'} (p99 ${ms(p99)})\n`,
    );
  } finally {
    await pool.end();
    await app.close();
    await database.stop();
    await platform.stop();
  }
}

export async function main(): Promise<void> {
  const only = process.env.BENCH_CRISIS_ONLY;
  if (only === undefined || only === 'scheduled') {
    await activationWithScheduled();
  }
  if (only === undefined || only === 'burst') {
    await activationDuringBurst();
  }
  if (only === undefined || only === 'hang') {
    await activationWhilePlatformHangs();
  }
  process.stdout.write(
    `\n${reproduce('crisis')}  (BENCH_CRISIS_SCHEDULED, BENCH_CRISIS_RUNS, BENCH_CRISIS_BURST, BENCH_CRISIS_IN_FLIGHT to vary; ` +
      `BENCH_CRISIS_HANG_RUNS; BENCH_CRISIS_ONLY=scheduled|burst|hang for one part; DATABASE_URL to use your own server)\n`,
  );
}
