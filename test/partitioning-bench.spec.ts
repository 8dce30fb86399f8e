// bench/partitioning.ts's core (partitioning-fixture.ts) on a few thousand rows: its claim is the engine's, and the partitioned copy of
// deliveries answers the claim and the calendar with the same rows as the plain one, pruning partitions.
import { Client } from 'pg';
import {
  buildFixture,
  calendarDeliveriesSql,
  calendarPage,
  claim,
  claimParameters,
  claimSql,
  deliveriesIndexes,
  explainPlan,
  FLAT,
  PARTITIONED,
  type Fixture,
} from '../bench/partitioning-fixture';
import { CLAIM_DUE } from '../src/dispatch/delivery-leases';
import { createTestDatabase } from './support/test-database';


describe('the partitioning benchmark', () => {
  let database: { url: string; drop: () => Promise<void> };
  let db: Client;
  let fixture: Fixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
    fixture = await buildFixture(db, {
      rows: 2_000,
      workspaces: 5,
      targetPostsPerMonth: 20,
      monthsBack: 3,
      monthsAhead: 3,
      chunkPosts: 400,
      now: new Date(),
    });
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  it('claims with the engine statement itself, but for the table', () => {
    expect(claimSql('deliveries')).toBe(CLAIM_DUE);
    const onCopy = claimSql(PARTITIONED);
    expect(onCopy).not.toMatch(/\bdeliveries (d|c)\b/);
    expect(onCopy.replaceAll(PARTITIONED, 'deliveries')).toBe(CLAIM_DUE);
    expect(claimSql(PARTITIONED, { keyed: true })).toContain('(d.id, d.due_at) IN (');
  });

  it('loads the same deliveries into both copies, with every index of deliveries on each', async () => {
    const { rows } = await db.query<{ flat: number; part: number; same: number }>(
      `SELECT (SELECT count(*)::int FROM ${FLAT}) AS flat, (SELECT count(*)::int FROM ${PARTITIONED}) AS part,
              (SELECT count(*)::int FROM ${FLAT} f JOIN ${PARTITIONED} p USING (id, due_at, state, post_id, channel_id)) AS same`,
    );
    expect(rows[0].flat).toBeGreaterThanOrEqual(1_900);
    expect(rows[0]).toEqual({ flat: rows[0].flat, part: rows[0].flat, same: rows[0].flat });
    expect(fixture.partitions).toHaveLength(7);
    expect(fixture.burst).toBeGreaterThan(50);

    const names = (await deliveriesIndexes(db)).map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['PK_deliveries', 'IDX_deliveries_due', 'UQ_deliveries_post_channel_live']));
    const { rows: copies } = await db.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = ANY($1::text[])`, [[FLAT, PARTITIONED]]);
    for (const name of names) {
      expect(copies.map((c) => c.indexname)).toEqual(expect.arrayContaining([`${name}_${FLAT}`, `${name}_${PARTITIONED}`]));
    }
    // A unique index on the partitioned copy holds the partition key: it is unique per partition.
    const { rows: pk } = await db.query<{ def: string }>(`SELECT pg_get_indexdef($1::regclass) AS def`, [`"PK_deliveries_${PARTITIONED}"`]);
    expect(pk[0].def).toContain('(id, due_at)');
  });

  it('claims the same due deliveries, in due order, from both copies, skipping the crisis workspace', async () => {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${FLAT} WHERE state = 'scheduled' AND platform = 'x' AND due_at <= $1 AND workspace_id <> $2`,
      [fixture.now, fixture.crisisWorkspaceId],
    );
    const claimable = rows[0].n;
    expect(claimable).toBeGreaterThan(16);
    for (const limit of [16, 1000]) {
      const flat = await claim(db, FLAT, limit, fixture.now);
      expect(flat).toHaveLength(Math.min(limit, claimable));
      expect(flat.map((r) => r.due_at.getTime())).toEqual(flat.map((r) => r.due_at.getTime()).sort((a, b) => a - b));
      const part = await claim(db, PARTITIONED, limit, fixture.now);
      expect(part.map((r) => r.id)).toEqual(flat.map((r) => r.id));
      for (const keyed of [false, true]) {
        const prepared = await claim(db, PARTITIONED, limit, fixture.now, { prepared: true, keyed });
        expect(prepared.map((r) => r.id)).toEqual(flat.map((r) => r.id));
      }
    }
    // Rolled back: nothing was claimed for good.
    const { rows: publishing } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${PARTITIONED} WHERE state = 'publishing'`);
    expect(publishing[0].n).toBe(0);
  });

  it('searches for due rows only in the partitions up to now', async () => {
    const plan = await explainPlan(db, claimSql(PARTITIONED), claimParameters(16, fixture.now));
    const current = fixture.partitions[3];
    expect(plan.lockedScan.length).toBeGreaterThan(0);
    expect(plan.lockedScan.every((name) => name <= current)).toBe(true);
    expect(plan.lockedScan.length).toBeLessThan(fixture.partitions.length);
    expect(plan.executed.length).toBeGreaterThan(0);
  });

  it('reads a month of the calendar with the same deliveries on every copy, and a due_at bound prunes the months before', async () => {
    const range = { workspaceId: fixture.targetWorkspaceId, from: fixture.bounds[3], to: fixture.bounds[4] };
    const flat = await calendarPage(db, FLAT, range, null);
    const part = await calendarPage(db, PARTITIONED, range, null);
    const bounded = await calendarPage(db, PARTITIONED, range, null, { dueFrom: true });
    expect(flat.postIds.length).toBeGreaterThan(5);
    expect(flat.deliveryIds.length).toBeGreaterThanOrEqual(flat.postIds.length);
    expect(part.deliveryIds).toEqual(flat.deliveryIds);
    expect(bounded.deliveryIds).toEqual(flat.deliveryIds);

    const plan = await explainPlan(db, calendarDeliveriesSql(PARTITIONED, true), [flat.postIds, range.from]);
    expect(plan.partitions.length).toBeGreaterThan(0);
    expect(plan.partitions.every((name) => name >= fixture.partitions[3])).toBe(true);
    expect(plan.executed).toContain(fixture.partitions[3]);
  });
});
