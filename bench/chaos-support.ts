// What every chaos scenario needs: a database of its own, the real service as a process (output to a log
// file), an HTTP client that times answers, waits on conditions, and checks that print PASS or FAIL.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { EmbeddedDatabase } from '../src/database/embedded-database';
import { freePort } from '../src/database/free-port';
import { quoteIdent } from '../src/database/sql';
import { DISPATCH_CHANNEL } from '../src/dispatch/deliveries.repository';
import { waitFor } from '../test/support/wait';
import type { ChaosX } from './chaos-x';

/** The compiled service: `npm run chaos` builds src/ into dist-bench/ beside the script, as `npm run bench` does. */
const MAIN = join(__dirname, '..', 'src', 'main.js');
export const CHAOS_ADMIN_KEY = `hf_chaos_${randomBytes(16).toString('hex')}`;
/** Service settings shown in each scenario's "how to reproduce" line; secrets and paths are left out. */
const SHOWN_ENV = /^(DISPATCH_|CRISIS_|X_API_URL|THROTTLE_|LOG_LEVEL)/;

/** Polls until `check` answers (test/support's waitFor, which the benchmarks share with the tests). */
export const until = waitFor;

/** Like `until`, but answers undefined at the deadline instead of throwing: for a target that may be missed. */
export async function within<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 50): Promise<T | undefined> {
  try {
    return await until('', check, timeoutMs, everyMs);
  } catch {
    return undefined;
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One judged figure of a scenario. */
export interface Check {
  target: string;
  pass: boolean;
  figure: string;
}

export function check(target: string, pass: boolean, figure: string): Check {
  return { target, pass, figure };
}

/** The PostgreSQL server the run's databases live on: DATABASE_URL's (its user needs CREATE DATABASE), else an embedded one. */
export class ChaosDatabases {
  private embedded?: EmbeddedDatabase;
  private readonly created: { admin: string; name: string }[] = [];

  constructor(private readonly dir: string) {}

  /** A fresh, empty database for one scenario (the service migrates it when it starts). */
  async fresh(scenario: string): Promise<string> {
    const name = `chaos_${scenario.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
    const admin = await this.adminUrl();
    const client = new Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } finally {
      await client.end();
    }
    this.created.push({ admin, name });
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return url.toString();
  }

  /** Where the server is, for the "how to reproduce" line. */
  get description(): string {
    return process.env.DATABASE_URL ? 'DATABASE_URL (a database per scenario, dropped after)' : 'an embedded PostgreSQL started for this run';
  }

  async stop(): Promise<void> {
    for (const { admin, name } of this.created.splice(0)) {
      const client = new Client({ connectionString: admin });
      try {
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      } catch {
        // a database left behind on a server the run does not own is harmless; its name says what it was
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    await this.embedded?.stop();
    this.embedded = undefined;
  }

  private async adminUrl(): Promise<string> {
    if (process.env.DATABASE_URL) {
      return process.env.DATABASE_URL;
    }
    this.embedded ??= await EmbeddedDatabase.start({ dataDir: join(this.dir, 'shared-pg'), database: 'postgres' });
    return this.embedded.urlFor('postgres');
  }
}

/** The real service, run as `node dist-bench/src/main.js` with its stdout and stderr appended to a log file. */
export class ServiceProcess {
  readonly exited: Promise<number | null>;
  readonly startedAt = Date.now();

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly logFile: string,
  ) {
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
  }

  static async spawn(env: Record<string, string>, logFile: string): Promise<ServiceProcess> {
    const port = await freePort();
    const log = openSync(logFile, 'a');
    try {
      const child = spawn(process.execPath, ['--max-semi-space-size=64', MAIN], {
        env: { PATH: process.env.PATH ?? '', PORT: String(port), ...env },
        stdio: ['ignore', log, log],
      });
      return new ServiceProcess(child, port, logFile);
    } finally {
      closeSync(log);
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  get api(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resolves once /health answers ok; throws if the process exits first or the deadline passes. */
  async healthy(timeoutMs: number): Promise<number> {
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    return until(
      `the service on port ${this.port} to answer /health (log: ${this.logFile})`,
      async () => {
        if (exitCode !== undefined) {
          throw new Error(`The service exited with ${exitCode} before it was healthy; see ${this.logFile}`);
        }
        try {
          const res = await fetch(`${this.api}/health`);
          return res.ok ? Date.now() - this.startedAt : undefined;
        } catch {
          return undefined;
        }
      },
      timeoutMs,
      100,
    );
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
  }

  /** SIGTERM (sends in flight drain), then SIGKILL if it is still there after 30 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.kill(), 30_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** An answer from the service, with when it came (this process's Date.now(), the fake platform's clock too). */
export interface Answer<T = unknown> {
  status: number;
  body: T;
  /** Milliseconds from sending the request to having the whole answer. */
  elapsed: number;
  receivedAt: number;
}

export class ApiClient {
  constructor(readonly base: string) {}

  async call<T = Record<string, unknown>>(method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const started = Date.now();
    const res = await fetch(this.base + path, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const receivedAt = Date.now();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, body: parsed as T, elapsed: receivedAt - started, receivedAt };
  }

  /** The call, which must answer 2xx: anything else stops the scenario with the service's answer. */
  async ok<T = Record<string, unknown>>(method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const answer = await this.call<T>(method, path, key, body, headers);
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
    }
    return answer.body;
  }
}

/** A workspace ready for a scenario: its members by role and one X channel. */
export interface Workspace {
  workspaceId: string;
  adminId: string;
  marketer: string;
  approver: string;
  lead: string;
  xChannelId: string;
}

export async function prepareWorkspace(api: ApiClient): Promise<Workspace> {
  const me = await api.ok<{ id: string; workspaceId: string }>('GET', '/api/members/me', CHAOS_ADMIN_KEY);
  const member = async (role: string, name: string): Promise<string> =>
    (
      await api.ok<{ apiKey: { key: string } }>('POST', '/api/members', CHAOS_ADMIN_KEY, {
        name,
        email: `${role}-${randomUUID()}@example.com`,
        roles: [role],
      })
    ).apiKey.key;
  const channel = await api.ok<{ id: string }>('POST', '/api/channels', CHAOS_ADMIN_KEY, {
    platform: 'x',
    name: 'Brand on X',
    handle: '@brand',
    credentials: { authType: 'oauth2', accessToken: 'chaos-access-token' },
  });
  return {
    workspaceId: me.workspaceId,
    adminId: me.id,
    marketer: await member('marketer', 'Mia Marketer'),
    approver: await member('approver', 'Avery Approver'),
    lead: await member('crisis_lead', 'Casey Crisis'),
    xChannelId: channel.id,
  };
}

/** Plans `count` posts on one X channel, all due at `dueAt`, texts `${prefix}1`…; SQL, as the burst bench does (the API is not under test). */
export async function seedDueAtOnce(pool: Pool, ws: Workspace, prefix: string, count: number, dueAt: Date): Promise<void> {
  await pool.query(
    `WITH planned AS (
       INSERT INTO posts (workspace_id, author_id, last_editor_id, text, scheduled_at, time_zone, status, content_hash)
       SELECT $1, $2, $2, $3 || g, $4, 'UTC', 'scheduled', md5($3 || g) FROM generate_series(1, $5) AS g
       RETURNING id, scheduled_at)
     INSERT INTO deliveries (workspace_id, post_id, channel_id, platform, state, due_at)
     SELECT $1, id, $6, 'x', 'scheduled', scheduled_at FROM planned`,
    [ws.workspaceId, ws.adminId, prefix, dueAt, count, ws.xChannelId],
  );
  // The engine wakes on this channel as it does for a post created through the API.
  await pool.query('SELECT pg_notify($1, $2)', [DISPATCH_CHANNEL, '']);
}

/** Deliveries of the posts whose text starts with `prefix`, counted by state. */
export async function statesOf(pool: Pool, prefix: string): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ state: string; n: string }>(
    `SELECT d.state, count(*) AS n FROM deliveries d JOIN posts p ON p.id = d.post_id WHERE p.text LIKE $1 || '%' GROUP BY d.state`,
    [prefix],
  );
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

export function describeStates(states: Record<string, number>): string {
  return (
    Object.entries(states)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([state, n]) => `${state} ${n}`)
      .join(', ') || 'none'
  );
}

/** The service settings a reader needs to run the scenario again, as `KEY=value` words. */
export function shownEnv(env: Record<string, string>): string {
  return Object.entries(env)
    .filter(([key]) => SHOWN_ENV.test(key))
    .map(([key, value]) => `${key}=${key === 'X_API_URL' ? '<the chaos X>' : value}`)
    .join(' ');
}

/** The embedded PostgreSQL a service started itself under `dataDir` (no DATABASE_URL): its postmaster and a URL to it. */
export function embeddedOf(dataDir: string): { pid: number; url: string } | undefined {
  const pidFile = join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(pidFile)) {
    return undefined;
  }
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const [pid, port] = [Number(lines[0]), Number(lines[3])];
  if (!pid || !port) {
    return undefined;
  }
  const password = readFileSync(join(dataDir, 'pg-password'), 'utf8').trim();
  return { pid, url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/holdfast` };
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** What a scenario gets from the runner: its name, where to put things, and services, fakes and pools it cleans up. */
export interface ScenarioContext {
  readonly name: string;
  readonly databases: ChaosDatabases;
  /** Prints a figure line under the scenario's heading. */
  say(line: string): void;
  /** A data directory of the scenario's own (HOLDFAST_DATA_DIR), removed after the run. */
  dataDir(label?: string): string;
  /** The service's environment for this scenario: a secret key and admin key of the run, `extra` on top. */
  env(extra: Record<string, string>): Record<string, string>;
  /** Starts a service process (its log file is printed with the scenario); stopped after the scenario. */
  service(env: Record<string, string>): Promise<ServiceProcess>;
  /** Starts the chaos X; stopped after the scenario. */
  x(): Promise<{ x: ChaosX; url: string }>;
  /** A small pool to the scenario's database (errors of a killed server are ignored); ended after the scenario. */
  pool(url: string): Pool;
}

/** A service of its own on a fresh database, healthy, with a workspace ready to post: how most scenarios begin. */
export async function startWithWorkspace(
  ctx: ScenarioContext,
  xUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<{ databaseUrl: string; service: ServiceProcess; api: ApiClient; ws: Workspace; pool: Pool }> {
  const databaseUrl = await ctx.databases.fresh(ctx.name);
  const service = await ctx.service(ctx.env({ DATABASE_URL: databaseUrl, X_API_URL: xUrl, ...extraEnv }));
  await service.healthy(120_000);
  const api = new ApiClient(service.api);
  const ws = await prepareWorkspace(api);
  return { databaseUrl, service, api, ws, pool: ctx.pool(databaseUrl) };
}

export interface Scenario {
  name: string;
  title: string;
  /** What else the line "how to reproduce" should say (knobs of this scenario). */
  knobs?: string;
  run(ctx: ScenarioContext): Promise<Check[]>;
}
