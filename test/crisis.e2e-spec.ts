// Crisis mode through the API: the switch stops everything in scope on every instance, sign-off releases, the end resumes.
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface DeliveryBody {
  id: string;
  state: string;
  channelId: string;
  platform: string;
  heldByCrisisId: string | null;
  releasedByCrisisId: string | null;
}

interface InFlightBody {
  deliveryId: string;
  channelId: string;
  platform: string;
  outcome: string;
  state: string;
}

describe('the crisis switch under a burst on two instances', () => {
  it('lets nothing in scope reach the platform after it answers, and lists every send that was in flight', async () => {
    const fake = await FakeXApi.start();
    fake.rateLimit = 1_000_000;
    fake.latencyMs = 250;
    const env = { X_API_URL: fake.url, DISPATCH_TICK_MS: '50', DISPATCH_PLATFORM_CONCURRENCY: '8' };
    const a = await TestApp.start({ env });
    const b = await TestApp.start({ env, sameDatabaseAs: a });
    try {
      const channel = await a.admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201);
      const marketer = await a.member('marketer');
      const lead = await a.member('crisis_lead');
      const later = new Date(Date.now() + 3600_000).toISOString();
      const postOfText = new Map<string, string>();
      for (let i = 0; i < 200; i++) {
        const res = await marketer.post('/api/posts', { text: `Burst ${i}`, channelIds: [channel.body.id], scheduledAt: later }).expect(201);
        postOfText.set(`Burst ${i}`, res.body.id);
      }
      await a.sql(`UPDATE deliveries SET due_at = now()`);
      await a.sql(`NOTIFY holdfast_dispatch`);
      await waitFor('the burst under way', () => fake.tweets.length >= 30 || undefined, 20_000, 5);

      const flipped = Date.now();
      const res = await lead.post('/api/crisis/activate', { reason: 'Breaking news', level: 1 }).expect(201);
      const answered = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 2500));

      const sends = fake.requestsTo('POST /2/tweets');
      // Nothing reached the platform after the answer...
      expect(sends.filter((r) => r.receivedAt > answered)).toEqual([]);
      // ...and every send that arrived while the switch was being flipped is listed in the answer, finished.
      const inFlight = res.body.inFlight as InFlightBody[];
      const listed = new Map(inFlight.map((s) => [s.deliveryId, s]));
      const deliveryOf = new Map<string, string>();
      for (const row of await a.sql<{ id: string; post_id: string }>('SELECT id, post_id FROM deliveries')) {
        deliveryOf.set(row.post_id, row.id);
      }
      for (const send of sends.filter((r) => r.receivedAt >= flipped)) {
        const deliveryId = deliveryOf.get(postOfText.get((send.body as { text: string }).text)!)!;
        expect(listed.get(deliveryId)).toMatchObject({ deliveryId, channelId: channel.body.id, platform: 'x', outcome: 'in_flight', state: 'published' });
      }
      for (const send of inFlight) {
        expect([`in_flight published`, 'stopped_before_send held']).toContain(`${send.outcome} ${send.state}`);
      }
      // Exactly once: the platform has one tweet per published delivery, and the rest wait, held.
      const states = await a.sql<{ state: string; n: string }>('SELECT state, count(*) AS n FROM deliveries GROUP BY state');
      const count = (state: string): number => Number(states.find((s) => s.state === state)?.n ?? 0);
      expect(count('published')).toBe(fake.tweets.length);
      expect(new Set(fake.tweets.map((t) => t.text)).size).toBe(fake.tweets.length);
      expect(count('published') + count('held') + count('scheduled')).toBe(200);
      expect(count('held')).toBeGreaterThan(0);
      expect(fake.tweets.length).toBeLessThan(200);
    } finally {
      await b.close();
      await a.close();
      await fake.close();
    }
  }, 90_000);
});

