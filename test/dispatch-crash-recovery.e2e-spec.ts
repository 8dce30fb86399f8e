// A dispatching process killed mid-send, with real processes: the other instance sees its heartbeat stop
// and recovers its deliveries within seconds, not at lease expiry (two minutes with the default timeout).
import { Client } from 'pg';
import { GATE_LOCK_CLASS, gateKeySql } from '../src/dispatch/dispatch-gate';
import { FakeXApi } from './fakes/x-api';
import { buildService, ServiceProcess } from './support/service-process';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** Plans `count` posts of a workspace on one channel, due now (SQL: the API is not what this measures). */
async function seedDue(t: TestApp, owner: Caller, channelId: string, count: number, prefix: string): Promise<void> {
  await t.sql(
    `WITH planned AS (
       INSERT INTO posts (workspace_id, author_id, last_editor_id, text, scheduled_at, time_zone, status, content_hash)
       SELECT $1, $2, $2, $3 || g, now(), 'UTC', 'scheduled', md5($3 || g)
         FROM generate_series(1, $4) AS g
       RETURNING id, scheduled_at)
     INSERT INTO deliveries (workspace_id, post_id, channel_id, platform, state, due_at)
     SELECT $1, id, $5, 'x', 'scheduled', scheduled_at FROM planned`,
    [owner.workspaceId, owner.memberId, prefix, count, channelId],
  );
  await t.sql('NOTIFY holdfast_dispatch');
}

async function statesOf(t: TestApp, prefix: string): Promise<{ state: string; started: boolean; text: string }[]> {
  return t.sql(
    `SELECT d.state, d.send_started_at IS NOT NULL AS started, p.text FROM deliveries d JOIN posts p ON p.id = d.post_id WHERE p.text LIKE $1 || '%'`,
    [prefix],
  );
}

describe('a dispatching process killed mid-send', () => {
  let fake: FakeXApi;
  let t: TestApp;
  const processes: ServiceProcess[] = [];
  const gateHolder = (): Client => new Client({ connectionString: t.env.DATABASE_URL });

  beforeAll(async () => {
    buildService();
    fake = await FakeXApi.start();
    fake.rateLimit = 1_000_000_000;
    t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_ENABLED: 'false' } });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    await t.close();
    await fake.close();
  });

  function spawnInstance(): Promise<ServiceProcess> {
    return ServiceProcess.spawn({
      DATABASE_URL: t.env.DATABASE_URL!,
      HOLDFAST_SECRET_KEY: t.env.HOLDFAST_SECRET_KEY!,
      HOLDFAST_DATA_DIR: t.env.HOLDFAST_DATA_DIR,
      X_API_URL: fake.url,
      DISPATCH_TICK_MS: '100',
      // The default send timeout: a lease of 121 s, which only the heartbeat can beat.
    }).then((p) => {
      processes.push(p);
      return p;
    });
  }

  it('is recovered by another instance within seconds: its sends that started await verification, its claims never sent go out once', async () => {
    const sending = t.admin;
    const waiting = await t.otherWorkspace('Waiting at the gate');
    const xSending = (await sending.post('/api/channels', { platform: 'x', name: 'X', handle: '@sending', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
    const xWaiting = (await waiting.post('/api/channels', { platform: 'x', name: 'X', handle: '@waiting', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
    // X never answers the first eight requests: they are in flight when the victim dies.
    for (let i = 0; i < 8; i++) {
      fake.failNext('POST /2/tweets', { hang: true });
    }
    const victim = await spawnInstance();
    await victim.healthy();

    await seedDue(t, sending, xSending, 8, 'Sent ');
    await waitFor('eight sends in flight', () => fake.requestsTo('POST /2/tweets').length === 8 || undefined, 30_000, 20);
    // The second workspace's X gate is held closed: the victim claims its deliveries and waits there, sending none.
    const holder = gateHolder();
    await holder.connect();
    await holder.query(`SELECT pg_advisory_lock($1, ${gateKeySql('$2::text', "'x'")})`, [GATE_LOCK_CLASS, waiting.workspaceId]);
    await seedDue(t, waiting, xWaiting, 8, 'Claimed ');
    await waitFor('eight claimed, waiting at the gate', async () => (await statesOf(t, 'Claimed ')).filter((r) => r.state === 'publishing').length === 8 || undefined, 30_000, 20);

    const survivor = await spawnInstance();
    await survivor.healthy();
    await victim.stop('SIGKILL');
    const killedAt = Date.now();
    await holder.end();

    const settled = await waitFor(
      'every delivery of the dead instance settled',
      async () => {
        const rows = [...(await statesOf(t, 'Sent ')), ...(await statesOf(t, 'Claimed '))];
        return rows.every((r) => r.state !== 'publishing' && r.state !== 'scheduled') ? rows : undefined;
      },
      60_000,
      100,
    );
    const recoveredWithin = Date.now() - killedAt;
    expect(recoveredWithin).toBeLessThan(15_000);
    expect(settled.filter((r) => r.text.startsWith('Sent ')).map((r) => r.state)).toEqual(Array(8).fill('needs_verification'));
    expect(settled.filter((r) => r.text.startsWith('Claimed ')).map((r) => r.state)).toEqual(Array(8).fill('published'));
    const texts = fake.requestsTo('POST /2/tweets').map((r) => (r.body as { text: string }).text);
    expect(texts.filter((text) => text.startsWith('Sent '))).toHaveLength(8);
    const claimed = texts.filter((text) => text.startsWith('Claimed '));
    expect(claimed).toHaveLength(8);
    expect(new Set(claimed).size).toBe(8);
  }, 180_000);
});
