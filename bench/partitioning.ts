// Partitioning `deliveries` by due time, measured: the same rows in a copy of the table and in a copy
// PARTITION BY RANGE (due_at), one partition a month; the engine's claim and the calendar's read on
// both, the plans (partitions pruned), and retention by dropping a partition against DELETE.
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { runMigrations } from '../src/database/run-migrations';
import {
  buildFixture,
  CLAIM_PLATFORM,
  calendarDeliveriesSql,
  calendarPage,
  type CalendarRead,
  claim,
  claimParameters,
  claimSql,
  explainPlan,
  FLAT,
  monthStart,
  PAGE_SIZE,
  PARTITIONED,
  type PlanSummary,
  timed,
} from './partitioning-fixture';
import { benchDatabase, ms, quantile, reproduce } from './support';

const ROWS = Number(process.env.BENCH_PARTITION_ROWS ?? 10_000_000);
const WORKSPACES = Number(process.env.BENCH_PARTITION_WORKSPACES ?? 100);
const CLAIM_RUNS = Number(process.env.BENCH_PARTITION_CLAIM_RUNS ?? 200);
const CALENDAR_RUNS = Number(process.env.BENCH_PARTITION_CALENDAR_RUNS ?? 300);
const WARMUPS = 20;
const CLAIM_LIMITS = [16, 1000];

function write(line: string): void {
  process.stdout.write(`${line}\n`);
}

function figures(label: string, values: number[]): string {
  return `${label} n=${values.length}  p50 ${ms(quantile(values, 0.5))}  p99 ${ms(quantile(values, 0.99))}  max ${ms(Math.max(...values))}`;
}

function timings(plan: PlanSummary): string {
  const planning = plan.text.find((line) => line.startsWith('Planning Time')) ?? 'Planning Time: ?';
  const execution = plan.text.find((line) => line.startsWith('Execution Time')) ?? 'Execution Time: ?';
  return `${planning}, ${execution}`;
}

function printPlan(title: string, plan: PlanSummary, total: number): void {
  const execution = timings(plan);
  write(`\n${title}`);
  write(
    `  partitions in the plan: ${plan.partitions.length} of ${total}, read when it ran: ${plan.executed.length}` +
      (plan.lockedScan.length > 0 ? `; under FOR UPDATE SKIP LOCKED (the search for due rows): ${plan.lockedScan.length} of ${total}` : '') +
      `; pruned at run time: ${plan.removedAtRuntime}; ${execution}`,
  );
  // One partition's scan reads like the next: the first two are shown, the others counted.
  const shownPartitions = new Set<string>();
  let skipDeeperThan: number | null = null;
  let skipped = 0;
  for (const line of plan.text) {
    const indent = line.search(/\S/);
    if (skipDeeperThan !== null && indent > skipDeeperThan) {
      skipped++;
      continue;
    }
    skipDeeperThan = null;
    const partition = /\b(deliveries_part_\d{4}_\d{2})\b/.exec(line)?.[1];
    if (partition && !shownPartitions.has(partition) && shownPartitions.size >= 2) {
      skipDeeperThan = indent;
      skipped++;
      continue;
    }
    if (partition) {
      shownPartitions.add(partition);
    }
    write(`  | ${line.length > 170 ? `${line.slice(0, 170)}…` : line}`);
  }
  if (skipped > 0) {
    write(`  | (${skipped} lines of the other partitions' scans left out)`);
  }
}

async function connect(url: string): Promise<Client> {
  const db = new Client({ connectionString: url });
  await db.connect();
  return db;
}

