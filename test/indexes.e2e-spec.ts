// The queries operators run under load read through indexes: with a realistic table and fresh statistics,
// none of them reads every delivery (no Seq Scan on deliveries) and each uses the index meant for it.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { REPORT_DELIVERIES_SQL } from '../src/crisis/crisis-report.service';
import { CLAIM_DUE, HELD_BACK_CHANNELS } from '../src/dispatch/delivery-leases';
import { FAILOVER_CANDIDATES_SQL, FAILOVER_SWEEP_SQL } from '../src/failover/failover.service';
import { channelBody } from './support/factories';
import { Caller, TestApp } from './support/test-app';

interface PlanNode {
  'Node Type': string;
  'Actual Rows'?: number;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** What GET /api/deliveries?state= runs (DeliveriesRepository.ofWorkspace, as TypeORM writes it). */
const DELIVERIES_BY_STATE_SQL = `SELECT * FROM deliveries WHERE workspace_id = $1 AND state = $2 ORDER BY updated_at DESC, id ASC LIMIT 50`;
const POSTS_PER_WORKSPACE = 6_000;

describe('what operators read under load', () => {
  let t: TestApp;
  let workspaces: Caller[];
  let channelsOf: Map<string, string[]>;
  const crisisId = randomUUID();

  beforeAll(async () => {
    t = await TestApp.start({ env: { DISPATCH_ENABLED: 'false' } });
    workspaces = [t.admin, await t.otherWorkspace(), await t.otherWorkspace(), await t.otherWorkspace()];
    channelsOf = new Map();
    for (const admin of workspaces) {
      const ids: string[] = [];
      for (const platform of ['mastodon', 'x'] as const) {
        ids.push((await admin.post('/api/channels', channelBody(platform)).expect(201)).body.id);
      }
      channelsOf.set(admin.workspaceId, ids);
      // Most deliveries are history (published); a few wait, need a person, or are held.
      await t.sql(
        `WITH p AS (
           INSERT INTO posts (workspace_id, author_id, last_editor_id, text, scheduled_at, time_zone, status, content_hash, crisis_id)
           SELECT $1, $2, $2, 'post ' || g, now() - (g || ' minutes')::interval, 'UTC', 'scheduled', md5(g::text),
                  CASE WHEN $1 = $5::uuid AND g % 1000 = 0 THEN $4::uuid END
             FROM generate_series(1, $3) g RETURNING id, scheduled_at, crisis_id)
         INSERT INTO deliveries (workspace_id, post_id, channel_id, platform, state, due_at, updated_at, held_by_crisis_id, released_by_crisis_id)
         SELECT $1, p.id, ch.id, ch.platform, s.state, p.scheduled_at, p.scheduled_at, s.held, s.released
           FROM p CROSS JOIN (SELECT id, platform FROM channels WHERE workspace_id = $1) ch
           CROSS JOIN LATERAL (SELECT
                  CASE WHEN r < 930 THEN 'published' WHEN r < 960 THEN 'scheduled' WHEN r < 980 THEN 'held'
                       WHEN r < 990 THEN 'needs_verification' ELSE 'cancelled' END AS state,
                  CASE WHEN $1 = $5::uuid AND r >= 960 AND r < 965 THEN $4::uuid END AS held,
                  CASE WHEN $1 = $5::uuid AND r >= 930 AND r < 932 THEN $4::uuid END AS released
             -- Spread per row (a LATERAL random() without an outer reference is drawn once).
             FROM (SELECT abs(hashtext(p.id::text || ch.id::text)) % 1000 AS r) x) s`,
        [admin.workspaceId, admin.memberId, POSTS_PER_WORKSPACE, crisisId, t.admin.workspaceId],
      );
    }
    await t.sql('ANALYZE deliveries');
    await t.sql('ANALYZE posts');
    await t.sql('ANALYZE channels');
  }, 120_000);
  afterAll(() => t.close());

  async function planOf(sql: string, params: unknown[]): Promise<{ nodes: PlanNode[]; text: string }> {
    const [json] = await t.sql<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    const text = (await t.sql<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).map((row) => row['QUERY PLAN']).join('\n');
    const nodes: PlanNode[] = [];
    const walk = (node: PlanNode): void => {
      nodes.push(node);
      node.Plans?.forEach(walk);
    };
    walk(json['QUERY PLAN'][0].Plan);
    return { nodes, text };
  }

  function seqScansOfDeliveries(nodes: PlanNode[]): number {
    return nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'deliveries').length;
  }

  function indexesUsed(nodes: PlanNode[]): string[] {
    return [...new Set(nodes.map((n) => n['Index Name']).filter((name): name is string => name !== undefined))].sort();
  }

  it.each(['needs_verification', 'held', 'published'])('pages deliveries in state %s from the index, in its order', async (state) => {
    const { nodes, text } = await planOf(DELIVERIES_BY_STATE_SQL, [t.admin.workspaceId, state]);
    expect({ seqScans: seqScansOfDeliveries(nodes), sorts: nodes.filter((n) => n['Node Type'] === 'Sort').length, text }).toEqual({
      seqScans: 0,
      sorts: 0,
      text,
    });
    expect(indexesUsed(nodes)).toContain('IDX_deliveries_workspace_state_updated');
  });

  it('lists failover candidates of a workspace through an index', async () => {
    const { nodes, text } = await planOf(FAILOVER_CANDIDATES_SQL, [t.admin.workspaceId, new Date()]);
    expect({ seqScans: seqScansOfDeliveries(nodes), text }).toEqual({ seqScans: 0, text });
    expect(indexesUsed(nodes).some((name) => name.startsWith('IDX_deliveries_'))).toBe(true);
  });

  it('finds what auto failover must move through the due or channel index', async () => {
    const [channel] = channelsOf.get(t.admin.workspaceId)!;
    const { nodes, text } = await planOf(FAILOVER_SWEEP_SQL, [['x'], [channel], new Date(), 100]);
    expect({ seqScans: seqScansOfDeliveries(nodes), text }).toEqual({ seqScans: 0, text });
    // IDX_deliveries_due (scheduled, by platform) and/or IDX_deliveries_channel, as the planner weighs them.
    expect(indexesUsed(nodes).some((name) => name === 'IDX_deliveries_due' || name === 'IDX_deliveries_channel')).toBe(true);
  });

  it('reads a crisis report as three indexed lookups, not a scan of every delivery', async () => {
    const { nodes, text } = await planOf(REPORT_DELIVERIES_SQL, [crisisId]);
    expect({ seqScans: seqScansOfDeliveries(nodes), text }).toEqual({ seqScans: 0, text });
    expect(indexesUsed(nodes)).toEqual(
      expect.arrayContaining(['IDX_deliveries_held_by_crisis', 'IDX_deliveries_released_by_crisis', 'IDX_posts_crisis', 'IDX_deliveries_post']),
    );
    // And it still answers what the report needs: every delivery the crisis touched, once.
    const rows = await t.sql<{ id: string }>(REPORT_DELIVERIES_SQL, [crisisId]);
    const [expected] = await t.sql<{ count: string }>(
      `SELECT count(*) FROM deliveries d JOIN posts p ON p.id = d.post_id
        WHERE d.held_by_crisis_id = $1 OR d.released_by_crisis_id = $1 OR p.crisis_id = $1`,
      [crisisId],
    );
    expect(rows.length).toBe(Number(expected.count));
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(10);
  });

  it('claims by walking the due index in its order, reading no more due deliveries than it takes', async () => {
    // npm run bench -- burst: shapes of the claim that let PostgreSQL expect fewer due rows than the limit had it
    // fetch and sort every due delivery before the limit, so each claim of a 10,000 burst read the whole backlog
    // again (64 µs a claimed row in pg_stat_statements). A burst due at one instant, statistics fresh.
    const client = new Client({ connectionString: t.env.DATABASE_URL });
    await client.connect();
    const limit = 500;
    const planNodes = async (sql: string, params: unknown[]): Promise<PlanNode[]> => {
      const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
      const nodes: PlanNode[] = [];
      const walk = (node: PlanNode): void => {
        nodes.push(node);
        node.Plans?.forEach(walk);
      };
      walk(rows[0]['QUERY PLAN'][0].Plan);
      return nodes;
    };
    const seqScans = (nodes: PlanNode[], table: string): PlanNode[] => nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === table);
    const [mastodon, x] = channelsOf.get(t.admin.workspaceId)!;
    try {
      await client.query('BEGIN');
      await client.query(
        `WITH p AS (
           INSERT INTO posts (workspace_id, author_id, last_editor_id, text, scheduled_at, time_zone, status, content_hash)
           SELECT $1, $2, $2, 'burst ' || g, now() - interval '1 second', 'UTC', 'scheduled', md5('burst' || g) FROM generate_series(1, 5000) g
           RETURNING id, scheduled_at)
         INSERT INTO deliveries (workspace_id, post_id, channel_id, platform, state, due_at) SELECT $1, p.id, $3, 'x', 'scheduled', p.scheduled_at FROM p`,
        [t.admin.workspaceId, t.admin.memberId, x],
      );
      await client.query('ANALYZE deliveries');
      // As DeliveryLeases.claimDue binds it: no breaker open, one channel of another workspace held back.
      const otherX = channelsOf.get(workspaces[1].workspaceId)![1];
      const nodes = await planNodes(CLAIM_DUE, ['test-owner', 60_000, 'x', limit, [otherX], null, new Date()]);
      const dueScans = nodes.filter((n) => n['Index Name'] === 'IDX_deliveries_due');
      expect(dueScans).toHaveLength(1);
      expect(dueScans[0]['Actual Rows']).toBeLessThanOrEqual(limit);
      // The one Sort left orders the claimed rows themselves, after the lock (ORDER BY claimed.due_at).
      expect(nodes.filter((n) => n['Node Type'] === 'Sort')).toHaveLength(1);
      expect(seqScans(nodes, 'deliveries')).toEqual([]);
      expect(nodes.find((n) => n['Node Type'] === 'ModifyTable')?.['Actual Rows']).toBe(limit);

      // Many workspaces' channels, a few held back: those are found through their indexes, not a scan of every channel.
      await client.query(
        `INSERT INTO channels (id, workspace_id, platform, name, handle, credentials_sealed, credential_fields, status, send_not_before)
         SELECT gen_random_uuid(), workspace_id, platform, name || g, handle, credentials_sealed, credential_fields,
                CASE WHEN g % 500 = 0 THEN 'needs_reauth' ELSE 'active' END,
                CASE WHEN g % 300 = 0 THEN now() + interval '1 minute' WHEN g % 7 = 0 THEN now() - interval '1 day' END
           FROM channels CROSS JOIN generate_series(1, 5000) g WHERE id = ANY($1::uuid[])`,
        [[mastodon, x]],
      );
      await client.query('ANALYZE channels');
      const heldBack = await planNodes(HELD_BACK_CHANNELS, ['x']);
      expect(seqScans(heldBack, 'channels')).toEqual([]);
      const { rows } = await client.query<{ id: string }>(HELD_BACK_CHANNELS, ['x']);
      // g % 300 (a wait still running) or g % 500 (needs_reauth), of 5,000: 16 + 10 - 3 both.
      expect(rows).toHaveLength(23);
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
  });

  it("leaves the gate's admission free to be a HOT update: no index covers what it changes, and pages keep room", async () => {
    // Admission (DispatchGate.enter) sets send_started_at and lease_expires_at, once per send: with neither indexed
    // and room on the page, PostgreSQL writes no index entry for it (npm run bench -- burst: 25 µs a row, was 30–44).
    const indexes = await t.sql<{ name: string; definition: string }>(
      `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition FROM pg_index WHERE indrelid = 'deliveries'::regclass`,
    );
    expect(indexes.filter((index) => /lease_expires_at|send_started_at/.test(index.definition))).toEqual([]);
    const [table] = await t.sql<{ options: string[] | null }>(`SELECT reloptions AS options FROM pg_class WHERE oid = 'deliveries'::regclass`);
    expect(table.options).toContain('fillfactor=80');

    const client = new Client({ connectionString: t.env.DATABASE_URL });
    await client.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO deliveries (workspace_id, post_id, channel_id, platform, state, due_at, lease_owner, lease_expires_at)
         SELECT workspace_id, post_id, channel_id, platform, 'publishing', now(), 'test-owner', now() + interval '1 minute'
           FROM deliveries WHERE state = 'cancelled' LIMIT 1
         RETURNING id`,
      );
      expect(rows).toHaveLength(1);
      await client.query(`UPDATE deliveries SET send_started_at = now(), lease_expires_at = now() + interval '2 minutes' WHERE id = $1`, [rows[0].id]);
      const { rows: hot } = await client.query<{ hot: string }>(`SELECT pg_stat_get_xact_tuples_hot_updated('deliveries'::regclass) AS hot`);
      expect(Number(hot[0].hot)).toBe(1);
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
  });
});