describe('crisis mode', () => {
  let fake: FakeXApi;
  let t: TestApp;
  let marketer: Caller;
  let lead: Caller;
  let approver1: Caller;
  let approver2: Caller;
  let viewer: Caller;
  let x: string;

  beforeAll(async () => {
    fake = await FakeXApi.start();
    fake.rateLimit = 1_000_000;
    t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100' } });
    marketer = await t.member('marketer');
    lead = await t.member('crisis_lead');
    approver1 = await t.member('approver');
    approver2 = await t.member('approver');
    viewer = await t.member('viewer');
    const channel = await t.admin.post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201);
    x = channel.body.id;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  afterEach(async () => {
    const state = await viewer.get('/api/crisis').expect(200);
    if (state.body.active) {
      await lead.post('/api/crisis/deactivate', { note: 'test cleanup' }).expect(200);
    }
  });

  async function post(text: string, when: { publishNow?: boolean; scheduledAt?: string } = { publishNow: true }, by = marketer): Promise<string> {
    const res = await by.post('/api/posts', { text, channelIds: [x], ...when }).expect(201);
    return res.body.id;
  }

  async function deliveryOf(postId: string): Promise<DeliveryBody> {
    const res = await viewer.get(`/api/posts/${postId}`).expect(200);
    return (res.body.deliveries as DeliveryBody[])[0];
  }

  async function stateBecomes(postId: string, state: string, timeoutMs = 10_000): Promise<DeliveryBody> {
    return waitFor(`post ${postId} to be ${state}`, async () => {
      const delivery = await deliveryOf(postId);
      return delivery.state === state ? delivery : undefined;
    }, timeoutMs);
  }

  it('shows the state to anyone, and refuses a second activation with the active crisis (409)', async () => {
    expect((await viewer.get('/api/crisis').expect(200)).body).toMatchObject({ active: false, crisis: null });
    const first = await lead.post('/api/crisis/activate', { reason: 'Outage', level: 2, pauseAds: false }).expect(201);
    expect(first.body.crisis).toMatchObject({ active: true, level: 2, reason: 'Outage', platforms: null, approvalsRequired: 1 });
    const state = await viewer.get('/api/crisis').expect(200);
    expect(state.body).toMatchObject({ active: true, crisis: { id: first.body.crisis.id } });
    const second = await lead.post('/api/crisis/activate', { reason: 'Again', level: 1, pauseAds: false }).expect(409);
    expect(second.body.activeCrisis).toMatchObject({ id: first.body.crisis.id, level: 2, reason: 'Outage' });
  });

  it('lets only a crisis lead flip the switch, and refuses bad input without writing anything', async () => {
    await marketer.post('/api/crisis/activate', { reason: 'x', level: 1 }).expect(403);
    await approver1.post('/api/crisis/activate', { reason: 'x', level: 1 }).expect(403);
    await t.anonymous.post('/api/crisis/activate', { reason: 'x', level: 1 }).expect(401);
    await lead.post('/api/crisis/deactivate', {}).expect(409);
    const before = await t.sql('SELECT id FROM crises');
    for (const body of [
      {},
      { level: 1 },
      { reason: 'x', level: 4 },
      { reason: 'x', level: 0 },
      { reason: 'x' },
      { reason: 'x', level: 1, platforms: ['myspace'] },
      { reason: 'x', level: 1, platforms: [] },
      { reason: 'x', level: 1, surprise: true },
      { reason: 'x', level: 1, playbookId: 'not-a-uuid' },
      { reason: 'x', level: 1, placeholderValues: { a: 1 } },
    ]) {
      const res = await lead.post('/api/crisis/activate', body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    await lead.post('/api/crisis/activate', '{"reason": "broken"').expect(400);
    await lead.post('/api/crisis/activate', { reason: 'x', level: 1, playbookId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    expect(await t.sql('SELECT id FROM crises')).toEqual(before);
  });

  it('holds a due post in scope, releases it after the crisis approvals, and not on the author’s say', async () => {
    const activation = await lead.post('/api/crisis/activate', { reason: 'Tragedy', level: 3, pauseAds: false }).expect(201);
    const crisisId = activation.body.crisis.id as string;
    expect(activation.body.crisis.approvalsRequired).toBe(2);
    const postId = await post('Our big sale starts now!');
    const held = await stateBecomes(postId, 'held');
    expect(held.heldByCrisisId).toBe(crisisId);

    // In front of the approvers, who cannot be the author.
    const queue = await approver1.get('/api/approvals').expect(200);
    expect(queue.body.map((item: { post: { id: string } }) => item.post.id)).toContain(postId);
    const authorApprover = await t.member(['marketer', 'approver']);
    const own = await authorApprover.post('/api/posts', { text: 'My own', channelIds: [x], publishNow: true }).expect(201);
    await authorApprover.post(`/api/posts/${own.body.id}/approve`, {}).expect(403);

    const one = await approver1.post(`/api/posts/${postId}/approve`, {}).expect(200);
    expect(one.body.crisis).toMatchObject({ id: crisisId, required: 2, given: 1 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await deliveryOf(postId)).state).toBe('held');
    expect(fake.tweets.find((tw) => tw.text === 'Our big sale starts now!')).toBeUndefined();

    const two = await approver2.post(`/api/posts/${postId}/approve`, { comment: 'Checked against the holding statement' }).expect(200);
    expect(two.body.crisis).toMatchObject({ given: 2, required: 2 });
    const published = await stateBecomes(postId, 'published');
    expect(published.releasedByCrisisId).toBe(crisisId);
    expect(fake.tweets.filter((tw) => tw.text === 'Our big sale starts now!')).toHaveLength(1);
  });

  it('counts only approvals given after activation, for the current version', async () => {
    await t.admin.put('/api/approval-policy', { approvalsRequired: 1, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 }).expect(200);
    try {
      const postId = await post('Approved before the crisis', { scheduledAt: new Date(Date.now() + 3000).toISOString() });
      await approver1.post(`/api/posts/${postId}/approve`, {}).expect(200);
      expect((await deliveryOf(postId)).state).toBe('scheduled');
      await lead.post('/api/crisis/activate', { reason: 'Complaints', level: 1, pauseAds: false }).expect(201);
      // Shown held from the switch on; in front of the approvers once it falls due.
      expect((await deliveryOf(postId)).state).toBe('held');
      const item = await waitFor('the held post in the approvals queue', async () => {
        const queued = await approver2.get('/api/approvals').expect(200);
        return queued.body.find((i: { post: { id: string } }) => i.post.id === postId) as object | undefined;
      });
      expect(item).toMatchObject({ crisis: { given: 0, required: 1 }, canApprove: true });

      // An edit voids the crisis approval: the new version needs its own.
      const edited = await marketer.patch(`/api/posts/${postId}`, { text: 'Approved before the crisis, edited' }).expect(200);
      expect(edited.body.status).toBe('pending_approval');
      await approver1.post(`/api/posts/${postId}/approve`, {}).expect(200);
      const delivery = await stateBecomes(postId, 'published');
      expect(delivery.releasedByCrisisId).not.toBeNull();
      expect(fake.tweets.filter((tw) => tw.text.startsWith('Approved before the crisis'))).toHaveLength(1);
    } finally {
      await t.admin.put('/api/approval-policy', { approvalsRequired: 0, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 }).expect(200);
    }
  });

  it('holds only the platforms in scope', async () => {
    await lead.post('/api/crisis/activate', { reason: 'Facebook outage', level: 1, platforms: ['facebook', 'instagram'], pauseAds: false }).expect(201);
    const postId = await post('Still fine on X');
    await stateBecomes(postId, 'published');
  });

  it('on deactivation publishes future held posts on time, marks past ones missed, and never sends those by itself', async () => {
    const activation = await lead.post('/api/crisis/activate', { reason: 'Recall', level: 1, pauseAds: false }).expect(201);
    const crisisId = activation.body.crisis.id as string;
    const past = await post('Promo that fell due during the crisis');
    await stateBecomes(past, 'held');
    const future = await post('Promo for later', { scheduledAt: new Date(Date.now() + 4000).toISOString() });
    const res = await lead.post('/api/crisis/deactivate', { note: 'All clear', resumeCampaigns: false }).expect(200);
    expect(res.body.crisis).toMatchObject({ id: crisisId, active: false, deactivationNote: 'All clear' });
    expect(res.body.missed).toEqual([(await deliveryOf(past)).id]);

    expect(await deliveryOf(past)).toMatchObject({ state: 'missed', heldByCrisisId: crisisId });
    const published = await stateBecomes(future, 'published', 15_000);
    const tweet = fake.requestsTo('POST /2/tweets').find((r) => (r.body as { text: string }).text === 'Promo for later')!;
    const dueAt = new Date((await viewer.get(`/api/posts/${future}`)).body.scheduledAt).getTime();
    expect(tweet.receivedAt).toBeGreaterThanOrEqual(dueAt);
    expect(published.state).toBe('published');
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await deliveryOf(past)).state).toBe('missed');
    expect(fake.tweets.find((tw) => tw.text === 'Promo that fell due during the crisis')).toBeUndefined();

    // A marketer reschedules the missed one: now it goes out.
    await marketer.patch(`/api/posts/${past}`, { publishNow: true }).expect(200);
    await stateBecomes(past, 'published');
  });

  it('does not carry crisis approvals over into normal mode unless the policy says so', async () => {
    await t.admin.put('/api/approval-policy', { approvalsRequired: 2, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 }).expect(200);
    try {
      await lead.post('/api/crisis/activate', { reason: 'Short one', level: 1, platforms: ['facebook'], pauseAds: false }).expect(201);
      const postId = await post('Needs two in normal mode', { scheduledAt: new Date(Date.now() + 3600_000).toISOString() });
      const during = await approver1.post(`/api/posts/${postId}/approve`, {}).expect(200);
      expect(during.body).toMatchObject({ given: 1, required: 2 });
      await lead.post('/api/crisis/deactivate', {}).expect(200);
      const queue = await approver2.get('/api/approvals').expect(200);
      expect(queue.body.find((i: { post: { id: string } }) => i.post.id === postId)).toMatchObject({ given: 0, required: 2 });

      await t.admin
        .put('/api/approval-policy', { approvalsRequired: 2, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2, crisisApprovalsCarryOver: true })
        .expect(200);
      const carried = await approver2.get('/api/approvals').expect(200);
      expect(carried.body.find((i: { post: { id: string } }) => i.post.id === postId)).toMatchObject({ given: 1, required: 2 });
    } finally {
      await t.admin.put('/api/approval-policy', { approvalsRequired: 0, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 }).expect(200);
    }
  });

  it('keeps each workspace’s crisis to itself', async () => {
    const other = await t.otherWorkspace();
    const otherLead = await t.member('crisis_lead', other);
    const mine = await lead.post('/api/crisis/activate', { reason: 'Mine', level: 1, pauseAds: false }).expect(201);
    expect((await otherLead.get('/api/crisis').expect(200)).body.active).toBe(false);
    await otherLead.get(`/api/crises/${mine.body.crisis.id}`).expect(404);
    await otherLead.get(`/api/crises/${mine.body.crisis.id}/report`).expect(404);
    await otherLead.post(`/api/crises/${mine.body.crisis.id}/notes`, { text: 'sneaky' }).expect(404);
    const postId = await post('Still held here');
    await stateBecomes(postId, 'held');
  });
});
