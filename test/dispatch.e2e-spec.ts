// The dispatch engine against a local X: on time, once, retried as the platform asks, recovered after a crash.
import { Client } from 'pg';
import { DispatchGate } from '../src/dispatch/dispatch-gate';
import { Dispatcher } from '../src/dispatch/dispatcher';
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface DeliveryBody {
  id: string;
  state: string;
  attempts: number;
  lastError: string | null;
  platformPostId: string | null;
  url: string | null;
}

describe('dispatch to X', () => {
  let fake: FakeXApi;
  let t: TestApp;
  let marketer: Caller;
  let channelId: string;

  beforeAll(async () => {
    fake = await FakeXApi.start();
    t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100', DISPATCH_SEND_TIMEOUT_MS: '2000' } });
    marketer = await t.member('marketer');
    const channel = await t.admin
      .post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials: fake.oauth2Credentials() })
      .expect(201);
    channelId = channel.body.id;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  async function publishNow(text: string): Promise<string> {
    const res = await marketer.post('/api/posts', { text, channelIds: [channelId], publishNow: true }).expect(201);
    return res.body.id;
  }

  async function settled(postId: string, states = ['published', 'failed', 'needs_verification']): Promise<DeliveryBody> {
    return waitFor(`post ${postId} to settle`, async () => {
      const res = await marketer.get(`/api/posts/${postId}`).expect(200);
      const [delivery] = res.body.deliveries as DeliveryBody[];
      return states.includes(delivery.state) ? delivery : undefined;
    });
  }

  it('publishes a due post once, recording the platform id and URL', async () => {
    const postId = await publishNow('Hello from Holdfast');
    const delivery = await settled(postId);
    expect(delivery).toMatchObject({ state: 'published', attempts: 1, lastError: null });
    const tweets = fake.tweets.filter((tweet) => tweet.text === 'Hello from Holdfast');
    expect(tweets).toHaveLength(1);
    expect(delivery.platformPostId).toBe(tweets[0].id);
    expect(delivery.url).toBe(`https://x.com/brand/status/${tweets[0].id}`);
  });

  it('waits for the rate-limit reset before sending again', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 2;
    fake.failNext('POST /2/tweets', { status: 429, reset });
    const postId = await publishNow('After the reset');
    const delivery = await settled(postId);
    expect(delivery).toMatchObject({ state: 'published' });
    const attempts = fake.requestsTo('POST /2/tweets').filter((r) => (r.body as { text?: string }).text === 'After the reset');
    expect(attempts).toHaveLength(2);
    expect(attempts[1].receivedAt).toBeGreaterThanOrEqual(reset * 1000);
  });

  it('backs off after a 5xx, then succeeds', async () => {
    fake.failNext('POST /2/tweets', { status: 503 });
    const postId = await publishNow('Retry me');
    const delivery = await settled(postId);
    expect(delivery).toMatchObject({ state: 'published', attempts: 2 });
    const attempts = fake.requestsTo('POST /2/tweets').filter((r) => (r.body as { text?: string }).text === 'Retry me');
    expect(attempts).toHaveLength(2);
    expect(attempts[1].receivedAt - attempts[0].receivedAt).toBeGreaterThanOrEqual(1000);
  });

  it('never re-sends a send that timed out (X may have published it): a person verifies it', async () => {
    fake.failNext('POST /2/tweets', { delayMs: 3000 });
    const postId = await publishNow('Slow platform');
    const delivery = await settled(postId);
    expect(delivery).toMatchObject({ state: 'needs_verification', attempts: 1 });
    expect(delivery.lastError).toContain('unknown');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(fake.requestsTo('POST /2/tweets').filter((r) => (r.body as { text?: string }).text === 'Slow platform')).toHaveLength(1);
  });

  it("fails at once on a 400 or 403, with X's reason", async () => {
    fake.failNext('POST /2/tweets', { status: 403, detail: 'You are not permitted to perform this action.' });
    const postId = await publishNow('Forbidden words');
    const delivery = await settled(postId);
    expect(delivery).toMatchObject({ state: 'failed', attempts: 1 });
    expect(delivery.lastError).toContain('You are not permitted to perform this action.');
  });

  it("recovers a dead sender's delivery as needs_verification (X has no idempotency key), listed by the API", async () => {
    const res = await marketer.post('/api/posts', { text: 'Sender died', channelIds: [channelId], scheduledAt: new Date(Date.now() + 3600_000).toISOString() }).expect(201);
    const deliveryId = res.body.deliveries[0].id;
    await t.sql(
      `UPDATE deliveries SET state = 'publishing', lease_owner = 'dead-instance', attempts = 1, send_started_at = now(), lease_expires_at = now() - interval '1 second' WHERE id = $1`,
      [deliveryId],
    );
    const delivery = await settled(res.body.id, ['needs_verification']);
    expect(delivery.lastError).toContain('whether it was published is unknown');
    const listed = await marketer.get('/api/deliveries?state=needs_verification').expect(200);
    expect(listed.body.map((d: { id: string }) => d.id)).toContain(deliveryId);
    expect(fake.tweets.some((tweet) => tweet.text === 'Sender died')).toBe(false);
  });

  it('lets a person settle what the engine could not: confirm, resend or drop', async () => {
    const plan = async (text: string): Promise<{ postId: string; deliveryId: string }> => {
      const res = await marketer.post('/api/posts', { text, channelIds: [channelId], scheduledAt: new Date(Date.now() + 3600_000).toISOString() }).expect(201);
      const deliveryId = res.body.deliveries[0].id;
      await t.sql(`UPDATE deliveries SET state = 'needs_verification', attempts = 1 WHERE id = $1`, [deliveryId]);
      return { postId: res.body.id, deliveryId };
    };
    const confirmed = await plan('Was it posted?');
    const viewer = await t.member('viewer');
    await viewer.post(`/api/deliveries/${confirmed.deliveryId}/resolve`, { outcome: 'published', note: 'seen' }).expect(403);
    await marketer.post(`/api/deliveries/${confirmed.deliveryId}/resolve`, { outcome: 'published' }).expect(400);
    const done = await marketer
      .post(`/api/deliveries/${confirmed.deliveryId}/resolve`, { outcome: 'published', note: 'Found it on the profile', url: 'https://x.com/brand/status/1' })
      .expect(200);
    expect(done.body).toMatchObject({ state: 'published', url: 'https://x.com/brand/status/1' });
    await marketer.post(`/api/deliveries/${confirmed.deliveryId}/resolve`, { outcome: 'resend', note: 'again' }).expect(409);

    const resent = await plan('Not there, send again');
    await marketer.post(`/api/deliveries/${resent.deliveryId}/resolve`, { outcome: 'resend', note: 'Not on the profile' }).expect(200);
    expect((await settled(resent.postId)).state).toBe('published');
    expect(fake.tweets.filter((tweet) => tweet.text === 'Not there, send again')).toHaveLength(1);

    const dropped = await plan('Drop me');
    const res = await marketer.post(`/api/deliveries/${dropped.deliveryId}/resolve`, { outcome: 'drop', note: 'Out of date' }).expect(200);
    expect(res.body.state).toBe('cancelled');
    const audit = await t.admin.get(`/api/audit?targetId=${dropped.deliveryId}`).expect(200);
    expect(audit.body.items[0]).toMatchObject({ action: 'delivery.resolved_drop', reason: 'Out of date', actorId: marketer.memberId });
  });

  it('shows its work in /metrics: deliveries by state, lateness, sends by outcome', async () => {
    const res = await t.anonymous.get('/metrics').expect(200);
    expect(res.text).toMatch(/holdfast_deliveries\{state="published"\} [1-9]/);
    expect(res.text).toMatch(/holdfast_dispatch_lateness_seconds_count\{platform="x"\} [1-9]/);
    expect(res.text).toMatch(/holdfast_sends_total\{platform="x",outcome="failed"\} [1-9]/);
  });

  it('sends nothing before its time', async () => {
    const at = new Date(Date.now() + 1500);
    const res = await marketer.post('/api/posts', { text: 'On the dot', channelIds: [channelId], scheduledAt: at.toISOString() }).expect(201);
    await settled(res.body.id);
    const [request] = fake.requestsTo('POST /2/tweets').filter((r) => (r.body as { text?: string }).text === 'On the dot');
    expect(request.receivedAt).toBeGreaterThanOrEqual(at.getTime());
    expect(request.receivedAt - at.getTime()).toBeLessThan(1500);
  });
});

