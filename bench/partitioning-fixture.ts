// What bench/partitioning.ts measures, without the benchmark around it (test/partitioning-bench.spec.ts
// runs it on a few thousand rows): two copies of `deliveries`, one PARTITION BY RANGE (due_at), the
// same rows in both, and the engine's claim and the calendar's read as the service sends them.
import { performance } from 'node:perf_hooks';
import type { ClientBase } from 'pg';
import { stoppingCrisisId } from '../src/dispatch/crisis-hold';
import { CLAIM_DUE } from '../src/dispatch/delivery-leases';

export const FLAT = 'deliveries_flat';
export const PARTITIONED = 'deliveries_part';
export type DeliveriesCopy = typeof FLAT | typeof PARTITIONED;

/** Four channels a workspace, one per platform; a post targets two of its workspace's channels. */
const PLATFORMS = ['x', 'mastodon', 'linkedin', 'bluesky'] as const;
/** The platform the claim is measured for. */
export const CLAIM_PLATFORM = 'x';
export const PAGE_SIZE = 100;

export interface FixtureOptions {
  /** Deliveries in each copy (two a post), the burst included. */
  rows: number;
  workspaces: number;
  /** Posts of the measured workspace in each month (the calendar bench's month holds about 3,000). */
  targetPostsPerMonth: number;
  /** Months before the current one, and after it: the partitions are these plus the current month. */
  monthsBack: number;
  monthsAhead: number;
  /** Posts per INSERT ... SELECT chunk. */
  chunkPosts: number;
  now: Date;
  log?: (line: string) => void;
}

export interface Fixture {
  now: Date;
  windowStart: Date;
  windowEnd: Date;
  /** The first instant of each partition's month, oldest first, and one past the last. */
  bounds: Date[];
  partitions: string[];
  workspaceIds: string[];
  /** The workspace whose calendar is read: the first. */
  targetWorkspaceId: string;
  /** The workspace in an active crisis (all platforms): the last. */
  crisisWorkspaceId: string;
  posts: number;
  /** Scheduled deliveries due within the minute before `now`: what the claim takes. */
  burst: number;
  loadSeconds: Record<DeliveriesCopy, number>;
  indexSeconds: Record<DeliveriesCopy, number>;
}

/**
 * The engine's claim (CLAIM_DUE in src/dispatch/delivery-leases.ts) on `table` instead of deliveries; `keyed` names
 * the rows to update by (id, due_at), so that each is looked up in its own partition only. Throws if the engine's
 * statement no longer has the shape these replacements expect (test/partitioning-bench.spec.ts runs it).
 */
export function claimSql(table: string, options: { keyed?: boolean } = {}): string {
  const replace = (text: string, from: RegExp, to: string): string => {
    if (text.search(from) < 0) {
      throw new Error(`The engine's claim no longer contains ${String(from)}: update bench/partitioning-fixture.ts`);
    }
    return text.replace(from, to);
  };
  let sql = replace(CLAIM_DUE, /\bdeliveries (d|c)\b/g, `${table} $1`);
  if (options.keyed) {
    sql = replace(sql, /d\.id = ANY\(ARRAY\(\s*SELECT c\.id FROM/, '(d.id, d.due_at) IN (\n        SELECT c.id, c.due_at FROM');
    sql = replace(sql, /FOR UPDATE SKIP LOCKED\)\)/, 'FOR UPDATE SKIP LOCKED)');
  }
  return sql;
}

/** The claim's parameters as the dispatcher binds them: no channel excluded, no single channel. */
export function claimParameters(limit: number, now: Date): unknown[] {
  return ['bench-partitioning', 60_000, CLAIM_PLATFORM, limit, [], null, now];
}

/**
 * The calendar's first statement (CalendarService.range): one page of the workspace's posts in the
 * range, by (scheduled_at, id), one more than the page to know whether another follows. It reads
 * `posts`, which is the same whichever copy of deliveries is measured.
 */
export function calendarPostsSql(afterCursor: boolean): string {
  return `SELECT p.* FROM posts p
           WHERE p.workspace_id = $1 AND p.scheduled_at >= $2 AND p.scheduled_at < $3
             ${afterCursor ? 'AND (p.scheduled_at, p.id) > ($5, $6)' : ''}
           ORDER BY p.scheduled_at ASC, p.id ASC LIMIT $4`;
}

