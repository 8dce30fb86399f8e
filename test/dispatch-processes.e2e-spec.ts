// Exactly once and nothing lost, with real processes: three instances on one database, and a crash.
import { FakeXApi } from './fakes/x-api';
import { buildService, ServiceProcess } from './support/service-process';
import { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** Plans `count` posts on one channel, all due a moment from now (SQL: the API is not what this measures). */
async function seedBurst(t: TestApp, channelId: string, count: number, prefix: string): Promise<void> {
  await t.sql(
    `WITH planned AS (
       INSERT INTO posts (workspace_id, author_id, last_editor_id, text, scheduled_at, time_zone, status, content_hash)
       SELECT $1, $2, $2, $3 || g, now() + interval '2 seconds', 'UTC', 'scheduled', md5($3 || g)
         FROM generate_series(1, $4) AS g
       RETURNING id, scheduled_at)
     INSERT INTO deliveries (workspace_id, post_id, channel_id, platform, state, due_at)
     SELECT $1, id, $5, 'x', 'scheduled', scheduled_at FROM planned`,
    [t.admin.workspaceId, t.admin.memberId, prefix, count, channelId],
  );
}

async function countByState(t: TestApp): Promise<Record<string, number>> {
  const rows = await t.sql<{ state: string; n: string }>('SELECT state, count(*) AS n FROM deliveries GROUP BY state');
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

describe('dispatch with several service processes', () => {
  let fake: FakeXApi;
  let t: TestApp;
  let channelId: string;
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    buildService();
    fake = await FakeXApi.start();
    fake.rateLimit = 1_000_000_000;
    t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_ENABLED: 'false' } });
    const channel = await t.admin
      .post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: fake.oauth2Credentials() })
      .expect(201);
    channelId = channel.body.id;
  }, 120_000);

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  function spawnInstance(extra: Record<string, string> = {}): Promise<ServiceProcess> {
    return ServiceProcess.spawn({
      DATABASE_URL: t.env.DATABASE_URL!,
      HOLDFAST_SECRET_KEY: t.env.HOLDFAST_SECRET_KEY!,
      HOLDFAST_DATA_DIR: t.env.HOLDFAST_DATA_DIR,
      X_API_URL: fake.url,
      DISPATCH_TICK_MS: '100',
      ...extra,
    }).then((p) => {
      processes.push(p);
      return p;
    });
  }

  it('three processes dispatch 5,000 deliveries: each reaches the platform exactly once', async () => {
    await seedBurst(t, channelId, 5000, 'Three ');
    const instances = await Promise.all([spawnInstance(), spawnInstance(), spawnInstance()]);
    await Promise.all(instances.map((p) => p.healthy()));
    await waitFor('5,000 published', async () => (await countByState(t)).published === 5000 || undefined, 120_000, 250);
    const texts = fake.tweets.map((tweet) => tweet.text).filter((text) => text.startsWith('Three '));
    expect(texts).toHaveLength(5000);
    expect(new Set(texts).size).toBe(5000);
    const owners = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM deliveries WHERE lease_owner IS NOT NULL`);
    expect(Number(owners[0].n)).toBe(0);
  }, 180_000);

  it('a process killed mid-burst loses nothing and sends nothing twice; its sends in flight await verification, its claims never sent go out', async () => {
    // Slow answers keep a batch in flight for a long window, so the kill lands inside one.
    fake.latencyMs = 1500;
    const before = fake.tweets.length;
    await seedBurst(t, channelId, 400, 'Crash ');
    const victim = await spawnInstance({ DISPATCH_SEND_TIMEOUT_MS: '4000' });
    // Sends in flight = admitted at the gate (send_started_at committed before the request leaves), not only
    // claimed: a kill between a claim and its admission would find none, and under load that window is wide.
    await waitFor(
      'the burst under way, with sends in flight',
      async () => {
        if (fake.tweets.length - before < 16) {
          return undefined;
        }
        const [admitted] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM deliveries WHERE state = 'publishing' AND send_started_at IS NOT NULL`);
        return Number(admitted.n) >= 8 || undefined;
      },
      60_000,
      20,
    );
    await victim.stop('SIGKILL');
    // A statement the victim sent just before dying still commits: let those land before looking.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const inFlight = await t.sql<{ id: string }>(`SELECT id FROM deliveries WHERE state = 'publishing' AND send_started_at IS NOT NULL`);
    expect(inFlight.length).toBeGreaterThan(0);

    fake.latencyMs = 0;
    const survivor = await spawnInstance({ DISPATCH_SEND_TIMEOUT_MS: '4000' });
    await survivor.healthy();
    await waitFor(
      'every crash delivery settled',
      async () => {
        const states = await countByState(t);
        return !states.scheduled && !states.publishing ? states : undefined;
      },
      60_000,
      250,
    );
    const crashTexts = fake.tweets.map((tweet) => tweet.text).filter((text) => text.startsWith('Crash '));
    expect(new Set(crashTexts).size).toBe(crashTexts.length);

    const rows = await t.sql<{ id: string; state: string; text: string }>(
      `SELECT d.id, d.state, p.text FROM deliveries d JOIN posts p ON p.id = d.post_id WHERE p.text LIKE 'Crash %'`,
    );
    expect(rows).toHaveLength(400);
    expect(rows.every((r) => r.state === 'published' || r.state === 'needs_verification')).toBe(true);
    const verifying = new Set(rows.filter((r) => r.state === 'needs_verification').map((r) => r.id));
    expect([...verifying].sort()).toEqual(inFlight.map((r) => r.id).sort());
    for (const row of rows.filter((r) => r.state === 'published')) {
      expect(crashTexts.filter((text) => text === row.text)).toHaveLength(1);
    }
    const listed = await t.admin.get('/api/deliveries?state=needs_verification&limit=500').expect(200);
    expect(listed.body.map((d: { id: string }) => d.id).sort()).toEqual([...verifying].sort());
  }, 180_000);

  it('SIGTERM lets the sends in flight finish and be recorded before the process exits', async () => {
    fake.latencyMs = 1500;
    const before = fake.tweets.length;
    await seedBurst(t, channelId, 20, 'Drain ');
    const instance = await spawnInstance();
    // In flight = sends begun (send_started_at is committed before the request leaves); a delivery only
    // claimed when the signal lands may be handed back unsent instead, and goes out later.
    const started = `SELECT d.id FROM deliveries d JOIN posts p ON p.id = d.post_id
                      WHERE d.state = 'publishing' AND d.send_started_at IS NOT NULL AND p.text LIKE 'Drain %'`;
    await waitFor('sends in flight', async () => (await t.sql(started)).length > 0 || undefined, 60_000, 20);
    const inFlight = await t.sql<{ id: string }>(started);
    expect(await instance.stop('SIGTERM')).toBe(0);
    const after = await t.sql<{ id: string; state: string }>(`SELECT id, state FROM deliveries WHERE id = ANY($1)`, [inFlight.map((r) => r.id)]);
    expect(after.map((r) => r.state)).toEqual(inFlight.map(() => 'published'));
    // Nothing is left half-way, and what the platform received is exactly what is recorded as published.
    const drained = await t.sql<{ state: string; n: string }>(
      `SELECT d.state, count(*) AS n FROM deliveries d JOIN posts p ON p.id = d.post_id WHERE p.text LIKE 'Drain %' GROUP BY d.state`,
    );
    const byState = Object.fromEntries(drained.map((r) => [r.state, Number(r.n)]));
    expect(byState.publishing).toBeUndefined();
    expect((byState.published ?? 0) + (byState.scheduled ?? 0)).toBe(20);
    expect(fake.tweets.length - before).toBe(byState.published);
    fake.latencyMs = 0;
  }, 60_000);
});
