// What the engine promises when people and failures get in the way of a send: a cancel or a rejection
// means never, a gate pass outlives every send of its batch, a lease outlives its send, a dead sender's
// deliveries are recovered within seconds at their planned time, and the crisis switch's deadline
// aborts what still hangs.
import { DispatchGate, GATE_CLOSING_CHANNEL, type GateClosing } from '../src/dispatch/dispatch-gate';
import { Dispatcher } from '../src/dispatch/dispatcher';
import { DISPATCH_LISTENER } from '../src/dispatch/dispatch-channel';
import { FakeMastodonApi } from './fakes/mastodon-api';
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface DeliveryBody {
  id: string;
  channelId: string;
  platform: string;
  state: string;
  attempts: number;
  dueAt: string;
  lastError: string | null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const inOneHour = (): string => new Date(Date.now() + 3600_000).toISOString();

function tweetRequests(fake: FakeXApi, text: string): number {
  return fake.requestsTo('POST /2/tweets').filter((r) => (r.body as { text?: string }).text === text).length;
}

async function deliveriesOf(caller: Caller, postId: string): Promise<DeliveryBody[]> {
  const res = await caller.get(`/api/posts/${postId}`).expect(200);
  return res.body.deliveries as DeliveryBody[];
}

async function deliveryIn(caller: Caller, postId: string, states: string[], timeoutMs = 15_000, platform?: string): Promise<DeliveryBody> {
  return waitFor(
    `a delivery of post ${postId} in ${states.join('|')}`,
    async () => (await deliveriesOf(caller, postId)).find((d) => states.includes(d.state) && (!platform || d.platform === platform)),
    timeoutMs,
  );
}

describe('a cancel or a rejection means never', () => {
  let fake: FakeXApi;
  let mastodon: FakeMastodonApi;
  let t: TestApp;
  let marketer: Caller;
  let approver: Caller;
  let lead: Caller;
  let x: string;
  let m: string;

  beforeAll(async () => {
    fake = await FakeXApi.start();
    mastodon = await FakeMastodonApi.start();
    t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100', DISPATCH_SEND_TIMEOUT_MS: '8000' } });
    marketer = await t.member('marketer');
    approver = await t.member('approver');
    lead = await t.member('crisis_lead');
    x = (await t.admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
    m = (
      await t.admin
        .post('/api/channels', { platform: 'mastodon', name: 'Mastodon', handle: '@brand@mastodon.example', credentials: mastodon.credentials() })
        .expect(201)
    ).body.id;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
    await mastodon.close();
  });

  it('a post cancelled while X holds its send and answers 503 is never sent again; the answer names the send in flight', async () => {
    const text = 'Cancelled mid-send';
    fake.failNext('POST /2/tweets', { status: 503, delayMs: 2000 });
    const created = await marketer.post('/api/posts', { text, channelIds: [x], publishNow: true }).expect(201);
    const deliveryId: string = created.body.deliveries[0].id;
    await waitFor('the send in flight', () => tweetRequests(fake, text) === 1 || undefined, 10_000, 10);

    const res = await marketer.delete(`/api/posts/${created.body.id}`).expect(200);

    // Longer than the retry's backoff (1-2 s after a first failure): nothing else leaves.
    await sleep(4000);
    expect(tweetRequests(fake, text)).toBe(1);
    const [delivery] = await deliveriesOf(marketer, created.body.id);
    expect(delivery.state).toBe('cancelled');
    expect(delivery.lastError).toContain('not retried: the post was cancelled while it was being sent');
    expect(res.body.status).toBe('cancelled');
    expect(res.body.inFlight).toEqual([{ deliveryId, channelId: x, platform: 'x', outcome: 'in_flight' }]);
  });

  it('a person cannot resend a delivery of a cancelled post whose outcome is unknown; they can confirm or drop it', async () => {
    const created = await marketer.post('/api/posts', { text: 'Unknown, then cancelled', channelIds: [x], scheduledAt: inOneHour() }).expect(201);
    const deliveryId: string = created.body.deliveries[0].id;
    await t.sql(`UPDATE deliveries SET state = 'needs_verification', attempts = 1 WHERE id = $1`, [deliveryId]);
    await marketer.delete(`/api/posts/${created.body.id}`).expect(200);

    const refused = await marketer.post(`/api/deliveries/${deliveryId}/resolve`, { outcome: 'resend', note: 'try again' }).expect(409);
    expect(refused.body.message).toContain('cancelled post');
    const dropped = await marketer.post(`/api/deliveries/${deliveryId}/resolve`, { outcome: 'drop', note: 'not there' }).expect(200);
    expect(dropped.body.state).toBe('cancelled');
  });

  it('a post cancelled while its claimed delivery waits at the gate is refused there and never sent', async () => {
    const text = 'Cancelled at the gate';
    const gate = t.app.get(DispatchGate);
    let postId = '';
    await gate.whileClosed(t.admin.workspaceId, ['x'], async () => {
      const created = await marketer.post('/api/posts', { text, channelIds: [x], publishNow: true }).expect(201);
      postId = created.body.id;
      await deliveryIn(marketer, postId, ['publishing']);
      const res = await marketer.delete(`/api/posts/${postId}`).expect(200);
      expect(res.body.inFlight).toEqual([]);
      expect(res.body.deliveries.map((d: DeliveryBody) => d.state)).toEqual(['cancelled']);
    });
    await waitFor('the refused batch handed back', async () => {
      const [row] = await t.sql<{ lease_owner: string | null }>('SELECT lease_owner FROM deliveries WHERE post_id = $1', [postId]);
      return row.lease_owner === null || undefined;
    });
    await t.app.get(Dispatcher).idle();
    expect(tweetRequests(fake, text)).toBe(0);
    const [delivery] = await deliveriesOf(marketer, postId);
    expect(delivery).toMatchObject({ state: 'cancelled', attempts: 0 });
  });

  it('a post sent back while X holds its send and answers 503 waits for an edit and a new sign-off; the answer names the send in flight', async () => {
    // A crisis holding Mastodon: a post on X and Mastodon goes out on X and waits for the crisis's sign-off on Mastodon.
    await lead.post('/api/crisis/activate', { reason: 'Mastodon thread going badly', level: 1, platforms: ['mastodon'] }).expect(201);
    try {
      const text = 'Sent back mid-send';
      fake.failNext('POST /2/tweets', { status: 503, delayMs: 2000 });
      const created = await marketer.post('/api/posts', { text, channelIds: [x, m], publishNow: true }).expect(201);
      const xDelivery = (created.body.deliveries as DeliveryBody[]).find((d) => d.platform === 'x')!;
      await waitFor('the send in flight', () => tweetRequests(fake, text) === 1 || undefined, 10_000, 10);

      const res = await approver.post(`/api/posts/${created.body.id}/reject`, { comment: 'Not while the thread runs' }).expect(200);

      await sleep(4000);
      expect(tweetRequests(fake, text)).toBe(1);
      const deliveries = await deliveriesOf(marketer, created.body.id);
      expect(deliveries.map((d) => `${d.platform}:${d.state}`).sort()).toEqual(['mastodon:pending_approval', 'x:pending_approval']);
      expect(deliveries.find((d) => d.platform === 'x')!.lastError).toContain('not retried: the post was sent back while it was being sent');
      expect(res.body.post.status).toBe('rejected');
      expect(res.body.inFlight).toEqual([{ deliveryId: xDelivery.id, channelId: x, platform: 'x', outcome: 'in_flight' }]);
      expect(mastodon.requestsTo('POST /api/v1/statuses')).toHaveLength(0);
    } finally {
      await lead.post('/api/crisis/deactivate', { note: 'test cleanup' }).expect(200);
    }
  });
});

describe('a cancel racing the send', () => {
  it('of 24 posts cancelled at random moments around their send, none reaches X after its cancel answered but the one send named in flight', async () => {
    const fake = await FakeXApi.start();
    const t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '50', DISPATCH_SEND_TIMEOUT_MS: '8000' } });
    try {
      const marketer = await t.member('marketer');
      const x = (await t.admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
      // Every send fails retryably after a moment: only a cancel that missed it could let a retry out.
      fake.latencyMs = 400;
      for (let i = 0; i < 48; i++) {
        fake.failNext('POST /2/tweets', { status: 503 });
      }
      const outcomes = await Promise.all(
        Array.from({ length: 24 }, async (_, i) => {
          const text = `Race ${i}`;
          const created = await marketer.post('/api/posts', { text, channelIds: [x], publishNow: true }).expect(201);
          if (i % 2 === 0) {
            await sleep(Math.floor(Math.random() * 300));
          } else {
            // Half are cancelled once their send has reached X (it answers after latencyMs): the race's in-flight side
            // happens on a loaded machine too, where a random moment may fall before every claim.
            await waitFor(`a send of ${text} at X`, () => Promise.resolve(fake.requestsTo('POST /2/tweets').some((r) => (r.body as { text?: string }).text === text) || undefined), 10_000, 5);
          }
          const res = await marketer.delete(`/api/posts/${created.body.id}`).expect(200);
          return { text, postId: created.body.id as string, named: ((res.body.inFlight ?? []) as unknown[]).length === 1, answeredAt: Date.now() };
        }),
      );
      await waitFor('every delivery cancelled', async () => {
        const rows = await t.sql<{ state: string }>(`SELECT state FROM deliveries WHERE post_id = ANY($1)`, [outcomes.map((o) => o.postId)]);
        return rows.every((r) => r.state === 'cancelled') || undefined;
      }, 20_000);
      await sleep(2500); // past a retry's backoff
      await t.app.get(Dispatcher).idle();
      for (const { text, named, answeredAt } of outcomes) {
        const requests = fake.requestsTo('POST /2/tweets').filter((r) => (r.body as { text?: string }).text === text);
        // Named: its one send was under way. Not named: it was refused at the gate, never claimed, or its send had
        // already failed (and waited to be retried) before the cancel: nothing of it arrives after the answer.
        // (A send that failed before the cancel may have been retried before it too, under a slow machine: earlier
        // requests are the post's own history; only what arrives after the answer matters.)
        const late = requests.filter((r) => r.receivedAt > answeredAt).length;
        expect({ text, late }).toEqual({ text, late: named ? Math.min(late, 1) : 0 });
      }
      // The race had both sides: sends caught in flight, and posts cancelled before any send.
      expect(outcomes.some((o) => o.named)).toBe(true);
      expect(outcomes.some((o) => !o.named)).toBe(true);
    } finally {
      await t.close();
      await fake.close();
    }
  }, 60_000);
});

