// Create post: sustained POST /api/posts from autocannon, every request a new post (unique text) on two
// channels. The app and autocannon share one Node process; PostgreSQL runs beside them on the same cores.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { Pool } from 'pg';
import { BENCH_ADMIN_KEY, benchApp, benchDatabase, ms, reproduce } from './support';

const WARMUP_SECONDS = Number(process.env.BENCH_CREATE_POST_WARMUP_SECONDS ?? 10);
const SECONDS = Number(process.env.BENCH_CREATE_POST_SECONDS ?? 30);
const CONNECTIONS = (process.env.BENCH_CREATE_POST_CONNECTIONS ?? '10,32,64').split(',').map(Number);
/** The lock class of a workspace's audit chain (see the AddAuditAppend migration). */
const AUDIT_LOCK_CLASS = 7_061_002;
/** A last run spreads the same load over this many workspaces: the audit chain is locked per workspace. */
const SPREAD_WORKSPACES = Number(process.env.BENCH_CREATE_POST_SPREAD_WORKSPACES ?? 4);
/**
 * The connection count the targets are judged at: autocannon's own default, since the target names autocannon
 * and no count. A closed loop of c connections at mean latency W sends c / W requests a second (Little's law),
 * so at 32 connections a p99 within 50 ms would take well over 32 / 0.05 s = 640 req/s: the 32 and 64
 * connection runs show how the service behaves past the target's load, and are not judged.
 */
const TARGET_CONNECTIONS = 10;
const TARGET_RPS = 500;
const TARGET_P99_MS = 50;
const CALIBRATION_SECONDS = 10;
const SAMPLE_MS = 100;
/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const CLOCK_TICKS_PER_SECOND = 100;

// autocannon 9 ships no types: the little of its API used here, typed.
interface Histogram {
  p50: number;
  p99: number;
  max: number;
  total: number;
}
interface AutocannonResult {
  requests: Histogram;
  latency: Histogram;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  /** Each connection cycles through these; [<id>] in a body becomes a fresh id per request. */
  requests: AutocannonRequest[];
  idReplacement: boolean;
}
type Autocannon = (options: AutocannonOptions) => PromiseLike<AutocannonResult>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

interface Measured {
  result: AutocannonResult;
  peakRss: number;
  /** CPU of this process (the app and autocannon), in cores. */
  nodeCores: number;
  /** Share of the run the main thread spent running JavaScript and callbacks rather than waiting. */
  eventLoopUtilization: number;
  /** CPU of the embedded PostgreSQL (every process descended from this one), in cores. */
  postgresCores: number;
  /** Sessions waiting for an audit-chain lock, on average over the run. */
  auditLockWaiters: number;
}

interface Run extends Measured {
  label: string;
  connections: number;
  requests: AutocannonRequest[];
  rps: number;
  failures: number;
}

/** CPU seconds (user + system) used so far by every process descended from this one, and by those they reaped. */
function descendantCpuSeconds(): number {
  const processes = new Map<number, { parent: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime + stime, plus cutime + cstime: the postmaster reaps backends that ended, and their time with them.
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      processes.set(Number(entry), { parent: Number(fields[1]), ticks });
    } catch {
      // The process ended while we looked.
    }
  }
  const descends = (pid: number): boolean => {
    for (let parent = processes.get(pid)?.parent; parent; parent = processes.get(parent)?.parent) {
      if (parent === process.pid) {
        return true;
      }
    }
    return false;
  };
  let ticks = 0;
  for (const [pid, { ticks: used }] of processes) {
    if (descends(pid)) {
      ticks += used;
    }
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** A V8 CPU profile of the measured run only (BENCH_CPU_PROFILE=<path prefix>), for finding where a request's time goes. */
async function startProfiler(): Promise<{ stop(path: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string): Promise<T> =>
    new Promise((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result as T))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(path: string): Promise<void> {
      const { profile } = await post<{ profile: object }>('Profiler.stop');
      writeFileSync(path, JSON.stringify(profile));
      session.disconnect();
      process.stdout.write(`CPU profile of the run written to ${path}\n`);
    },
  };
}