/**
 * The calendar's second statement (DeliveriesRepository.ofPosts, as shown): the page's deliveries by
 * post id, with the crisis that shows a scheduled one as held. With `dueFrom` it also bounds due_at
 * from below, which prunes the partitions before the range: NOT what the service sends today (see
 * docs/scaling.md: a delivery's due_at is its post's time or later, so the bound holds for this data).
 */
export function calendarDeliveriesSql(table: string, dueFrom: boolean): string {
  return `SELECT d.*, CASE WHEN d.state = 'scheduled' THEN ${stoppingCrisisId('d')} END AS holding_crisis_id
            FROM ${table} d
           WHERE d.post_id = ANY($1::uuid[]) ${dueFrom ? 'AND d.due_at >= $2' : ''}
           ORDER BY d.created_at ASC, d.id ASC`;
}

export function monthStart(at: Date, plusMonths: number): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + plusMonths, 1));
}

function partitionName(start: Date): string {
  return `${PARTITIONED}_${start.toISOString().slice(0, 7).replace('-', '_')}`;
}

/** Inserts a partition key into an index's column list: a unique index on a partitioned table must hold it. */
function withPartitionKey(definition: string): string {
  const open = definition.indexOf('(', definition.indexOf(' USING '));
  let depth = 0;
  for (let i = open; i < definition.length; i++) {
    depth += definition[i] === '(' ? 1 : definition[i] === ')' ? -1 : 0;
    if (depth === 0) {
      return /\bdue_at\b/.test(definition.slice(open, i)) ? definition : `${definition.slice(0, i)}, due_at${definition.slice(i)}`;
    }
  }
  throw new Error(`Cannot read the column list of ${definition}`);
}

interface IndexDefinition {
  name: string;
  definition: string;
  primary: boolean;
  unique: boolean;
}

/** The indexes of `deliveries` as the migrations made them (the claim's partial index among them). */
export async function deliveriesIndexes(db: ClientBase): Promise<IndexDefinition[]> {
  const { rows } = await db.query<IndexDefinition>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, i.indisprimary AS primary, i.indisunique AS unique
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = 'public.deliveries'::regclass ORDER BY c.relname`,
  );
  return rows;
}

/** The two copies, empty and without indexes yet (they are built after the load, as a bulk load would). */
async function createCopies(db: ClientBase, bounds: Date[]): Promise<string[]> {
  await db.query(`CREATE TABLE ${FLAT} (LIKE deliveries INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  await db.query(`CREATE TABLE ${PARTITIONED} (LIKE deliveries INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (due_at)`);
  const partitions: string[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const name = partitionName(bounds[i]);
    await db.query(`CREATE TABLE ${name} PARTITION OF ${PARTITIONED} FOR VALUES FROM ('${bounds[i].toISOString()}') TO ('${bounds[i + 1].toISOString()}')`);
    partitions.push(name);
  }
  return partitions;
}

/**
 * The indexes of `deliveries` on each copy. On the partitioned one, every unique index (the primary
 * key, one live delivery per post and channel) gains due_at: PostgreSQL enforces uniqueness per
 * partition only, so (id) alone cannot be declared unique across them.
 */
async function createIndexes(db: ClientBase, table: DeliveriesCopy): Promise<void> {
  for (const index of await deliveriesIndexes(db)) {
    let definition = index.definition.replace(' ON public.deliveries ', ` ON public.${table} `).replace(`INDEX "${index.name}"`, `INDEX "${index.name}_${table}"`);
    if (!definition.includes(`"${index.name}_${table}"`)) {
      definition = definition.replace(`INDEX ${index.name}`, `INDEX "${index.name}_${table}"`);
    }
    if (table === PARTITIONED && index.unique) {
      definition = withPartitionKey(definition);
    }
    if (index.primary) {
      const columns = definition.slice(definition.indexOf('(', definition.indexOf(' USING ')));
      await db.query(`ALTER TABLE ${table} ADD CONSTRAINT "${index.name}_${table}" PRIMARY KEY ${columns}`);
    } else {
      await db.query(definition);
    }
  }
}

/** The result of `work` and how long it took, in seconds. */
export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
}

/**
 * Workspaces, channels, one active crisis, posts and their deliveries, loaded chunk by chunk with
 * INSERT ... SELECT generate_series in due order (as a live table fills), each chunk into both
 * copies: the same rows, the same ids. Past deliveries are published (2% failed), future ones
 * scheduled (3% awaiting approval), 1% cancelled; then a burst due within the minute before `now`.
 */