describe('a gate pass outlives every send of its batch', () => {
  let fake: FakeXApi;
  let t: TestApp;
  let marketer: Caller;
  let lead: Caller;
  let x: string;

  beforeAll(async () => {
    fake = await FakeXApi.start();
    t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100', DISPATCH_SEND_TIMEOUT_MS: '10000' } });
    marketer = await t.member('marketer');
    lead = await t.member('crisis_lead');
    x = (await t.admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  /** Plans posts for later, then makes them all due at one instant, so one claim takes them as one batch. */
  async function dueTogether(posts: { text: string; channelId: string }[]): Promise<string[]> {
    const ids: string[] = [];
    for (const { text, channelId } of posts) {
      ids.push((await marketer.post('/api/posts', { text, channelIds: [channelId], scheduledAt: inOneHour() }).expect(201)).body.id);
    }
    await t.sql(`UPDATE deliveries SET due_at = now() WHERE post_id = ANY($1)`, [ids]);
    await t.sql(`NOTIFY holdfast_dispatch`);
    return ids;
  }

  it('a recorder write that fails once keeps the gate closed to the switch until every send of the batch is recorded', async () => {
    // One write of a published outcome fails, as a connection reset or a deadlock would.
    await t.sql('CREATE SEQUENCE test_record_failures');
    await t.sql(`CREATE FUNCTION test_fail_one_record() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.state = 'publishing' AND NEW.state = 'published' THEN
          IF nextval('test_record_failures') = 1 THEN
            RAISE EXCEPTION 'test: the write of an outcome fails once';
          END IF;
        END IF;
        RETURN NEW;
      END $$`);
    await t.sql('CREATE TRIGGER test_fail_one_record BEFORE UPDATE ON deliveries FOR EACH ROW EXECUTE FUNCTION test_fail_one_record()');
    try {
      // The first answered at once (its record fails), the three others a second later (within the switch's deadline
      // for sends in flight, CRISIS_INFLIGHT_DEADLINE_MS, 2 s by default, once the switch aborts at it).
      fake.failNext('POST /2/tweets', {});
      for (let i = 0; i < 3; i++) {
        fake.failNext('POST /2/tweets', { delayMs: 1000 });
      }
      const texts = ['Batch 1', 'Batch 2', 'Batch 3', 'Batch 4'];
      const ids = await dueTogether(texts.map((text) => ({ text, channelId: x })));
      await waitFor('the failed write', async () => {
        const [row] = await t.sql<{ is_called: boolean }>('SELECT is_called FROM test_record_failures');
        return row.is_called || undefined;
      }, 15_000, 5);

      await lead.post('/api/crisis/activate', { reason: 'Tragedy in the news', level: 1 }).expect(201);
      const sentAtAnswer = fake.requestsTo('POST /2/tweets').length;
      const publishedAtAnswer = fake.tweets.length;

      // Every send of the batch was answered and recorded before the switch answered.
      expect(sentAtAnswer).toBe(4);
      expect(publishedAtAnswer).toBe(4);
      const rows = await waitFor('every delivery recorded', async () => {
        const found = await t.sql<{ state: string }>('SELECT state FROM deliveries WHERE post_id = ANY($1)', [ids]);
        return found.every((r) => r.state === 'published') ? found : undefined;
      });
      expect(rows).toHaveLength(4);
      await t.app.get(Dispatcher).idle();
      expect(fake.requestsTo('POST /2/tweets')).toHaveLength(4);
    } finally {
      await t.sql('DROP TRIGGER test_fail_one_record ON deliveries');
      await t.sql('DROP FUNCTION test_fail_one_record()');
      await t.sql('DROP SEQUENCE test_record_failures');
      await lead.post('/api/crisis/deactivate', { note: 'test cleanup' });
    }
  });

  it("a channel whose credentials cannot be opened fails its deliveries at once, unsent, while the rest of the batch goes out", async () => {
    const broken = (await t.admin.post('/api/channels', { platform: 'x', name: 'Old X', handle: '@old', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
    // Sealed for another channel: the key check fails, as after a change of HOLDFAST_SECRET_KEY.
    await t.sql('UPDATE channels SET credentials_sealed = (SELECT credentials_sealed FROM channels WHERE id = $2) WHERE id = $1', [broken, x]);
    const [good, bad] = await dueTogether([
      { text: 'Good channel', channelId: x },
      { text: 'Broken channel', channelId: broken },
    ]);

    const failed = await deliveryIn(marketer, bad, ['failed', 'needs_verification', 'published']);
    expect(failed).toMatchObject({ state: 'failed', attempts: 0 });
    expect(failed.lastError).toContain("stored credentials cannot be opened");
    expect((await deliveryIn(marketer, good, ['published', 'failed', 'needs_verification'])).state).toBe('published');
    expect(tweetRequests(fake, 'Broken channel')).toBe(0);
    expect(tweetRequests(fake, 'Good channel')).toBe(1);
  });
});

describe('a lease outlives its send', () => {
  it('a batch admitted late after a long wait at the gate is not recovered mid-send by another instance (Mastodon sent once)', async () => {
    const mastodon = await FakeMastodonApi.start();
    // Lease: 2 × 6 s + 1 s = 13 s from the claim (and, with the fix, from admission).
    const env = { DISPATCH_TICK_MS: '100', DISPATCH_SEND_TIMEOUT_MS: '6000' };
    const first = await TestApp.start({ env });
    const second = await TestApp.start({ env, sameDatabaseAs: first });
    try {
      const marketer = await first.member('marketer');
      const channel = await first.admin
        .post('/api/channels', { platform: 'mastodon', name: 'Mastodon', handle: '@brand@mastodon.example', credentials: mastodon.credentials() })
        .expect(201);
      // Answered after 4.5 s: within the send timeout, but past the claim's lease when admitted 10 s after the claim.
      mastodon.failNext('POST /api/v1/statuses', { delayMs: 4500 });
      let postId = '';
      await first.app.get(DispatchGate).whileClosed(first.admin.workspaceId, ['mastodon'], async () => {
        const created = await marketer.post('/api/posts', { text: 'Admitted late', channelIds: [channel.body.id], publishNow: true }).expect(201);
        postId = created.body.id;
        await deliveryIn(marketer, postId, ['publishing']);
        await sleep(10_000);
      });
      const delivery = await deliveryIn(marketer, postId, ['published', 'failed', 'needs_verification'], 30_000);
      expect(delivery).toMatchObject({ state: 'published', attempts: 1 });
      await Promise.all([first.app.get(Dispatcher).idle(), second.app.get(Dispatcher).idle()]);
      expect(mastodon.requestsTo('POST /api/v1/statuses')).toHaveLength(1);
    } finally {
      await second.close();
      await first.close();
      await mastodon.close();
    }
  }, 90_000);
});

describe("a dead sender's deliveries", () => {
  let fake: FakeXApi;
  let t: TestApp;
  let marketer: Caller;
  let x: string;

  beforeAll(async () => {
    fake = await FakeXApi.start();
    t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100', DISPATCH_SEND_TIMEOUT_MS: '30000', DISPATCH_HEARTBEAT_MS: '400' } });
    marketer = await t.member('marketer');
    x = (await t.admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  /** A post whose delivery an instance that no longer runs had taken (no heartbeat), its lease still long. */
  async function takenByDeadInstance(
    text: string,
    scheduledAt: string,
    sendStarted: boolean,
    leaseExpired = false,
    owner = 'dead-instance',
  ): Promise<{ postId: string; deliveryId: string }> {
    const res = await marketer.post('/api/posts', { text, channelIds: [x], scheduledAt }).expect(201);
    const deliveryId: string = res.body.deliveries[0].id;
    await t.sql(
      `UPDATE deliveries SET state = 'publishing', lease_owner = $4, attempts = 1,
              lease_expires_at = now() + CASE WHEN $3 THEN interval '-1 second' ELSE interval '1 hour' END,
              send_started_at = CASE WHEN $2 THEN now() END
        WHERE id = $1`,
      [deliveryId, sendStarted, leaseExpired, owner],
    );
    return { postId: res.body.id, deliveryId };
  }

  it('keeps the planned time when an expired lease is recovered', async () => {
    const planned = inOneHour();
    const { postId } = await takenByDeadInstance('Lease ran out', planned, true, true);
    const delivery = await deliveryIn(marketer, postId, ['needs_verification']);
    expect(Date.parse(delivery.dueAt)).toBe(Date.parse(planned));
    expect(delivery.lastError).toContain('whether it was published is unknown');
  });

  it('recovers a send started by an instance with no heartbeat within seconds, long before its lease expires', async () => {
    const planned = inOneHour();
    const { postId } = await takenByDeadInstance('Sender vanished', planned, true);
    const delivery = await deliveryIn(marketer, postId, ['needs_verification'], 10_000);
    expect(Date.parse(delivery.dueAt)).toBe(Date.parse(planned));
    expect(tweetRequests(fake, 'Sender vanished')).toBe(0);
  });

  it('sends a claimed but never started delivery of a dead instance once, at its planned time, attempt uncounted', async () => {
    const planned = new Date(Date.now() + 3000);
    const { postId } = await takenByDeadInstance('Claimed, never sent', planned.toISOString(), false);
    const rescheduled = await deliveryIn(marketer, postId, ['scheduled', 'published'], 10_000);
    expect(Date.parse(rescheduled.dueAt)).toBe(planned.getTime());
    const delivery = await deliveryIn(marketer, postId, ['published', 'failed', 'needs_verification']);
    expect(delivery).toMatchObject({ state: 'published', attempts: 1 });
    const [request] = fake.requestsTo('POST /2/tweets').filter((r) => (r.body as { text?: string }).text === 'Claimed, never sent');
    expect(request.receivedAt).toBeGreaterThanOrEqual(planned.getTime());
    expect(tweetRequests(fake, 'Claimed, never sent')).toBe(1);
  });

  it('never recovers the deliveries of a live instance, whose heartbeat is fresh', async () => {
    const dispatcher = t.app.get(Dispatcher);
    // Owned by the live dispatcher from the first write: a dead owner even for a moment could be recovered first.
    const { postId, deliveryId } = await takenByDeadInstance('Still mine', inOneHour(), true, false, dispatcher.owner);
    // Well past MISSED_HEARTBEATS × DISPATCH_HEARTBEAT_MS (2 s here).
    await sleep(3500);
    expect((await deliveriesOf(marketer, postId))[0].state).toBe('publishing');
    await t.sql(`UPDATE deliveries SET state = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, send_started_at = NULL WHERE id = $1`, [deliveryId]);
  });
});

describe("the crisis switch's deadline for sends in flight", () => {
  let fake: FakeXApi;
  let t: TestApp;
  let marketer: Caller;
  let x: string;

  beforeAll(async () => {
    fake = await FakeXApi.start();
    t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100', DISPATCH_SEND_TIMEOUT_MS: '30000' } });
    marketer = await t.member('marketer');
    x = (await t.admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  async function notifyClosing(notice: GateClosing): Promise<void> {
    await t.sql('SELECT pg_notify($1, $2)', [GATE_CLOSING_CHANNEL, JSON.stringify(notice)]);
  }

  it('aborts a send X never answers at the deadline of a closing gate: needs_verification, never retried, the gate pass released', async () => {
    const text = 'Held by a hanging X';
    fake.failNext('POST /2/tweets', { hang: true });
    const created = await marketer.post('/api/posts', { text, channelIds: [x], publishNow: true }).expect(201);
    await waitFor('the send in flight', () => tweetRequests(fake, text) === 1 || undefined, 10_000, 10);

    // Gates that are not this send's: another workspace, another platform.
    await notifyClosing({ workspaceId: '00000000-0000-4000-8000-000000000000', platforms: null, deadlineMs: 0 });
    await notifyClosing({ workspaceId: t.admin.workspaceId, platforms: ['mastodon'], deadlineMs: 0 });
    await sleep(1000);
    expect((await deliveriesOf(marketer, created.body.id))[0].state).toBe('publishing');

    const noticed = Date.now();
    await notifyClosing({ workspaceId: t.admin.workspaceId, platforms: ['x'], deadlineMs: 1000 });
    const delivery = await deliveryIn(marketer, created.body.id, ['needs_verification', 'published', 'failed', 'scheduled'], 10_000);
    const settledAfter = Date.now() - noticed;
    expect(delivery.state).toBe('needs_verification');
    expect(delivery.lastError).toMatch(/the crisis switch aborted the send after \d+ ms in flight/);
    expect(delivery.lastError).toContain('may have reached the platform');
    expect(settledAfter).toBeGreaterThanOrEqual(1000);
    expect(settledAfter).toBeLessThan(8000);

    // The pass was released: the gate closes at once.
    const closingStarted = Date.now();
    await t.app.get(DispatchGate).whileClosed(t.admin.workspaceId, ['x'], () => Promise.resolve());
    expect(Date.now() - closingStarted).toBeLessThan(2000);
    await t.app.get(Dispatcher).idle();
    expect(tweetRequests(fake, text)).toBe(1);
  });

  it('aborts a send to an idempotent platform (Mastodon) the same way: needs_verification, not sent again', async () => {
    const mastodon = await FakeMastodonApi.start();
    try {
      const channel = await t.admin
        .post('/api/channels', { platform: 'mastodon', name: 'Mastodon', handle: '@brand@mastodon.example', credentials: mastodon.credentials() })
        .expect(201);
      mastodon.failNext('POST /api/v1/statuses', { hang: true });
      const created = await marketer.post('/api/posts', { text: 'Held by a hanging Mastodon', channelIds: [channel.body.id], publishNow: true }).expect(201);
      await waitFor('the send in flight', () => mastodon.requestsTo('POST /api/v1/statuses').length === 1 || undefined, 10_000, 10);
      await notifyClosing({ workspaceId: t.admin.workspaceId, platforms: null, deadlineMs: 500 });
      const delivery = await deliveryIn(marketer, created.body.id, ['needs_verification', 'published', 'failed', 'scheduled'], 10_000);
      expect(delivery.state).toBe('needs_verification');
      expect(delivery.lastError).toContain('the crisis switch aborted the send');
      await sleep(1500);
      await t.app.get(Dispatcher).idle();
      expect(mastodon.requestsTo('POST /api/v1/statuses')).toHaveLength(1);
    } finally {
      await mastodon.close();
    }
  });

  it('hears closing gates again after its listening connection is lost', async () => {
    const listeners = (): Promise<{ pid: number }[]> => t.sql(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [DISPATCH_LISTENER]);
    const lost = await waitFor('the listening connection', async () => (await listeners())[0], 30_000);
    await t.sql('SELECT pg_terminate_backend($1)', [lost.pid]);
    await waitFor('a new listening connection', async () => (await listeners()).some((row) => row.pid !== lost.pid) || undefined, 30_000);
    const text = 'Heard after a reconnect';
    fake.failNext('POST /2/tweets', { hang: true });
    const created = await marketer.post('/api/posts', { text, channelIds: [x], publishNow: true }).expect(201);
    await waitFor('the send in flight', () => tweetRequests(fake, text) === 1 || undefined, 30_000, 10);
    await notifyClosing({ workspaceId: t.admin.workspaceId, platforms: ['x'], deadlineMs: 0 });
    const delivery = await deliveryIn(marketer, created.body.id, ['needs_verification', 'published', 'failed', 'scheduled'], 30_000);
    expect(delivery.lastError).toContain('the crisis switch aborted the send');
  });
});