/** Runs autocannon while sampling, every 100 ms, this process's RSS and the sessions waiting for an audit lock. */
async function measure(options: AutocannonOptions, pool?: Pool): Promise<Measured> {
  let peakRss = process.memoryUsage().rss;
  const waiters: number[] = [];
  let sampling = false;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (!pool || sampling) {
      return;
    }
    sampling = true;
    pool
      // audit_append() takes pg_advisory_xact_lock(7061002, hashtext(workspace)): sessions queued behind it.
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objsubid = 2 AND NOT granted`, [AUDIT_LOCK_CLASS])
      .then((res) => waiters.push(res.rows[0].n))
      .catch(() => undefined)
      .finally(() => {
        sampling = false;
      });
  }, SAMPLE_MS);
  const cpuBefore = process.cpuUsage();
  const postgresBefore = descendantCpuSeconds();
  const eluBefore = performance.eventLoopUtilization();
  const started = process.hrtime.bigint();
  const profiler = pool && process.env.BENCH_CPU_PROFILE ? await startProfiler() : undefined;
  try {
    const result = await autocannon(options);
    await profiler?.stop(`${process.env.BENCH_CPU_PROFILE}-${options.connections}.cpuprofile`);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    return {
      result,
      peakRss: Math.max(peakRss, process.memoryUsage().rss),
      nodeCores: (cpu.user + cpu.system) / 1e6 / seconds,
      eventLoopUtilization: performance.eventLoopUtilization(eluBefore).utilization,
      postgresCores: (descendantCpuSeconds() - postgresBefore) / seconds,
      auditLockWaiters: waiters.length > 0 ? waiters.reduce((a, b) => a + b, 0) / waiters.length : NaN,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** A bare HTTP server in a child process answering 201 with a body of the app's size: autocannon's cost alone. */
async function startStub(responseBytes: number): Promise<{ url: string; child: ChildProcess }> {
  const source = `
    const body = 'x'.repeat(${responseBytes});
    const server = require('node:http').createServer((req, res) => {
      req.resume();
      req.on('end', () => { res.writeHead(201, { 'content-type': 'application/json' }); res.end(body); });
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));`;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8').trim()));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

async function post<T>(api: string, key: string, path: string, body: object): Promise<T> {
  const res = await fetch(api + path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  }
  return (await res.json()) as T;
}

/** Two mastodon channels and a marketer in the admin's workspace: the request that marketer sends. */
async function marketerRequest(api: string, adminKey: string, scheduledAt: string): Promise<AutocannonRequest> {
  const credentials = { instanceUrl: 'https://mastodon.example', accessToken: 't' };
  const channels: { id: string }[] = [];
  for (const i of [1, 2]) {
    channels.push(await post(api, adminKey, '/api/channels', { platform: 'mastodon', name: `Brand ${i}`, handle: `@brand${i}@mastodon.example`, credentials }));
  }
  const marketer = await post<{ apiKey: { key: string } }>(api, adminKey, '/api/members', { name: 'Mia Marketer', roles: ['marketer'] });
  return {
    method: 'POST',
    path: '/api/posts',
    headers: { Authorization: `Bearer ${marketer.apiKey.key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      text: 'Our autumn menu is here, come and taste it [<id>]',
      channelIds: channels.map((c) => c.id),
      scheduledAt,
      timeZone: 'Europe/Madrid',
    }),
  };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export async function main(): Promise<void> {
  const database = await benchDatabase();
  const app = await benchApp(database.url, { DISPATCH_ENABLED: 'false' });
  await app.listen(0);
  const api = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const pool = new Pool({ connectionString: database.url, max: 1 });
  let stub: ChildProcess | undefined;
  try {
    const scheduledAt = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
    const request = await marketerRequest(api, BENCH_ADMIN_KEY, scheduledAt);
    const sample = await fetch(api + request.path, { method: 'POST', headers: request.headers, body: request.body.replace('[<id>]', 'sample') });
    const responseBytes = (await sample.text()).length;
    if (sample.status !== 201) {
      throw new Error(`POST /api/posts answered ${sample.status}`);
    }
    const cores = cpus().length;

    process.stdout.write(
      `POST /api/posts: marketer key, 2 mastodon channels, scheduledAt ${scheduledAt}, unique text per request (autocannon idReplacement); ` +
        `response ${responseBytes} bytes; dispatch engine off\n` +
        `The app and autocannon run in this one Node process (${cores} cores shared with PostgreSQL); ` +
        `${WARMUP_SECONDS} s warm-up at ${TARGET_CONNECTIONS} connections not counted, then ${SECONDS} s per run; ` +
        `RSS and audit-lock waiters sampled every ${SAMPLE_MS} ms\n\n`,
    );
    await autocannon({ url: api, connections: TARGET_CONNECTIONS, duration: WARMUP_SECONDS, requests: [request], idReplacement: true });

    const plan: { label: string; connections: number; requests: AutocannonRequest[] }[] = CONNECTIONS.map((connections) => ({
      label: `1 workspace, connections=${connections}`,
      connections,
      requests: [request],
    }));
    if (SPREAD_WORKSPACES > 1) {
      const requests = [request];
      for (let i = 2; i <= SPREAD_WORKSPACES; i++) {
        const created = await post<{ apiKey: { key: string } }>(api, BENCH_ADMIN_KEY, '/api/workspaces', { name: `Tenant ${i}`, adminName: `Admin ${i}` });
        requests.push(await marketerRequest(api, created.apiKey.key, scheduledAt));
      }
      plan.push({ label: `${SPREAD_WORKSPACES} workspaces, connections=32`, connections: 32, requests });
    }

    const runs: Run[] = [];
    for (const { label, connections, requests } of plan) {
      const measured = await measure({ url: api, connections, duration: SECONDS, requests, idReplacement: true }, pool);
      const { result } = measured;
      const run: Run = {
        ...measured,
        label,
        connections,
        requests,
        rps: result.requests.total / result.duration,
        failures: result.non2xx + result.errors + result.timeouts,
      };
      runs.push(run);
      const statuses = Object.entries(result.statusCodeStats).map(([code, { count }]) => `${code}×${count}`).join(' ');
      process.stdout.write(
        `${label.padEnd(32)} ${run.rps.toFixed(0).padStart(4)} req/s  latency p50 ${ms(result.latency.p50)}  p99 ${ms(result.latency.p99)}  max ${ms(result.latency.max)}  ` +
          `non-2xx/errors ${run.failures} (${statuses})  peak RSS ${mib(run.peakRss)}\n` +
          `${''.padEnd(32)} CPU: node (app + autocannon) ${run.nodeCores.toFixed(2)} cores (event loop ${(run.eventLoopUtilization * 100).toFixed(0)}% busy), PostgreSQL ${run.postgresCores.toFixed(2)} cores; ` +
          `sessions waiting for the audit-chain lock: ${run.auditLockWaiters.toFixed(1)} on average\n`,
      );
    }

    // autocannon alone: the same requests, at the rate the app sustained, against a bare server in another process.
    process.stdout.write(`\nautocannon's own share (the same requests at the same rate for ${CALIBRATION_SECONDS} s against a bare server in a child process):\n`);
    const started = await startStub(responseBytes);
    stub = started.child;
    for (const run of runs) {
      const alone = await measure({
        url: started.url,
        connections: run.connections,
        duration: CALIBRATION_SECONDS,
        overallRate: Math.round(run.rps),
        requests: run.requests,
        idReplacement: true,
      });
      process.stdout.write(
        `${run.label.padEnd(32)} ${(alone.result.requests.total / alone.result.duration).toFixed(0).padStart(4)} req/s  ` +
          `autocannon ${alone.nodeCores.toFixed(2)} cores: ${((alone.nodeCores / run.nodeCores) * 100).toFixed(0)}% of the node process's CPU in the real run, ` +
          `${((alone.nodeCores / cores) * 100).toFixed(0)}% of the ${cores} cores\n`,
      );
    }

    const stored = await pool.query<{ posts: string; texts: string; deliveries: string }>(
      `SELECT (SELECT count(*) FROM posts) AS posts, (SELECT count(DISTINCT text) FROM posts) AS texts, (SELECT count(*) FROM deliveries) AS deliveries`,
    );
    const s = stored.rows[0];
    process.stdout.write(`\nstored: ${s.posts} posts (${s.texts} distinct texts), ${s.deliveries} deliveries\n`);

    const judged = runs.find((r) => r.connections === TARGET_CONNECTIONS && r.requests.length === 1) ?? runs[0];
    process.stdout.write(
      `judged at ${TARGET_CONNECTIONS} connections (autocannon's default); by Little's law 32 connections within a p99 of ` +
        `${TARGET_P99_MS} ms would need over ${(32 / (TARGET_P99_MS / 1000)).toFixed(0)} req/s, so the other runs are shown, not judged\n`,
    );
    const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
    process.stdout.write(
      `${judged.label}: target ≥ ${TARGET_RPS} req/s: ${verdict(judged.rps >= TARGET_RPS)} (${judged.rps.toFixed(0)}); ` +
        `target p99 ≤ ${TARGET_P99_MS} ms: ${verdict(judged.result.latency.p99 <= TARGET_P99_MS)} (${ms(judged.result.latency.p99)}); ` +
        `non-2xx = 0: ${verdict(judged.failures === 0)} (${judged.failures})\n`,
    );
    process.stdout.write(
      `${reproduce('create-post')}  (BENCH_CREATE_POST_CONNECTIONS=10,32,64 BENCH_CREATE_POST_SECONDS=30 BENCH_CREATE_POST_SPREAD_WORKSPACES=4 to vary)\n`,
    );
  } finally {
    stub?.kill();
    await pool.end();
    await app.close();
    await database.stop();
  }
}