describe('the dispatch gate', () => {
  it('closes only after the sends in flight are recorded, and admits none while closed', async () => {
    const fake = await FakeXApi.start();
    const t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '50' } });
    try {
      const channel = await t.admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@b', credentials: fake.oauth2Credentials() }).expect(201);
      const marketer = await t.member('marketer');
      fake.latencyMs = 1000;
      const first = await marketer.post('/api/posts', { text: 'In flight', channelIds: [channel.body.id], publishNow: true }).expect(201);
      await waitFor('the send in flight', () => fake.requestsTo('POST /2/tweets').length === 1 || undefined, 5000, 10);
      const gate = t.app.get(DispatchGate);
      let second = '';
      const seenInside = await gate.whileClosed(t.admin.workspaceId, null, async (manager) => {
        const [row] = await manager.query<{ state: string }[]>('SELECT state FROM deliveries WHERE post_id = $1', [first.body.id]);
        const created = await marketer.post('/api/posts', { text: 'While closed', channelIds: [channel.body.id], publishNow: true }).expect(201);
        second = created.body.id;
        await new Promise((resolve) => setTimeout(resolve, 700));
        expect(fake.requestsTo('POST /2/tweets')).toHaveLength(1);
        return row.state;
      });
      const opened = Date.now();
      expect(seenInside).toBe('published');
      await waitFor('the second send', () => fake.tweets.find((tweet) => tweet.text === 'While closed'), 5000, 10);
      expect(fake.requestsTo('POST /2/tweets')[1].receivedAt).toBeGreaterThanOrEqual(opened - 5);
      expect(second).not.toBe('');
    } finally {
      await t.close();
      await fake.close();
    }
  });
});

