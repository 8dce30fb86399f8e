// Chaos: SIGKILL mid-burst and a restart. 2,000 X posts due at one instant; the service is killed (and, in the second
// scenario, its embedded PostgreSQL with it) while sends are in flight, then started again on the same data.
// Exactly once, nothing lost, and settled soon: every delivery published or needs_verification within 45 s.
import { execFileSync } from 'node:child_process';
import type { Pool } from 'pg';
import { EmbeddedDatabase } from '../src/database/embedded-database';
import { processTree } from './cpu-meter';
import { ChaosX } from './chaos-x';
import {
  ApiClient,
  check,
  describeStates,
  embeddedOf,
  prepareWorkspace,
  seedDueAtOnce,
  statesOf,
  until,
  within,
  type Check,
  type Scenario,
  type ScenarioContext,
  type ServiceProcess,
} from './chaos-support';

const BURST = Number(process.env.CHAOS_BURST ?? 2000);
/** X's answer time: slow enough that a batch is in flight whenever the kill lands, quick enough that the burst ends in seconds. */
const X_LATENCY_MS = Number(process.env.CHAOS_X_LATENCY_MS ?? 100);
const SETTLE_TARGET_MS = 45_000;
/** The kill lands once a quarter of the burst reached X and at least this many requests are held there. */
const OPEN_AT_KILL = 8;
const PREFIX = 'Crash ';

interface Kill {
  at: number;
  arrived: number;
  open: number;
}

/** Sends SIGKILL to the service (and the postmaster) from inside X's request handler, the moment the burst is well under way. */
function killMidBurst(x: ChaosX, service: ServiceProcess, postmaster: number | undefined, onKill: (kill: Kill, postgres: number[]) => void): void {
  let done = false;
  x.onArrival = (): void => {
    if (done || x.requests.length < BURST / 4 || x.openCount < OPEN_AT_KILL) {
      return;
    }
    done = true;
    // The postmaster's children (backends, WAL writer…) are found before the kill: once it dies they belong to init.
    const postgres = postmaster === undefined ? [] : processTree(postmaster);
    service.kill();
    if (postmaster !== undefined) {
      process.kill(postmaster, 'SIGKILL');
    }
    onKill({ at: Date.now(), arrived: x.requests.length, open: x.openCount }, postgres);
  };
}

/** What the database held when the service died: the posts whose delivery was publishing with its send started (it may have left), and those never started. */
interface AtKill {
  started: Set<string>;
  unstarted: number;
}