export async function main(): Promise<void> {
  const database = await benchDatabase();
  const migrator = new DataSource(dataSourceOptions(database.url));
  await migrator.initialize();
  try {
    await runMigrations(migrator);
  } finally {
    await migrator.destroy();
  }
  const db = await connect(database.url);
  try {
    const { rows: version } = await db.query<{ server_version: string; shared_buffers: string }>(
      `SELECT current_setting('server_version') AS server_version, current_setting('shared_buffers') AS shared_buffers`,
    );
    write(
      `PostgreSQL ${version[0].server_version} (shared_buffers ${version[0].shared_buffers}); ${ROWS.toLocaleString('en')} deliveries in each copy of deliveries, ` +
        `${WORKSPACES} workspaces x 4 channels, two deliveries a post, 25 monthly partitions (12 months back, this month, 12 ahead)`,
    );
    const [fixture, buildSeconds] = await timed(() =>
      buildFixture(db, { rows: ROWS, workspaces: WORKSPACES, targetPostsPerMonth: 3000, monthsBack: 12, monthsAhead: 12, chunkPosts: 250_000, now: new Date(), log: write }),
    );
    const { rows: sizes } = await db.query<{ flat: string; part: string; posts: string; oldest: number }>(
      `SELECT pg_size_pretty(pg_total_relation_size('${FLAT}')) AS flat,
              pg_size_pretty((SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = '${PARTITIONED}'::regclass)) AS part,
              pg_size_pretty(pg_total_relation_size('posts')) AS posts,
              (SELECT count(*)::int FROM ${fixture.partitions[0]}) AS oldest`,
    );
    write(
      `Loaded in ${buildSeconds.toFixed(0)} s in all: ${fixture.posts.toLocaleString('en')} posts (${sizes[0].posts}); deliveries INSERT ... SELECT ` +
        `${FLAT} ${fixture.loadSeconds[FLAT].toFixed(1)} s, ${PARTITIONED} ${fixture.loadSeconds[PARTITIONED].toFixed(1)} s; ` +
        `indexes + VACUUM ANALYZE ${FLAT} ${fixture.indexSeconds[FLAT].toFixed(1)} s, ${PARTITIONED} ${fixture.indexSeconds[PARTITIONED].toFixed(1)} s; ` +
        `sizes with indexes ${FLAT} ${sizes[0].flat}, ${PARTITIONED} ${sizes[0].part}; ${fixture.burst.toLocaleString('en')} scheduled deliveries due (the burst), ` +
        `${CLAIM_PLATFORM} among them claimable but for the crisis workspace's`,
    );

    // (a) The claim, alternating the copies so a busy moment of the machine falls on both.
    for (const limit of CLAIM_LIMITS) {
      const flat = await claim(db, FLAT, limit, fixture.now);
      const part = await claim(db, PARTITIONED, limit, fixture.now);
      if (flat.map((r) => r.id).join() !== part.map((r) => r.id).join() || flat.length === 0) {
        throw new Error(`The claim of ${limit} took different rows from the two copies (${flat.length} and ${part.length})`);
      }
      for (const keyed of [false, true]) {
        const prepared = await claim(db, PARTITIONED, limit, fixture.now, { prepared: true, keyed });
        if (prepared.map((r) => r.id).join() !== flat.map((r) => r.id).join()) {
          throw new Error(`The prepared${keyed ? ', keyed' : ''} claim of ${limit} took other rows than the engine's`);
        }
      }
      const series = [
        { label: `${FLAT}`, table: FLAT, prepared: false },
        { label: `${PARTITIONED}`, table: PARTITIONED, prepared: false },
        { label: `${FLAT}, prepared`, table: FLAT, prepared: true },
        { label: `${PARTITIONED}, prepared`, table: PARTITIONED, prepared: true },
        { label: `${PARTITIONED}, prepared, keyed`, table: PARTITIONED, prepared: true, keyed: true },
      ] as const;
      const times = series.map(() => [] as number[]);
      for (let i = 0; i < WARMUPS + CLAIM_RUNS; i++) {
        for (let k = 0; k < series.length; k++) {
          const s = (k + i) % series.length;
          const started = performance.now();
          await claim(db, series[s].table, limit, fixture.now, { prepared: series[s].prepared, keyed: 'keyed' in series[s] });
          if (i >= WARMUPS) {
            times[s].push(performance.now() - started);
          }
        }
      }
      write(
        `\n(a) claim of ${limit} due ${CLAIM_PLATFORM} deliveries (the engine's statement, FOR UPDATE SKIP LOCKED, rolled back; ${flat.length} rows, the same on every copy; ` +
          `"prepared": a named statement on its generic plan, "keyed": the rows to update named by (id, due_at); the engine does neither today):`,
      );
      series.forEach((s, i) => write(`  ${figures(s.label.padEnd(34), times[i])}`));
    }
    const flatPlan = await explainPlan(db, claimSql(FLAT), claimParameters(CLAIM_LIMITS[0], fixture.now));
    write(`\nEXPLAIN (ANALYZE) claim of ${CLAIM_LIMITS[0]} on ${FLAT}: ${timings(flatPlan)}`);
    printPlan(`EXPLAIN (ANALYZE, BUFFERS) claim of ${CLAIM_LIMITS[0]} on ${PARTITIONED}:`, await explainPlan(db, claimSql(PARTITIONED), claimParameters(CLAIM_LIMITS[0], fixture.now)), fixture.partitions.length);
    const keyedPlan = await explainPlan(db, claimSql(PARTITIONED, { keyed: true }), claimParameters(CLAIM_LIMITS[1], fixture.now));
    write(
      `\nEXPLAIN (ANALYZE) keyed claim of ${CLAIM_LIMITS[1]} on ${PARTITIONED}: partitions in the plan ${keyedPlan.partitions.length} of ${fixture.partitions.length}, read when it ran ${keyedPlan.executed.length}, ` +
        `under FOR UPDATE SKIP LOCKED ${keyedPlan.lockedScan.length}; ${timings(keyedPlan)}`,
    );

    // (b) The calendar: the measured workspace's current month, page by page by cursor.
    const range = { workspaceId: fixture.targetWorkspaceId, from: monthStart(fixture.now, 0), to: monthStart(fixture.now, 1) };
    const variants = [
      { label: FLAT, table: FLAT, dueFrom: false },
      { label: PARTITIONED, table: PARTITIONED, dueFrom: false },
      { label: `${PARTITIONED} + due_at >= from`, table: PARTITIONED, dueFrom: true },
    ] as const;
    const cursors: ({ at: Date; id: string } | null)[] = [null];
    let pages = 0;
    let deliveriesOnPages = 0;
    for (let cursor: { at: Date; id: string } | null = null; ; ) {
      const results: CalendarRead[] = [];
      for (const v of variants) {
        results.push(await calendarPage(db, v.table, range, cursor, { dueFrom: v.dueFrom }));
      }
      const reference = [...results[0].deliveryIds].sort().join();
      if (results.some((r) => [...r.deliveryIds].sort().join() !== reference)) {
        throw new Error(`The calendar page after ${JSON.stringify(cursor)} differs between the copies`);
      }
      pages++;
      deliveriesOnPages += results[0].deliveryIds.length;
      cursor = results[0].nextCursor;
      if (!cursor) {
        break;
      }
      cursors.push(cursor);
    }
    const calendarTimes = variants.map(() => ({ deliveries: [] as number[], read: [] as number[] }));
    for (let i = 0; i < WARMUPS + CALENDAR_RUNS; i++) {
      const cursor = cursors[i % cursors.length];
      const order = [0, 1, 2].map((k) => (k + i) % variants.length);
      for (const v of order) {
        const read = await calendarPage(db, variants[v].table, range, cursor, { dueFrom: variants[v].dueFrom });
        if (i >= WARMUPS) {
          calendarTimes[v].deliveries.push(read.deliveriesMs);
          calendarTimes[v].read.push(read.postsMs + read.deliveriesMs);
        }
      }
    }
    write(
      `\n(b) calendar read of one workspace's month (${range.from.toISOString().slice(0, 7)}: ${pages} pages of ${PAGE_SIZE} posts, ${deliveriesOnPages} deliveries; ` +
        `page i of ${CALENDAR_RUNS} reads walks the month by cursor), the service's two statements, the same rows on every copy:`,
    );
    variants.forEach((v, i) => {
      write(`  ${v.label.padEnd(34)} deliveries of the page: ${figures('', calendarTimes[i].deliveries)}`);
      write(`  ${''.padEnd(34)} whole page (posts + deliveries): ${figures('', calendarTimes[i].read)}`);
    });
    const firstPage = await calendarPage(db, PARTITIONED, range, null);
    printPlan(`EXPLAIN (ANALYZE, BUFFERS) the page's deliveries on ${PARTITIONED}, as the service asks:`, await explainPlan(db, calendarDeliveriesSql(PARTITIONED, false), [firstPage.postIds]), fixture.partitions.length);
    printPlan(`EXPLAIN (ANALYZE, BUFFERS) the same with due_at >= from:`, await explainPlan(db, calendarDeliveriesSql(PARTITIONED, true), [firstPage.postIds, range.from]), fixture.partitions.length);

    // (c) Retention: the oldest month goes, from each copy.
    const oldest = fixture.partitions[0];
    const [deleted, deleteSeconds] = await timed(() => db.query(`DELETE FROM ${FLAT} WHERE due_at >= $1 AND due_at < $2`, [fixture.bounds[0], fixture.bounds[1]]));
    const [, vacuumSeconds] = await timed(() => db.query(`VACUUM ${FLAT}`));
    const [, detachSeconds] = await timed(() => db.query(`ALTER TABLE ${PARTITIONED} DETACH PARTITION ${oldest} CONCURRENTLY`));
    const [, dropSeconds] = await timed(() => db.query(`DROP TABLE ${oldest}`));
    write(
      `\n(c) retention of the oldest month (${fixture.bounds[0].toISOString().slice(0, 7)}, ${sizes[0].oldest.toLocaleString('en')} deliveries):\n` +
        `  ${FLAT}: DELETE ${(deleted.rowCount ?? 0).toLocaleString('en')} rows ${deleteSeconds.toFixed(2)} s, then VACUUM to make the space reusable ${vacuumSeconds.toFixed(2)} s\n` +
        `  ${PARTITIONED}: DETACH PARTITION ... CONCURRENTLY ${(detachSeconds * 1000).toFixed(1)} ms, DROP TABLE ${(dropSeconds * 1000).toFixed(1)} ms (space returned to the OS at once)`,
    );
    write(`\n${reproduce('partitioning')}  (BENCH_PARTITION_ROWS=${ROWS}; DATABASE_URL to use your own server)`);
  } finally {
    await db.end();
    await database.stop();
  }
}
