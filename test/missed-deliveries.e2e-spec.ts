// Missed deliveries after a crisis: listed, rescheduled or cancelled in bulk, all or nothing, never sent past a crisis.
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('missed deliveries in bulk', () => {
  let fake: FakeXApi;
  let t: TestApp;
  let marketer: Caller;
  let lead: Caller;
  let viewer: Caller;
  let x: string;
  let counter = 0;

  beforeAll(async () => {
    fake = await FakeXApi.start();
    fake.rateLimit = 1_000_000;
    t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100' } });
    marketer = await t.member('marketer');
    lead = await t.member('crisis_lead');
    viewer = await t.member('viewer');
    x = (await t.admin.post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  afterEach(async () => {
    if ((await viewer.get('/api/crisis').expect(200)).body.active) {
      await lead.post('/api/crisis/deactivate', { note: 'test cleanup', resumeCampaigns: false }).expect(200);
    }
  });

  /** Posts whose time passes during a crisis: missed once it ends. Returns their delivery ids, in order. */
  async function missed(n: number): Promise<{ ids: string[]; texts: string[] }> {
    const texts = Array.from({ length: n }, () => `Missed post ${++counter}`);
    const postIds: string[] = [];
    for (const text of texts) {
      postIds.push((await marketer.post('/api/posts', { text, channelIds: [x], scheduledAt: new Date(Date.now() + 3600_000).toISOString() }).expect(201)).body.id);
    }
    await lead.post('/api/crisis/activate', { reason: 'Outage', level: 1, pauseAds: false }).expect(201);
    // Distinct past times, in the order the posts were written: the list is by due time, and ties would fall to random ids.
    await t.sql(
      `UPDATE deliveries SET due_at = now() - interval '30 minutes' + array_position($1::uuid[], post_id) * interval '1 minute' WHERE post_id = ANY($1::uuid[])`,
      [postIds],
    );
    const ended = await lead.post('/api/crisis/deactivate', { note: 'over' }).expect(200);
    const ids = (await t.sql<{ id: string }>('SELECT id FROM deliveries WHERE post_id = ANY($1::uuid[]) ORDER BY due_at, id', [postIds])).map((r) => r.id);
    expect([...ended.body.missed].sort()).toEqual([...ids].sort());
    return { ids, texts };
  }

  async function auditOf(action: string, ids: string[]): Promise<number> {
    const [row] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM audit_events WHERE action = $1 AND target_id = ANY($2::text[])', [action, ids]);
    return row.n;
  }

  it('lists missed deliveries with their post text, channel and original time, for any member', async () => {
    const { ids, texts } = await missed(2);
    const list = (await viewer.get('/api/deliveries/missed').expect(200)).body as { id: string; text: string; channelName: string; dueAt: string }[];
    const mine = list.filter((d) => ids.includes(d.id));
    expect(mine.map((d) => [d.text, d.channelName])).toEqual(texts.map((text) => [text, 'Brand on X']));
    expect(new Date(mine[0].dueAt).getTime()).toBeLessThan(Date.now());
  }, 60_000);

  it('reschedules them all to the chosen time, audited each, and they go out then', async () => {
    const { ids, texts } = await missed(2);
    const at = new Date(Date.now() + 1500);
    const res = await marketer.post('/api/deliveries/reschedule', { deliveryIds: ids, scheduledAt: at.toISOString() }).expect(200);
    expect(res.body.deliveries.map((d: { state: string }) => d.state)).toEqual(['scheduled', 'scheduled']);
    expect(res.body.deliveries.every((d: { dueAt: string }) => new Date(d.dueAt).getTime() === at.getTime())).toBe(true);
    expect(await auditOf('delivery.rescheduled', ids)).toBe(2);
    await waitFor('both published', () => texts.every((text) => fake.tweets.some((tw) => tw.text === text)) || undefined, 20_000);
  }, 60_000);

  it('cancels them all, audited each; a crisis lead may too', async () => {
    const { ids } = await missed(2);
    const res = await lead.post('/api/deliveries/cancel', { deliveryIds: ids }).expect(200);
    expect(res.body.deliveries.map((d: { state: string }) => d.state)).toEqual(['cancelled', 'cancelled']);
    expect(await auditOf('delivery.cancelled', ids)).toBe(2);
    const list = (await viewer.get('/api/deliveries/missed').expect(200)).body as { id: string }[];
    expect(list.filter((d) => ids.includes(d.id))).toEqual([]);
  }, 60_000);

  it('changes nothing when one named delivery is not missed or not found, and names it', async () => {
    const { ids } = await missed(1);
    const other = (await marketer.post('/api/posts', { text: `Still ahead ${++counter}`, channelIds: [x], scheduledAt: new Date(Date.now() + 3600_000).toISOString() }).expect(201)).body
      .id as string;
    const [scheduled] = await t.sql<{ id: string }>('SELECT id FROM deliveries WHERE post_id = $1', [other]);
    const notMissed = await marketer.post('/api/deliveries/cancel', { deliveryIds: [...ids, scheduled.id] }).expect(409);
    expect(notMissed.body.message).toContain(`${scheduled.id} is scheduled`);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const notFound = await marketer.post('/api/deliveries/reschedule', { deliveryIds: [...ids, unknown], scheduledAt: new Date(Date.now() + 3600_000).toISOString() }).expect(404);
    expect(notFound.body.message).toContain(unknown);
    const [row] = await t.sql<{ state: string }>('SELECT state FROM deliveries WHERE id = $1', [ids[0]]);
    expect(row.state).toBe('missed');
    expect(await auditOf('delivery.cancelled', ids)).toBe(0);
    expect(await auditOf('delivery.rescheduled', ids)).toBe(0);
  }, 60_000);

  it('refuses bad input with a 400 and other roles with a 403', async () => {
    const { ids } = await missed(1);
    const later = new Date(Date.now() + 3600_000).toISOString();
    expect((await marketer.post('/api/deliveries/reschedule', { deliveryIds: [], scheduledAt: later }).expect(400)).body.message).toContain('at least one');
    expect((await marketer.post('/api/deliveries/reschedule', { deliveryIds: ['nope'], scheduledAt: later }).expect(400)).body.message).toContain('UUID');
    expect((await marketer.post('/api/deliveries/reschedule', { deliveryIds: ids, scheduledAt: 'tomorrow' }).expect(400)).body.message).toContain('ISO 8601');
    expect((await marketer.post('/api/deliveries/reschedule', { deliveryIds: ids, scheduledAt: new Date(Date.now() - 60_000).toISOString() }).expect(400)).body.message).toContain(
      'future',
    );
    expect((await marketer.post('/api/deliveries/cancel', { deliveryIds: [ids[0], ids[0]] }).expect(400)).body.message).toContain('repeat');
    await viewer.post('/api/deliveries/cancel', { deliveryIds: ids }).expect(403);
    await viewer.post('/api/deliveries/reschedule', { deliveryIds: ids, scheduledAt: later }).expect(403);
    const [row] = await t.sql<{ state: string }>('SELECT state FROM deliveries WHERE id = $1', [ids[0]]);
    expect(row.state).toBe('missed');
  }, 60_000);

  it("is scoped to the caller's workspace: another workspace's marketer finds none of these", async () => {
    const { ids } = await missed(1);
    const otherAdmin = await t.otherWorkspace();
    const otherMarketer = await t.member('marketer', otherAdmin);
    expect((await otherMarketer.get('/api/deliveries/missed').expect(200)).body).toEqual([]);
    await otherMarketer.post('/api/deliveries/cancel', { deliveryIds: ids }).expect(404);
    const [row] = await t.sql<{ state: string }>('SELECT state FROM deliveries WHERE id = $1', [ids[0]]);
    expect(row.state).toBe('missed');
  }, 60_000);

  it('holds a delivery rescheduled during an active crisis in scope: it is never sent without sign-off, even racing the activation', async () => {
    const first = await missed(1);
    const second = await missed(1);
    // One rescheduled while the next crisis is already on, one at the same moment as its activation.
    await lead.post('/api/crisis/activate', { reason: 'Second incident', level: 1, pauseAds: false }).expect(201);
    const soon = new Date(Date.now() + 500).toISOString();
    const during = await marketer.post('/api/deliveries/reschedule', { deliveryIds: first.ids, scheduledAt: soon }).expect(200);
    expect(during.body.deliveries[0].state).toBe('held');
    await waitFor('the first falls due and is marked held', async () => {
      const [row] = await t.sql<{ state: string }>('SELECT state FROM deliveries WHERE id = $1', [first.ids[0]]);
      return row.state === 'held' || undefined;
    }, 20_000);
    await lead.post('/api/crisis/deactivate', { note: 'over' }).expect(200);
    // Its time passed during that crisis: missed again, never sent by itself.
    const [again] = await t.sql<{ state: string }>('SELECT state FROM deliveries WHERE id = $1', [first.ids[0]]);
    expect(again.state).toBe('missed');

    const third = await missed(1);
    const [activation, reschedule] = await Promise.all([
      lead.post('/api/crisis/activate', { reason: 'Third incident', level: 1, pauseAds: false }),
      marketer.post('/api/deliveries/reschedule', { deliveryIds: [...second.ids, ...third.ids], scheduledAt: new Date(Date.now() + 800).toISOString() }),
    ]);
    expect(activation.status).toBe(201);
    expect(reschedule.status).toBe(200);
    await waitFor('the rescheduled deliveries fall due and are marked held', async () => {
      const rows = await t.sql<{ state: string; held_by_crisis_id: string }>('SELECT state, held_by_crisis_id FROM deliveries WHERE id = ANY($1::uuid[])', [[...second.ids, ...third.ids]]);
      return rows.every((r) => r.state === 'held' && r.held_by_crisis_id === activation.body.crisis.id) || undefined;
    }, 20_000);
    const shown = (await viewer.get('/api/deliveries?state=held').expect(200)).body as { id: string }[];
    expect(shown.map((d) => d.id)).toEqual(expect.arrayContaining([...second.ids, ...third.ids]));
    for (const text of [...first.texts, ...second.texts, ...third.texts]) {
      expect(fake.tweets.filter((tw) => tw.text === text)).toEqual([]);
    }
  }, 90_000);
});