export async function buildFixture(db: ClientBase, options: FixtureOptions): Promise<Fixture> {
  const log = options.log ?? (() => undefined);
  const now = options.now;
  const windowStart = monthStart(now, -options.monthsBack);
  const windowEnd = monthStart(now, options.monthsAhead + 1);
  const bounds = Array.from({ length: options.monthsBack + options.monthsAhead + 2 }, (_, i) => monthStart(windowStart, i));
  const months = bounds.length - 1;
  const burstPosts = Math.min(5_000, Math.floor(options.rows / 20));
  const posts = Math.floor(options.rows / 2) - burstPosts;
  const targetShare = Math.min(0.5, (options.targetPostsPerMonth * months) / posts);

  await db.query(`SET synchronous_commit = off`);
  await db.query(`SET maintenance_work_mem = '512MB'`);
  const partitions = await createCopies(db, bounds);
  const { rows: workspaces } = await db.query<{ id: string }>(
    `INSERT INTO workspaces (name) SELECT 'Tenant ' || g FROM generate_series(1, $1) AS g ORDER BY g RETURNING id`,
    [options.workspaces],
  );
  const workspaceIds = workspaces.map((w) => w.id);
  const { rows: authors } = await db.query<{ id: string }>(
    `INSERT INTO members (workspace_id, name, roles) SELECT w, 'Author', ARRAY['marketer'] FROM unnest($1::uuid[]) WITH ORDINALITY AS t(w, i) ORDER BY i RETURNING id`,
    [workspaceIds],
  );
  const authorIds = authors.map((a) => a.id);
  // Channel (w, k) at index w * 4 + k, of platform PLATFORMS[k].
  const { rows: channels } = await db.query<{ id: string }>(
    `INSERT INTO channels (id, workspace_id, platform, name, handle, credentials_sealed, credential_fields)
     SELECT gen_random_uuid(), w.w, p.p, p.p || ' ' || w.i, '@brand' || w.i, 'sealed', ARRAY['accessToken']
       FROM unnest($1::uuid[]) WITH ORDINALITY AS w(w, i) CROSS JOIN unnest($2::text[]) WITH ORDINALITY AS p(p, k)
      ORDER BY w.i, p.k RETURNING id`,
    [workspaceIds, [...PLATFORMS]],
  );
  const channelIds = channels.map((c) => c.id);
  const crisisWorkspaceId = workspaceIds[workspaceIds.length - 1];
  await db.query(
    `INSERT INTO crises (workspace_id, level, reason, approvals_required, pause_ads, activated_by, activated_at)
     VALUES ($1, 2, 'Benchmark: a crisis in another workspace', 1, false, $2, $3)`,
    [crisisWorkspaceId, authorIds[authorIds.length - 1], now],
  );

  const loadSeconds: Record<DeliveriesCopy, number> = { [FLAT]: 0, [PARTITIONED]: 0 };
  const load = async (from: number, to: number, burst: boolean): Promise<void> => {
    // Posts g of [from, to]: due in order over the window (within a chunk shuffled by up to a chunk's span), or the burst.
    await db.query(
      `CREATE TEMP TABLE chunk_posts AS
       SELECT gen_random_uuid() AS id, g, w, floor(random() * 4)::int AS c, at AS scheduled_at,
              LEAST(at - interval '1 minute', $7::timestamptz) - random() * interval '21 days' AS created_at
         FROM (SELECT g, CASE WHEN random() < $3 THEN 0 ELSE 1 + floor(random() * ($4 - 1))::int END AS w,
                      CASE WHEN $8 THEN $7::timestamptz - interval '60 seconds' + (g - $1) * ((interval '59 seconds') / GREATEST($2 - $1 + 1, 1))
                           ELSE $5::timestamptz + ((g - 1 + random()) / $9) * ($6::timestamptz - $5::timestamptz) END AS at
                 FROM generate_series($1::int, $2::int) AS g) AS s`,
      [from, to, targetShare, options.workspaces, windowStart, windowEnd, now, burst, posts],
    );
    await db.query(
      `INSERT INTO posts (id, workspace_id, author_id, last_editor_id, text, scheduled_at, time_zone, status, content_hash, created_at, updated_at)
       SELECT id, ($1::uuid[])[w + 1], ($2::uuid[])[w + 1], ($2::uuid[])[w + 1], 'Post ' || g || ': our autumn menu is here',
              scheduled_at, 'Europe/Madrid', CASE WHEN g % 100 = 0 AND NOT $4 THEN 'cancelled'
                                                  WHEN scheduled_at > $3 AND g % 100 < 3 THEN 'pending_approval' ELSE 'scheduled' END,
              md5(g::text), created_at, created_at
         FROM chunk_posts ORDER BY created_at`,
      [workspaceIds, authorIds, now, burst],
    );
    await db.query(
      `CREATE TEMP TABLE chunk_deliveries AS
       SELECT gen_random_uuid() AS id, ($1::uuid[])[w + 1] AS workspace_id, s.id AS post_id, ($2::uuid[])[w * 4 + ch + 1] AS channel_id,
              ($5::text[])[ch + 1] AS platform, state, scheduled_at AS due_at,
              CASE WHEN state IN ('published', 'failed') THEN 1 ELSE 0 END AS attempts,
              CASE WHEN state = 'published' THEN (g * 2 + k)::text END AS platform_post_id,
              CASE WHEN state = 'published' THEN 'https://x.com/brand/status/' || (g * 2 + k) END AS url,
              CASE WHEN state = 'failed' THEN 'answered 503' END AS last_error,
              CASE WHEN state = 'published' THEN scheduled_at + interval '2 seconds' END AS published_at,
              created_at, CASE WHEN scheduled_at < $3 THEN scheduled_at ELSE created_at END AS updated_at
         FROM (SELECT p.*, k.k, (p.c + k.k * (1 + p.g % 3)) % 4 AS ch,
                      CASE WHEN $4 THEN 'scheduled'
                           WHEN p.g % 100 = 0 THEN 'cancelled'
                           WHEN p.scheduled_at > $3 THEN CASE WHEN p.g % 100 < 3 THEN 'pending_approval' ELSE 'scheduled' END
                           WHEN (p.g + k.k) % 50 = 0 THEN 'failed'
                           ELSE 'published' END AS state
                 FROM chunk_posts p CROSS JOIN (VALUES (0), (1)) AS k (k)) AS s
        ORDER BY created_at, k`,
      [workspaceIds, channelIds, now, burst, [...PLATFORMS]],
    );
    const columns = `id, workspace_id, post_id, channel_id, platform, state, due_at, attempts, platform_post_id, url, last_error, published_at, created_at, updated_at`;
    for (const table of [FLAT, PARTITIONED] as const) {
      const [, seconds] = await timed(() => db.query(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM chunk_deliveries ORDER BY created_at`));
      loadSeconds[table] += seconds;
    }
    await db.query(`DROP TABLE chunk_posts, chunk_deliveries`);
  };

  for (let from = 1; from <= posts; from += options.chunkPosts) {
    const to = Math.min(posts, from + options.chunkPosts - 1);
    await load(from, to, false);
    log(`  loaded posts ${from.toLocaleString('en')}-${to.toLocaleString('en')} of ${posts.toLocaleString('en')} (deliveries: ${FLAT} ${loadSeconds[FLAT].toFixed(1)} s, ${PARTITIONED} ${loadSeconds[PARTITIONED].toFixed(1)} s so far)`);
  }
  await load(posts + 1, posts + burstPosts, true);

  const indexSeconds: Record<DeliveriesCopy, number> = { [FLAT]: 0, [PARTITIONED]: 0 };
  for (const table of [FLAT, PARTITIONED] as const) {
    [, indexSeconds[table]] = await timed(() => createIndexes(db, table));
    const [, vacuum] = await timed(() => db.query(`VACUUM (ANALYZE) ${table}`));
    indexSeconds[table] += vacuum;
    log(`  ${table}: indexes and VACUUM ANALYZE ${indexSeconds[table].toFixed(1)} s`);
  }
  await db.query(`VACUUM (ANALYZE) posts, channels, crises`);
  const { rows: due } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${FLAT} WHERE state = 'scheduled' AND due_at <= $1`, [now]);
  return {
    now,
    windowStart,
    windowEnd,
    bounds,
    partitions,
    workspaceIds,
    targetWorkspaceId: workspaceIds[0],
    crisisWorkspaceId,
    posts: posts + burstPosts,
    burst: due[0].n,
    loadSeconds,
    indexSeconds,
  };
}

/** Runs `work` in a transaction that is always rolled back: the claim measured without claiming. */
export async function rolledBack<T>(db: ClientBase, work: () => Promise<T>): Promise<T> {
  await db.query('BEGIN');
  try {
    return await work();
  } finally {
    await db.query('ROLLBACK');
  }
}

export interface ClaimedRow {
  id: string;
  due_at: Date;
}

/**
 * The claim, rolled back. As the engine sends it (an unnamed statement: planned for its values each
 * time, so the planner prunes by due_at but plans every partition the UPDATE may touch), or with
 * `prepared` as a named statement on its generic plan (planned once; partitions pruned when it runs);
 * `keyed` names the rows to update by (id, due_at) (see {@link claimSql}).
 */
export function claim(
  db: ClientBase,
  table: DeliveriesCopy,
  limit: number,
  now: Date,
  options: { prepared?: boolean; keyed?: boolean } = {},
): Promise<ClaimedRow[]> {
  const text = claimSql(table, { keyed: options.keyed });
  return rolledBack(db, async () => {
    if (options.prepared) {
      await db.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
      return (await db.query<ClaimedRow>({ name: `claim-${table}${options.keyed ? '-keyed' : ''}`, text, values: claimParameters(limit, now) })).rows;
    }
    return (await db.query<ClaimedRow>(text, claimParameters(limit, now))).rows;
  });
}

export interface CalendarRead {
  postIds: string[];
  deliveryIds: string[];
  nextCursor: { at: Date; id: string } | null;
}

/** One page of the calendar as the service reads it: the page's posts, then their deliveries from `table`. */
export async function calendarPage(
  db: ClientBase,
  table: DeliveriesCopy,
  range: { workspaceId: string; from: Date; to: Date },
  cursor: { at: Date; id: string } | null,
  options: { dueFrom?: boolean } = {},
): Promise<CalendarRead & { postsMs: number; deliveriesMs: number }> {
  const started = performance.now();
  const parameters: unknown[] = [range.workspaceId, range.from, range.to, PAGE_SIZE + 1];
  const { rows } = await db.query<{ id: string; scheduled_at: Date }>(calendarPostsSql(cursor !== null), cursor ? [...parameters, cursor.at, cursor.id] : parameters);
  const page = rows.slice(0, PAGE_SIZE);
  const postIds = page.map((p) => p.id);
  const between = performance.now();
  const deliveries = await db.query<{ id: string }>(calendarDeliveriesSql(table, options.dueFrom ?? false), options.dueFrom ? [postIds, range.from] : [postIds]);
  const done = performance.now();
  const last = page[page.length - 1];
  return {
    postIds,
    deliveryIds: deliveries.rows.map((d) => d.id),
    nextCursor: rows.length > PAGE_SIZE && last ? { at: last.scheduled_at, id: last.id } : null,
    postsMs: between - started,
    deliveriesMs: done - between,
  };
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Subplans Removed'?: number;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

export interface PlanSummary {
  /** Partitions of the partitioned copy in the plan, anywhere in it (those the planner did not prune). */
  partitions: string[];
  /** Of those, the ones the statement read when it ran (a scan executed at least once). */
  executed: string[];
  /** Partitions read under the FOR UPDATE SKIP LOCKED scan (the LockRows node): the claim's search. */
  lockedScan: string[];
  /** Partitions pruned when the statement ran (runtime pruning: Subplans Removed). */
  removedAtRuntime: number;
  text: string[];
}

function walk(node: PlanNode, visit: (node: PlanNode, underLockRows: boolean) => void, underLockRows = false): void {
  const locked = underLockRows || node['Node Type'] === 'LockRows';
  visit(node, locked);
  for (const child of node.Plans ?? []) {
    walk(child, visit, locked);
  }
}

/** EXPLAIN ANALYZE of a statement in a rolled-back transaction: which partitions it read. */
export async function explainPlan(db: ClientBase, sql: string, parameters: unknown[]): Promise<PlanSummary> {
  return rolledBack(db, async () => {
    // Both EXPLAINs run the statement: the first is undone before the second, so each sees the same rows.
    await db.query('SAVEPOINT plan');
    const json = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, parameters);
    await db.query('ROLLBACK TO SAVEPOINT plan');
    const partitions = new Set<string>();
    const executed = new Set<string>();
    const lockedScan = new Set<string>();
    let removedAtRuntime = 0;
    walk(json.rows[0]['QUERY PLAN'][0].Plan, (node, underLockRows) => {
      const relation = node['Relation Name'];
      if (relation?.startsWith(`${PARTITIONED}_`)) {
        partitions.add(relation);
        if (Number(node['Actual Loops'] ?? 0) > 0) {
          executed.add(relation);
        }
        if (underLockRows) {
          lockedScan.add(relation);
        }
      }
      removedAtRuntime += node['Subplans Removed'] ?? 0;
    });
    const text = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, parameters);
    return { partitions: [...partitions].sort(), executed: [...executed].sort(), lockedScan: [...lockedScan].sort(), removedAtRuntime, text: text.rows.map((r) => r['QUERY PLAN']) };
  });
}
