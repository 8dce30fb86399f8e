// Calendar: one month of one workspace's calendar, read page by page through HTTP, with 1,000,000
// deliveries in the table (500,000 posts, two channels each, ten workspaces, two years).
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { BENCH_ADMIN_KEY, benchApp, benchDatabase, ms, quantile, reproduce } from './support';

const POSTS = Number(process.env.BENCH_CALENDAR_POSTS ?? 500_000);
const WORKSPACES = 10;
const CHANNELS_PER_WORKSPACE = 4;
/** The measured workspace's share of all posts: 14.4% of 500,000 over 24 months is about 3,000 a month. */
const TARGET_SHARE = 0.144;
const PAGE_SIZE = 100;
const WARMUPS = 30;
const REQUESTS = 300;
const TARGET_P99_MS = 100;
const PLAN_INDEXES = ['IDX_posts_workspace_scheduled', 'IDX_deliveries_post'];

interface Tenant {
  workspaceId: string;
  authorId: string;
  key: string;
  channelIds: string[];
}

interface CalendarBody {
  items: { id: string }[];
  nextCursor: string | null;
}

interface CapturedQuery {
  sql: string;
  parameters: unknown[];
}

type Call = <T>(key: string, path: string, body?: object) => Promise<T>;

function client(api: string): Call {
  return async <T>(key: string, path: string, body?: object): Promise<T> => {
    const res = await fetch(api + path, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) {
      throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    }
    return (await res.json()) as T;
  };
}

async function connectChannels(call: Call, key: string, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= CHANNELS_PER_WORKSPACE; i++) {
    const channel = await call<{ id: string }>(key, '/api/channels', {
      platform: 'mastodon',
      name: `${label} Mastodon ${i}`,
      handle: `@${label.toLowerCase().replace(/\W+/g, '')}${i}@mastodon.example`,
      credentials: { instanceUrl: 'https://mastodon.example', accessToken: 't' },
    });
    ids.push(channel.id);
  }
  return ids;
}

/** The operator's workspace (the one measured) and nine more, each with its admin and four channels. */
async function createTenants(call: Call): Promise<Tenant[]> {
  const me = await call<{ id: string; workspaceId: string }>(BENCH_ADMIN_KEY, '/api/members/me');
  const tenants: Tenant[] = [
    { workspaceId: me.workspaceId, authorId: me.id, key: BENCH_ADMIN_KEY, channelIds: await connectChannels(call, BENCH_ADMIN_KEY, 'Target') },
  ];
  for (let i = 1; i < WORKSPACES; i++) {
    const created = await call<{ workspace: { id: string }; admin: { id: string }; apiKey: { key: string } }>(BENCH_ADMIN_KEY, '/api/workspaces', {
      name: `Tenant ${i}`,
      adminName: `Admin ${i}`,
    });
    const channelIds = await connectChannels(call, created.apiKey.key, `Tenant ${i}`);
    tenants.push({ workspaceId: created.workspace.id, authorId: created.admin.id, key: created.apiKey.key, channelIds });
  }
  return tenants;
}

/**
 * Posts spread over 24 whole months around now, 07:00-21:00 UTC, rows in creation order (up to three
 * weeks before the post is due) with the workspaces interleaved, as a live table would hold them.
 * Past deliveries are published (2% failed), future ones scheduled (3% awaiting approval), 1% cancelled.
 */
