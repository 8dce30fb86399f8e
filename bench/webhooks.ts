// Webhook sending throughput: N events queued at once for one webhook, sent by the real sender to a local
// receiver (a process of its own, as a receiver is remote), until every delivery is recorded delivered.
// Prints sends/s, the lateness of the deliveries, and where the CPU went, for a receiver answering at once
// and one answering in BENCH_WEBHOOK_LATENCY_MS.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Pool } from 'pg';
import { cpuMeterFrom, describeCpu, processTree, type CpuGroup } from './cpu-meter';
import { BENCH_ADMIN_KEY, benchApp, benchDatabase, ms, quantile, reproduce } from './support';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 3000);
const LATENCY_MS = Number(process.env.BENCH_WEBHOOK_LATENCY_MS ?? 50);
const WARM_UP_EVENTS = 300;
const TIMEOUT_MS = 600_000;

/** The receiver process: answers every POST 200 after its latency, counts arrivals and distinct event ids. */
function runReceiver(): void {
  const seen = new Map<string, number>();
  let latencyMs = 0;
  let arrivals = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals++;
      const id = String(req.headers['holdfast-event-id']);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      const answer = (): void => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"received":true}');
      };
      if (latencyMs > 0) {
        setTimeout(answer, latencyMs);
      } else {
        answer();
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  process.on('message', (message: { latencyMs?: number; count?: true }) => {
    if (message.latencyMs !== undefined) {
      latencyMs = message.latencyMs;
      process.send!({ ok: true });
    } else {
      process.send!({ arrivals, distinct: seen.size });
    }
  });
  server.listen(0, '127.0.0.1', () => process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
}

class Receiver {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<{ receiver: Receiver; url: string }> {
    const child = fork(__filename, ['--receiver'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('message', (message) => resolve((message as { url: string }).url));
      child.once('exit', (code) => reject(new Error(`the webhook receiver exited with ${code}`)));
    });
    return { receiver: new Receiver(child), url };
  }

  get pid(): number {
    return this.child.pid!;
  }

  private ask<T>(message: object): Promise<T> {
    return new Promise((resolve) => {
      this.child.once('message', (answer) => resolve(answer as T));
      this.child.send(message);
    });
  }

  setLatency(latencyMs: number): Promise<unknown> {
    return this.ask({ latencyMs });
  }

  counts(): Promise<{ arrivals: number; distinct: number }> {
    return this.ask({ count: true });
  }

  stop(): void {
    this.child.kill();
  }
}

interface Run {
  label: string;
  events: number;
  seconds: number;
  perSecond: number;
  lateness: { p50: number; p99: number; max: number };
  attemptRows: number;
  duplicates: number;
  cpu: string;
  appCpuUsPerSend: number;
  pgCpuUsPerSend: number;
  /** Transactions committed in the database during the run (every statement outside one counts as one), per send. */
  commitsPerSend: number;
}

async function commits(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()');
  return Number(rows[0].n);
}

/** Queues `count` events for the webhook in one transaction (as a burst of emits would), then waits until all are delivered. */
async function burst(pool: Pool, receiver: Receiver, ws: string, webhookId: string, count: number, label: string, cpuGroups: CpuGroup[]): Promise<Run> {
  const before = await receiver.counts();
  const client = await pool.connect();
  let batch: string;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ batch: string }>(`SELECT gen_random_uuid()::text AS batch`);
    batch = rows[0].batch;
    await client.query(
      `WITH event AS (
         INSERT INTO webhook_events (workspace_id, type, data)
         SELECT $1, 'platform.degraded', jsonb_build_object('batch', $3::text, 'n', g) FROM generate_series(1, $2) AS g RETURNING id)
       INSERT INTO webhook_deliveries (workspace_id, webhook_id, event_id, state, due_at) SELECT $1, $4, event.id, 'pending', now() FROM event`,
      [ws, count, batch, webhookId],
    );
    await client.query(`SELECT pg_notify('holdfast_webhooks', 'due')`);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  const committedBefore = await commits(pool);
  const startedAt = Date.now();
  const meter = cpuMeterFrom(startedAt, cpuGroups);
  const started = performance.now();
  const deadline = started + TIMEOUT_MS;
  // Cheap while it waits (the partial indexes of pending and sending rows): the figures are the sender's, not this loop's.
  for (;;) {
    const [{ busy }] = (
      await pool.query<{ busy: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE state = 'pending') OR EXISTS (SELECT 1 FROM webhook_deliveries WHERE state = 'sending') AS busy`,
      )
    ).rows;
    if (!busy) {
      break;
    }
    if (performance.now() > deadline) {
      throw new Error(`${label}: not every delivery settled within ${TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = meter();
  // Statistics reach pg_stat_database when a backend's transaction ends (and at most a second later): wait that out.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const committed = (await commits(pool)) - committedBefore;
  const { rows: late } = await pool.query<{ ms: number; state: string; attempts: number; rows: number }>(
    `SELECT extract(epoch FROM d.delivered_at - e.created_at) * 1000 AS ms, d.state, d.attempts,
            (SELECT count(*)::int FROM webhook_attempts a WHERE a.delivery_id = d.id) AS rows
       FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
      WHERE d.webhook_id = $1 AND e.data->>'batch' = $2`,
    [webhookId, batch],
  );
  const undelivered = late.filter((row) => row.state !== 'delivered');
  if (undelivered.length > 0) {
    throw new Error(`${label}: ${undelivered.length} deliveries ended ${undelivered[0].state}, not delivered`);
  }
  const after = await receiver.counts();
  const lateness = late.map((row) => Number(row.ms));
  return {
    label,
    events: count,
    seconds,
    perSecond: count / seconds,
    lateness: { p50: quantile(lateness, 0.5), p99: quantile(lateness, 0.99), max: Math.max(...lateness) },
    attemptRows: late.reduce((sum, row) => sum + row.rows, 0),
    duplicates: after.arrivals - before.arrivals - (after.distinct - before.distinct),
    cpu: describeCpu(cpu),
    appCpuUsPerSend: (cpu.groups.app * 1000) / count,
    pgCpuUsPerSend: (cpu.groups.PostgreSQL * 1000) / count,
    commitsPerSend: committed / count,
  };
}

export async function main(): Promise<void> {
  const database = await benchDatabase();
  const { receiver, url } = await Receiver.start();
  let app: NestExpressApplication | undefined;
  const pool = new Pool({ connectionString: database.url, max: 2 });
  try {
    app = await benchApp(database.url, { ALLOW_PRIVATE_NETWORK: 'true', WEBHOOK_TIMEOUT_MS: '10000' });
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const call = async <T>(path: string, body?: object): Promise<T> => {
      const res = await fetch(base + path, {
        method: body ? 'POST' : 'GET',
        headers: { Authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) {
        throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
      }
      return (await res.json()) as T;
    };
    const me = await call<{ workspaceId: string }>('/api/members/me');
    const hook = await call<{ id: string }>('/api/webhooks', { url: `${url}/hooks/bench`, eventTypes: ['platform.degraded'] });

    const [{ pid: backend }] = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    const postmaster = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${backend}/status`, 'utf8'))?.[1]);
    const cpuGroups: CpuGroup[] = [
      { name: 'app', pids: () => [process.pid] },
      { name: 'receiver', pids: () => [receiver.pid] },
      { name: 'PostgreSQL', pids: () => processTree(postmaster) },
    ];

    await burst(pool, receiver, me.workspaceId, hook.id, WARM_UP_EVENTS, 'warm-up', cpuGroups);
    const runs: Run[] = [];
    for (const latency of [0, LATENCY_MS]) {
      await receiver.setLatency(latency);
      runs.push(await burst(pool, receiver, me.workspaceId, hook.id, EVENTS, latency === 0 ? 'receiver answering at once' : `receiver answering in ${latency} ms`, cpuGroups));
    }
    for (const run of runs) {
      process.stdout.write(
        `${run.events} events, ${run.label}: ${run.seconds.toFixed(2)} s, ${run.perSecond.toFixed(0)} sends/s; ` +
          `from queued to recorded delivered p50 ${ms(run.lateness.p50)}, p99 ${ms(run.lateness.p99)}, max ${ms(run.lateness.max)}; ` +
          `${run.attemptRows} attempt rows (one per send), ${run.duplicates} duplicate requests\n` +
          `  app ${run.appCpuUsPerSend.toFixed(0)} µs CPU a send, PostgreSQL ${run.pgCpuUsPerSend.toFixed(0)} µs a send, ${run.commitsPerSend.toFixed(2)} database transactions a send (claims, records, this loop's polls); ${run.cpu}\n`,
      );
    }
    process.stdout.write(`${reproduce('webhooks')} (BENCH_WEBHOOK_EVENTS=${EVENTS}, BENCH_WEBHOOK_LATENCY_MS=${LATENCY_MS}; 16 requests in flight per instance)\n`);
  } finally {
    await pool.end();
    await app?.close();
    receiver.stop();
    await database.stop();
  }
}

if (require.main === module && process.argv[2] === '--receiver') {
  runReceiver();
}