describe('dispatch wake-up', () => {
  it('sends a post due now at once, without waiting for the next tick (LISTEN/NOTIFY)', async () => {
    const fake = await FakeXApi.start();
    const t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '60000' } });
    try {
      const channel = await t.admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@b', credentials: fake.oauth2Credentials() }).expect(201);
      const marketer = await t.member('marketer');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sent = Date.now();
      await marketer.post('/api/posts', { text: 'Right now', channelIds: [channel.body.id], publishNow: true }).expect(201);
      await waitFor('the tweet', () => fake.tweets.find((tweet) => tweet.text === 'Right now'), 5000, 10);
      expect(fake.requestsTo('POST /2/tweets')[0].receivedAt - sent).toBeLessThan(2000);
    } finally {
      await t.close();
      await fake.close();
    }
  });

  it('sends a post due in a moment on its time, not at the next tick', async () => {
    const fake = await FakeXApi.start();
    const t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '60000' } });
    try {
      const channel = await t.admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@b', credentials: fake.oauth2Credentials() }).expect(201);
      const marketer = await t.member('marketer');
      const dueAt = Date.now() + 2000;
      await marketer.post('/api/posts', { text: 'In two seconds', channelIds: [channel.body.id], scheduledAt: new Date(dueAt).toISOString() }).expect(201);
      await waitFor('the tweet', () => fake.tweets.find((tweet) => tweet.text === 'In two seconds'), 10_000, 10);
      const receivedAt = fake.requestsTo('POST /2/tweets')[0].receivedAt;
      expect(receivedAt).toBeGreaterThanOrEqual(dueAt);
      expect(receivedAt - dueAt).toBeLessThan(1000);
    } finally {
      await t.close();
      await fake.close();
    }
  });
});