async function seed(pool: Pool, tenants: Tenant[], windowStart: Date, windowEnd: Date): Promise<void> {
  const db = await pool.connect();
  try {
    await db.query(`SELECT setseed(0.42)`);
    await db.query(
      `CREATE TEMP TABLE seed AS
       SELECT gen_random_uuid() AS id, g, w, c, at AS scheduled_at,
              at - interval '1 hour' - random() * interval '21 days' AS created_at,
              'Post ' || g || ': ' || repeat('Our autumn menu is here, come and taste it. ', 1 + g % 5) AS text
         FROM (SELECT g,
                      CASE WHEN random() < $3 THEN 0 ELSE 1 + floor(random() * ($4 - 1))::int END AS w,
                      floor(random() * $5)::int AS c,
                      $1::timestamptz + floor(random() * extract(day FROM $2::timestamptz - $1::timestamptz)) * interval '1 day'
                        + (7 + floor(random() * 14)) * interval '1 hour' + floor(random() * 60) * interval '1 minute' AS at
                 FROM generate_series(1, $6) AS g) AS s`,
      [windowStart, windowEnd, TARGET_SHARE, WORKSPACES, CHANNELS_PER_WORKSPACE, POSTS],
    );
    const workspaceIds = tenants.map((t) => t.workspaceId);
    const authorIds = tenants.map((t) => t.authorId);
    const channelIds = tenants.flatMap((t) => t.channelIds);
    await db.query(
      `INSERT INTO posts (id, workspace_id, author_id, last_editor_id, text, scheduled_at, time_zone, labels, status,
                          content_hash, submitted_at, created_at, updated_at)
       SELECT id, ($1::uuid[])[w + 1], ($2::uuid[])[w + 1], ($2::uuid[])[w + 1], text, scheduled_at, 'Europe/Madrid',
              CASE WHEN g % 5 = 0 THEN ARRAY['campaign-' || g % 7] ELSE '{}'::text[] END,
              status, md5(text), CASE WHEN status = 'pending_approval' THEN created_at END, created_at, created_at
         FROM (SELECT *, CASE WHEN g % 100 = 0 THEN 'cancelled'
                              WHEN scheduled_at > now() AND g % 100 < 3 THEN 'pending_approval'
                              ELSE 'scheduled' END AS status
                 FROM seed) AS s
        ORDER BY s.created_at`,
      [workspaceIds, authorIds],
    );
    await db.query(
      `INSERT INTO deliveries (workspace_id, post_id, channel_id, platform, state, due_at, attempts, platform_post_id, url,
                               last_error, published_at, created_at, updated_at)
       SELECT ($1::uuid[])[w + 1], id, ($2::uuid[])[w * $3 + (c + k * (1 + g % ($3 - 1))) % $3 + 1], 'mastodon', state,
              scheduled_at, CASE WHEN state IN ('published', 'failed') THEN 1 ELSE 0 END,
              CASE WHEN state = 'published' THEN (g * 2 + k)::text END,
              CASE WHEN state = 'published' THEN 'https://mastodon.example/@brand/' || (g * 2 + k) END,
              CASE WHEN state = 'failed' THEN 'mastodon answered 503' END,
              CASE WHEN state = 'published' THEN scheduled_at + interval '2 seconds' END,
              created_at, CASE WHEN scheduled_at < now() THEN scheduled_at ELSE created_at END
         FROM (SELECT s.*, k.k,
                      CASE WHEN g % 100 = 0 THEN 'cancelled'
                           WHEN scheduled_at > now() THEN CASE WHEN g % 100 < 3 THEN 'pending_approval' ELSE 'scheduled' END
                           WHEN (g + k.k) % 50 = 0 THEN 'failed'
                           ELSE 'published' END AS state
                 FROM seed AS s CROSS JOIN (VALUES (0), (1)) AS k (k)) AS d
        ORDER BY d.created_at, d.k`,
      [workspaceIds, channelIds, CHANNELS_PER_WORKSPACE],
    );
    await db.query(`DROP TABLE seed`);
    // What autovacuum would have done by the time a table this size is read: statistics, visibility map.
    await db.query(`VACUUM (ANALYZE) posts, deliveries`);
  } finally {
    db.release();
  }
}

/** Records every SQL statement TypeORM sends while `during` runs: the calendar's own queries, exactly. */
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
  return captured;
}

