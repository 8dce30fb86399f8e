// Burst: 10,000 deliveries due at the same instant, a platform answering in 50 ms. Holdfast's engine,
// then graphile-worker doing the same sends at the same concurrency on the same database.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { Logger, run as runGraphileWorker } from 'graphile-worker';
import { XPublisher } from '../src/publishers/x/x.publisher';
import { BENCH_ADMIN_KEY, benchApp, benchDatabase, ms, quantile, reproduce } from './support';

const DELIVERIES = Number(process.env.BENCH_BURST_DELIVERIES ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_BURST_CONCURRENCY ?? 256);
const PLATFORM_LATENCY_MS = 50;
/** How far ahead the burst is planned, so every engine is idle and ready when it falls due. */
const LEAD_MS = 4000;

/** Just enough of X for the burst: POST /2/tweets answered after 50 ms, arrival times kept per text. */
class StopwatchPlatform {
  readonly arrivals = new Map<string, number>();
  private server?: Server;
  private nextId = 1_000_000_000_000_000_000n;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const arrived = Date.now();
        const { text } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string };
        if (!this.arrivals.has(text)) {
          this.arrivals.set(text, arrived);
        }
        const id = String(this.nextId++);
        setTimeout(() => {
          res.writeHead(201, { 'content-type': 'application/json', 'x-rate-limit-limit': '1000000', 'x-rate-limit-remaining': '999999', 'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 900) });
          res.end(JSON.stringify({ data: { id, text, edit_history_tweet_ids: [id] } }));
        }, PLATFORM_LATENCY_MS);
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async waitFor(prefix: string, count: number, timeoutMs: number): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const arrivals = [...this.arrivals].filter(([text]) => text.startsWith(prefix)).map(([, at]) => at);
      if (arrivals.length >= count || Date.now() > deadline) {
        return arrivals;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

interface BurstResult {
  engine: string;
  sent: number;
  throughput: number;
  p50: number;
  p99: number;
  max: number;
}

function summarise(engine: string, dueAt: number, arrivals: number[]): BurstResult {
  const lateness = arrivals.map((at) => at - dueAt);
  const span = (Math.max(...arrivals) - Math.min(...arrivals)) / 1000 || 1e-3;
  return { engine, sent: arrivals.length, throughput: arrivals.length / span, p50: quantile(lateness, 0.5), p99: quantile(lateness, 0.99), max: Math.max(...lateness) };
}

function print(result: BurstResult): void {
  process.stdout.write(
    `${result.engine.padEnd(16)} sent ${result.sent}/${DELIVERIES}  throughput ${result.throughput.toFixed(0)}/s  ` +
      `lateness p50 ${ms(result.p50)}  p99 ${ms(result.p99)}  max ${ms(result.max)}\n`,
  );
}

export async function main(): Promise<void> {
  const platform = new StopwatchPlatform();
  const platformUrl = await platform.start();
  const database = await benchDatabase();
  const app = await benchApp(database.url, {
    X_API_URL: platformUrl,
    DISPATCH_TICK_MS: '100',
    DISPATCH_CONCURRENCY: String(CONCURRENCY),
    DISPATCH_PLATFORM_CONCURRENCY: String(CONCURRENCY),
  });
  await app.listen(0);
  const api = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const pool = new Pool({ connectionString: database.url, max: 4 });
  try {
    const call = async (path: string, body?: object): Promise<{ id: string; workspaceId: string }> => {
      const res = await fetch(api + path, {
        method: body ? 'POST' : 'GET',
        headers: { Authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) {
        throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
      }
      return (await res.json()) as { id: string; workspaceId: string };
    };
    const me = await call('/api/members/me');
    const credentials = { authType: 'oauth2', accessToken: 'bench-access-token' };
    const channel = await call('/api/channels', { platform: 'x', name: 'Burst', handle: '@burst', credentials });

    process.stdout.write(`${DELIVERIES} deliveries due at one instant; platform answers in ${PLATFORM_LATENCY_MS} ms; concurrency ${CONCURRENCY}; one instance, 2 cores shared with PostgreSQL and the platform\n`);

    // Holdfast: posts and deliveries written straight to the tables (the API is not what this measures).
    const holdfastDue = Date.now() + LEAD_MS;
    await pool.query(
      `WITH planned AS (
         INSERT INTO posts (workspace_id, author_id, last_editor_id, text, scheduled_at, time_zone, status, content_hash)
         SELECT $1, $2, $2, 'holdfast ' || g, $3, 'UTC', 'scheduled', md5('holdfast ' || g) FROM generate_series(1, $4) AS g
         RETURNING id, scheduled_at)
       INSERT INTO deliveries (workspace_id, post_id, channel_id, platform, state, due_at)
       SELECT $1, id, $5, 'x', 'scheduled', scheduled_at FROM planned`,
      [me.workspaceId, me.id, new Date(holdfastDue), DELIVERIES, channel.id],
    );
    const holdfast = summarise('holdfast', holdfastDue, await platform.waitFor('holdfast ', DELIVERIES, 120_000));
    print(holdfast);
    const recordedIn = Date.now();
    for (;;) {
      const recorded = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM deliveries WHERE state = 'published'`);
      if (Number(recorded.rows[0].n) >= DELIVERIES || Date.now() - recordedIn > 30_000) {
        process.stdout.write(`                 recorded published: ${recorded.rows[0].n} (all recorded ${Date.now() - holdfastDue} ms after due)\n`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (process.env.BENCH_BURST_BASELINE === 'false') {
      return;
    }

    // graphile-worker 0.16.6: the same sends through the same XPublisher, same concurrency, same database.
    const publisher = app.get(XPublisher);
    const workerPool = new Pool({ connectionString: database.url, max: Math.min(CONCURRENCY + 4, 60) });
    const worker = await runGraphileWorker({
      pgPool: workerPool,
      logger: new Logger(() => () => undefined),
      concurrency: CONCURRENCY,
      pollInterval: 100,
      noHandleSignals: true,
      taskList: {
        send: async (payload) => {
          const { text } = payload as { text: string };
          await publisher.publish({
            deliveryId: text,
            channel: { id: channel.id, platform: 'x', handle: '@burst' },
            credentials,
            text,
            imageUrls: [],
            link: null,
          });
        },
      },
    });
    const graphileDue = Date.now() + LEAD_MS;
    await pool.query(
      `SELECT graphile_worker.add_job('send', json_build_object('text', 'graphile ' || g), run_at => $1) FROM generate_series(1, $2) AS g`,
      [new Date(graphileDue), DELIVERIES],
    );
    const graphile = summarise('graphile-worker', graphileDue, await platform.waitFor('graphile ', DELIVERIES, 180_000));
    await worker.stop();
    await workerPool.end();
    print(graphile);

    process.stdout.write(
      `ratio (graphile-worker / holdfast): p99 lateness ${(graphile.p99 / holdfast.p99).toFixed(2)}x, throughput ${(holdfast.throughput / graphile.throughput).toFixed(2)}x in holdfast's favour\n`,
    );
    process.stdout.write(`target p99 ≤ 2000 ms: ${holdfast.p99 <= 2000 ? 'PASS' : 'FAIL'}\n`);
    process.stdout.write(`${reproduce('burst')}  (BENCH_BURST_DELIVERIES, BENCH_BURST_CONCURRENCY to vary)\n`);
  } finally {
    await pool.end();
    await app.close();
    await database.stop();
    await platform.stop();
  }
}