describe('dispatch across instances', () => {
  it('sends each of 300 deliveries exactly once when three instances share the database', async () => {
    const fake = await FakeXApi.start();
    fake.rateLimit = 1_000_000;
    fake.latencyMs = 20;
    const env = { X_API_URL: fake.url, DISPATCH_TICK_MS: '100', DISPATCH_CONCURRENCY: '8' };
    const first = await TestApp.start({ env, sameDatabaseAs: undefined });
    const second = await TestApp.start({ env, sameDatabaseAs: first });
    const third = await TestApp.start({ env, sameDatabaseAs: first });
    try {
      const channel = await first.admin
        .post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: fake.oauth2Credentials() })
        .expect(201);
      const marketer = await first.member('marketer');
      const later = new Date(Date.now() + 3600_000).toISOString();
      for (let i = 0; i < 300; i++) {
        await marketer.post('/api/posts', { text: `Burst ${i}`, channelIds: [channel.body.id], scheduledAt: later }).expect(201);
      }
      // All due at the same instant, and every instance told at once.
      await first.sql(`UPDATE deliveries SET due_at = now()`);
      await first.sql(`NOTIFY holdfast_dispatch`);
      await waitFor('all 300 published', async () => {
        const [row] = await first.sql<{ n: string }>(`SELECT count(*) AS n FROM deliveries WHERE state = 'published'`);
        return Number(row.n) === 300 || undefined;
      }, 60_000, 200);
      const texts = fake.tweets.map((tweet) => tweet.text);
      expect(texts).toHaveLength(300);
      expect(new Set(texts).size).toBe(300);
    } finally {
      await third.close();
      await second.close();
      await first.close();
      await fake.close();
    }
  }, 90_000);
});

describe('dispatch shutdown', () => {
  it('lets a claim under way finish at shutdown and hands back, unsent, what it took', async () => {
    const fake = await FakeXApi.start();
    // No interval tick during the test: the only pass is the one started below.
    const t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '60000' }, captureLogs: true });
    const blocker = new Client({ connectionString: t.env.DATABASE_URL });
    try {
      const channel = await t.admin
        .post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: fake.oauth2Credentials() })
        .expect(201);
      const marketer = await t.member('marketer');
      const later = new Date(Date.now() + 3600_000).toISOString();
      const post = await marketer.post('/api/posts', { text: 'Claimed at shutdown', channelIds: [channel.body.id], scheduledAt: later }).expect(201);
      const deliveryId: string = post.body.deliveries[0].id;
      await t.sql(`UPDATE deliveries SET due_at = now() WHERE id = $1`, [deliveryId]);

      // The claim reads posts with the deliveries it takes: it waits on this lock, so it commits only after the shutdown has begun.
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE posts IN ACCESS EXCLUSIVE MODE');
      const passing = t.app.get(Dispatcher).tick();
      await waitFor('the claim to wait on the lock', async () => {
        const rows = await blocker.query(`SELECT 1 FROM pg_locks WHERE relation = 'posts'::regclass AND NOT granted`);
        return rows.rowCount! > 0 || undefined;
      });
      const closing = t.app.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await blocker.query('COMMIT');
      await Promise.all([passing, closing]);

      const [row] = (await blocker.query(`SELECT state, attempts, lease_owner FROM deliveries WHERE id = $1`, [deliveryId])).rows as {
        state: string;
        attempts: number;
        lease_owner: string | null;
      }[];
 expect(row).toEqual({ state: 'scheduled', attempts: 0, lease_owner: null });
      expect(fake.tweets.filter((tweet) => tweet.text === 'Claimed at shutdown')).toHaveLength(0);
    } finally {
      await blocker.end();
      await t.close();
      await fake.close();
    }
  }, 60_000);
});