async function explain(pool: Pool, title: string, query: CapturedQuery): Promise<void> {
  const result = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`, query.parameters);
  const lines = result.rows.map((row) => row['QUERY PLAN']);
  const used = PLAN_INDEXES.filter((index) => lines.some((line) => line.includes(index)));
  const execution = lines.find((line) => line.startsWith('Execution Time')) ?? 'Execution Time: ?';
  // The column list and the page's 100 ids say nothing about the plan: shortened so the plan stays readable.
  const sql = query.sql.replace(/\s+/g, ' ').replace(/^SELECT (.*?) FROM /, (_, columns: string) => `SELECT <${columns.split(',').length} columns> FROM `);
  process.stdout.write(`\n${title}\n  SQL: ${sql}\n`);
  process.stdout.write(lines.map((line) => `  | ${line.length > 160 ? `${line.slice(0, 160)}…` : line}\n`).join(''));
  process.stdout.write(`  => ${execution}; indexes used: ${used.length > 0 ? used.join(', ') : 'none of ' + PLAN_INDEXES.join(', ')}\n`);
}

export async function main(): Promise<void> {
  const database = await benchDatabase();
  const app = await benchApp(database.url, { DISPATCH_ENABLED: 'false' });
  await app.listen(0);
  const api = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const pool = new Pool({ connectionString: database.url, max: 2 });
  try {
    const call = client(api);
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const monthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const windowStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 12, 1));
    const windowEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 12, 1));

    const seedingStarted = performance.now();
    const tenants = await createTenants(call);
    const apiSeconds = (performance.now() - seedingStarted) / 1000;
    await seed(pool, tenants, windowStart, windowEnd);
    const seedSeconds = (performance.now() - seedingStarted) / 1000;

    const target = tenants[0];
    const counts = await pool.query<{ posts: string; deliveries: string; month_posts: string; month_deliveries: string; published: string; scheduled: string; posts_size: string; deliveries_size: string }>(
      `SELECT (SELECT count(*) FROM posts) AS posts,
              (SELECT count(*) FROM deliveries) AS deliveries,
              (SELECT count(*) FROM posts WHERE workspace_id = $1 AND scheduled_at >= $2 AND scheduled_at < $3) AS month_posts,
              (SELECT count(*) FROM deliveries d JOIN posts p ON p.id = d.post_id
                WHERE p.workspace_id = $1 AND p.scheduled_at >= $2 AND p.scheduled_at < $3) AS month_deliveries,
              (SELECT count(*) FROM deliveries d JOIN posts p ON p.id = d.post_id
                WHERE p.workspace_id = $1 AND p.scheduled_at >= $2 AND p.scheduled_at < $3 AND d.state = 'published') AS published,
              (SELECT count(*) FROM deliveries d JOIN posts p ON p.id = d.post_id
                WHERE p.workspace_id = $1 AND p.scheduled_at >= $2 AND p.scheduled_at < $3 AND d.state = 'scheduled') AS scheduled,
              pg_size_pretty(pg_total_relation_size('posts')) AS posts_size,
              pg_size_pretty(pg_total_relation_size('deliveries')) AS deliveries_size`,
      [target.workspaceId, monthStart, monthEnd],
    );
    const c = counts.rows[0];
    const monthPosts = Number(c.month_posts);
    process.stdout.write(
      `Seeded ${Number(c.posts).toLocaleString('en')} posts and ${Number(c.deliveries).toLocaleString('en')} deliveries ` +
        `(posts ${c.posts_size}, deliveries ${c.deliveries_size} with indexes) in ${seedSeconds.toFixed(1)} s ` +
        `(API set-up of ${WORKSPACES} workspaces x ${CHANNELS_PER_WORKSPACE} channels ${apiSeconds.toFixed(1)} s, then SQL bulk insert + VACUUM ANALYZE)\n` +
        `${WORKSPACES} workspaces, ${windowStart.toISOString().slice(0, 10)} to ${windowEnd.toISOString().slice(0, 10)}; ` +
        `measured: workspace ${target.workspaceId}, month ${monthStart.toISOString().slice(0, 7)}: ${monthPosts} posts, ` +
        `${c.month_deliveries} deliveries (${c.published} published, ${c.scheduled} scheduled, the rest failed/awaiting approval/cancelled)\n`,
    );

    const base = `/api/posts?from=${encodeURIComponent(monthStart.toISOString())}&to=${encodeURIComponent(monthEnd.toISOString())}&limit=${PAGE_SIZE}`;
    const firstPage: number[] = [];
    const laterPages: number[] = [];
    let cursor: string | null = null;
    let bytes = 0;
    let walks = 0;
    for (let i = 0; i < WARMUPS + REQUESTS; i++) {
      const path = cursor ? `${base}&cursor=${cursor}` : base;
      const started = performance.now();
      const res = await fetch(api + path, { headers: { Authorization: `Bearer ${target.key}` } });
      const text = await res.text();
      const elapsed = performance.now() - started;
      if (!res.ok) {
        throw new Error(`GET ${path} answered ${res.status}: ${text}`);
      }
      if (i >= WARMUPS) {
        (cursor ? laterPages : firstPage).push(elapsed);
        bytes += text.length;
      }
      cursor = (JSON.parse(text) as CalendarBody).nextCursor;
      if (!cursor) {
        walks++;
      }
    }
    const all = [...firstPage, ...laterPages];
    const p99 = quantile(all, 0.99);
    process.stdout.write(
      `\nGET /api/posts, one month, limit=${PAGE_SIZE}, sequential over HTTP (keep-alive), ${REQUESTS} timed after ${WARMUPS} warm-ups; ` +
        `walks the month by cursor (${Math.ceil(monthPosts / PAGE_SIZE)} pages a walk, ${walks} walks completed), ~${Math.round(bytes / all.length / 1024)} KiB a page\n` +
        `  all pages    n=${all.length}  p50 ${ms(quantile(all, 0.5))}  p99 ${ms(p99)}  max ${ms(Math.max(...all))}\n` +
        `  first page   n=${firstPage.length}  p50 ${ms(quantile(firstPage, 0.5))}  p99 ${ms(quantile(firstPage, 0.99))}  max ${ms(Math.max(...firstPage))}\n` +
        `  cursor pages n=${laterPages.length}  p50 ${ms(quantile(laterPages, 0.5))}  p99 ${ms(quantile(laterPages, 0.99))}  max ${ms(Math.max(...laterPages))}\n`,
    );

    // The SQL the calendar service sends, captured from TypeORM for a first page and a cursor page.
    const dataSource = app.get(DataSource);
    const captured = await captureQueries(dataSource, async () => {
      const first = await call<CalendarBody>(target.key, base);
      if (!first.nextCursor) {
        throw new Error(`The month holds a single page (${first.items.length} posts): nothing to page through`);
      }
      await call<CalendarBody>(target.key, `${base}&cursor=${first.nextCursor}`);
    });
    const postQueries = captured.filter((q) => /FROM "posts"/.test(q.sql));
    const deliveryQueries = captured.filter((q) => /FROM "deliveries"/.test(q.sql));
    if (postQueries.length < 2 || deliveryQueries.length < 1) {
      throw new Error(`Expected the calendar's posts and deliveries queries; captured:\n${captured.map((q) => q.sql).join('\n')}`);
    }
    process.stdout.write(`\nEXPLAIN (ANALYZE, BUFFERS) of the statements the calendar service issued (captured from TypeORM's logger):`);
    await explain(pool, '1. posts, first page', postQueries[0]);
    await explain(pool, '2. posts, second page (cursor)', postQueries[1]);
    await explain(pool, `3. deliveries of the page's ${PAGE_SIZE} posts`, deliveryQueries[0]);

    process.stdout.write(`\ntarget p99 ≤ ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS ? 'PASS' : 'FAIL'} (p99 ${ms(p99)})\n`);
    process.stdout.write(`${reproduce('calendar')}  (BENCH_CALENDAR_POSTS to vary; DATABASE_URL to use your own server)\n`);
  } finally {
    await pool.end();
    await app.close();
    await database.stop();
  }
}