async function publishingAtKill(pool: Pool): Promise<AtKill> {
  const { rows } = await pool.query<{ text: string; started: boolean }>(
    `SELECT p.text, d.send_started_at IS NOT NULL AS started FROM deliveries d JOIN posts p ON p.id = d.post_id WHERE d.state = 'publishing' AND p.text LIKE $1 || '%'`,
    [PREFIX],
  );
  return { started: new Set(rows.filter((r) => r.started).map((r) => r.text)), unstarted: rows.filter((r) => !r.started).length };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function crashAndRestart(ctx: ScenarioContext, killDatabase: boolean): Promise<Check[]> {
  const { x, url } = await ctx.x();
  x.behaviour = () => ({ holdMs: X_LATENCY_MS, status: 201 });
  const dataDir = ctx.dataDir();
  // The service's own embedded PostgreSQL when the database dies too (as `npm start` runs it); else a database of the run's server.
  const databaseUrl = killDatabase ? undefined : await ctx.databases.fresh(ctx.name);
  const env = ctx.env({ X_API_URL: url, HOLDFAST_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  const first = await ctx.service(env);
  await first.healthy(120_000);
  const embedded = killDatabase ? embeddedOf(dataDir) : undefined;
  if (killDatabase && !embedded) {
    throw new Error(`The service runs no embedded PostgreSQL under ${dataDir}`);
  }
  let pool: Pool = ctx.pool(databaseUrl ?? embedded!.url);
  const ws = await prepareWorkspace(new ApiClient(first.api));

  let kill: Kill | undefined;
  let postgres: number[] = [];
  killMidBurst(x, first, embedded?.pid, (k, pids) => {
    kill = k;
    postgres = pids;
  });
  const dueAt = Date.now() + 3000;
  await seedDueAtOnce(pool, ws, PREFIX, BURST, new Date(dueAt));
  await until('the burst to be under way with sends in flight at X (the kill)', () => kill, 120_000, 10);
  await first.exited;
  ctx.say(
    `${BURST} X posts due at one instant, X answering in ${X_LATENCY_MS} ms; SIGKILL ${killDatabase ? 'to the service and its embedded PostgreSQL' : 'to the service'} ` +
      `${kill!.at - dueAt} ms after they fell due, with ${kill!.arrived} requests received by X and ${kill!.open} still held there`,
  );
  let atKill: AtKill | undefined;
  let snapshotDir: string | undefined;
  if (killDatabase) {
    // A new postmaster refuses to start while a backend of the old one still holds its shared memory.
    await until('the killed PostgreSQL processes to be gone', () => postgres.every((pid) => !alive(pid)), 30_000, 50);
    await pool.end().catch(() => undefined);
    // The cluster as the kill left it, read after the run (the restart must find the real one crashed, untouched).
    snapshotDir = ctx.dataDir('at-kill');
    execFileSync('cp', ['-a', `${dataDir}/.`, snapshotDir]);
  } else {
    // A statement the dead service had sent still runs to its end: wait for its connections to go before reading.
    await until(
      "the dead service's database connections to close",
      async () => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name <> 'chaos' AND backend_type = 'client backend'`)).rows[0].n) === 0,
      30_000,
      50,
    );
    atKill = await publishingAtKill(pool);
    ctx.say(`at the kill: ${atKill.started.size} deliveries publishing with their send started, ${atKill.unstarted} claimed but never started`);
  }

  const restartedAt = Date.now();
  const second = await ctx.service(env);
  const healthyAfter = await second.healthy(SETTLE_TARGET_MS + 30_000);
  if (killDatabase) {
    pool = ctx.pool(embeddedOf(dataDir)!.url);
  }
  let states: Record<string, number> = {};
  const settled = await within(
    async () => {
      states = await statesOf(pool, PREFIX);
      return !states.scheduled && !states.publishing ? Date.now() - restartedAt : undefined;
    },
    SETTLE_TARGET_MS - (Date.now() - restartedAt),
    250,
  );
  ctx.say(`restarted: healthy ${healthyAfter} ms after the restart; ${settled === undefined ? `not settled ${SETTLE_TARGET_MS} ms after it` : `every delivery settled ${settled} ms after it`}`);
  ctx.say(`deliveries by state: ${describeStates(states)}`);

  const { rows } = await pool.query<{ text: string; state: string }>(
    `SELECT p.text, d.state FROM deliveries d JOIN posts p ON p.id = d.post_id WHERE p.text LIKE $1 || '%'`,
    [PREFIX],
  );
  if (snapshotDir) {
    const snapshot = await EmbeddedDatabase.start({ dataDir: snapshotDir });
    const snapshotPool = ctx.pool(snapshot.url);
    try {
      atKill = await publishingAtKill(snapshotPool);
    } finally {
      await snapshotPool.end();
      await snapshot.stop();
    }
    ctx.say(`at the kill (read from a copy of the cluster taken before the restart): ${atKill.started.size} deliveries publishing with their send started, ${atKill.unstarted} claimed but never started`);
  }
  const requests = x.requestsFor(PREFIX);
  const reached = new Set(requests.map((r) => r.text));
  const duplicates = ChaosX.duplicates(requests);
  const unsettled = rows.filter((r) => r.state !== 'published' && r.state !== 'needs_verification');
  const publishedUnseen = rows.filter((r) => r.state === 'published' && !reached.has(r.text));
  const verifying = rows.filter((r) => r.state === 'needs_verification');
  // May have reached X: X got it, or its send had started (admitted at the gate: the request may have been on its way).
  const verifyingUnsent = verifying.filter((r) => !reached.has(r.text) && !atKill!.started.has(r.text));
  const verifyingStartedUnseen = verifying.filter((r) => !reached.has(r.text) && atKill!.started.has(r.text)).length;
  ctx.say(`X received ${requests.length} requests for ${reached.size} of the ${rows.length} posts`);
  return [
    check(
      '0 duplicated (no text reached X twice)',
      duplicates.size === 0,
      `${duplicates.size} texts reached X more than once${duplicates.size ? ` (e.g. ${JSON.stringify([...duplicates.keys()][0])} ${[...duplicates.values()][0]} times)` : ''}`,
    ),
    check(
      '0 lost (every delivery ends published or needs_verification)',
      rows.length === BURST && unsettled.length === 0 && publishedUnseen.length === 0,
      `${unsettled.length} of ${rows.length} not in a final state${settled === undefined ? ` ${SETTLE_TARGET_MS / 1000} s after the restart` : ''}` +
        `${publishedUnseen.length ? `; ${publishedUnseen.length} marked published though X never received them` : ''}`,
    ),
    check(
      'needs_verification only for sends that may have reached X',
      verifyingUnsent.length === 0,
      `${verifying.length} needs_verification: ${verifying.length - verifyingUnsent.length - verifyingStartedUnseen} reached X, ${verifyingStartedUnseen} had their send started ` +
        `(X saw nothing yet), ${verifyingUnsent.length} had never started (safe to send: should have been rescheduled)`,
    ),
    check(
      `settled within ${SETTLE_TARGET_MS / 1000} s of the restart`,
      settled !== undefined,
      settled === undefined ? `still ${(states.publishing ?? 0)} publishing and ${states.scheduled ?? 0} scheduled at ${SETTLE_TARGET_MS / 1000} s` : `${settled} ms`,
    ),
  ];
}

const KNOBS = 'CHAOS_BURST (posts, default 2000), CHAOS_X_LATENCY_MS (default 100)';

export const CRASH: Scenario = {
  name: 'crash',
  title: 'SIGKILL of the service mid-burst, then a restart',
  knobs: KNOBS,
  run: (ctx) => crashAndRestart(ctx, false),
};

export const CRASH_DATABASE: Scenario = {
  name: 'crash-db',
  title: 'SIGKILL of the service and its embedded PostgreSQL mid-burst, then a restart',
  knobs: KNOBS,
  run: (ctx) => crashAndRestart(ctx, true),
};
