// The API as a new user tries it (issue 16, item 4): a partial approval policy, a rejection its author can read, a
// Telegram token refusal that shows the shape, deliveries and reports that say which post, a deactivation that counts.
import { FakeXApi } from './fakes/x-api';
import { channelBody, CREDENTIALS } from './support/factories';
import { Caller, TestApp } from './support/test-app';

/** The 400's text, whatever its shape (one message, or a list). */
const said = (body: { message: string | string[] }): string => (Array.isArray(body.message) ? body.message.join('; ') : body.message);

describe('the API as people use it: answers that say enough', () => {
  let fake: FakeXApi;
  let t: TestApp;
  let marketer: Caller;
  let approver: Caller;
  let viewer: Caller;
  let x: string;

  beforeAll(async () => {
    fake = await FakeXApi.start();
    fake.rateLimit = 1_000_000;
    t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100' } });
    marketer = await t.member('marketer');
    approver = await t.member('approver');
    viewer = await t.member('viewer');
    x = (await t.admin.post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  describe('the approval policy', () => {
    const full = { approvalsRequired: 0, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 };
    afterEach(async () => {
      await t.admin.put('/api/approval-policy', full).expect(200);
    });

    it('changes only the fields a PATCH gives, and answers the whole policy', async () => {
      const res = await t.admin.patch('/api/approval-policy', { crisisLevel3: 3 }).expect(200);
      expect(res.body).toEqual({ ...full, crisisLevel3: 3, crisisApprovalsCarryOver: false });
      const again = await t.admin.patch('/api/approval-policy', { approvalsRequired: 1, crisisApprovalsCarryOver: true }).expect(200);
      expect(again.body).toEqual({ ...full, approvalsRequired: 1, crisisLevel3: 3, crisisApprovalsCarryOver: true });
      expect((await viewer.get('/api/approval-policy').expect(200)).body).toEqual(again.body);
      const [audited] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'approval_policy.updated' AND after->>'crisisLevel3' = '3'`);
      expect(audited.n).toBe(2);
    });

    it('keeps both of two PATCHes sent at once, even to a workspace still on the defaults (no policy row yet)', async () => {
      for (let round = 0; round < 10; round++) {
        const other = await t.otherWorkspace();
        await Promise.all([other.patch('/api/approval-policy', { crisisLevel3: 4 }).expect(200), other.patch('/api/approval-policy', { approvalsRequired: 2 }).expect(200)]);
        expect({ round, policy: (await other.get('/api/approval-policy').expect(200)).body }).toMatchObject({ round, policy: { crisisLevel3: 4, approvalsRequired: 2 } });
      }
    });

    it('checks each field a PATCH gives as PUT does, writing nothing when one is wrong', async () => {
      const bad = await t.admin.patch('/api/approval-policy', { crisisLevel1: 9, crisisLevel2: 2 }).expect(400);
      expect(said(bad.body)).toContain('crisisLevel1 must be an integer from 1 to 5');
      expect(said(bad.body)).not.toContain('crisisLevel2');
      const nulled = await t.admin.patch('/api/approval-policy', { approvalsRequired: null }).expect(400);
      expect(said(nulled.body)).toContain('approvalsRequired must be an integer from 0 to 5');
      await t.admin.patch('/api/approval-policy', { quorum: 2 }).expect(400);
      const empty = await t.admin.patch('/api/approval-policy', {}).expect(400);
      expect(said(empty.body)).toContain('give at least one of approvalsRequired, crisisLevel1, crisisLevel2, crisisLevel3, crisisApprovalsCarryOver');
      await marketer.patch('/api/approval-policy', { approvalsRequired: 0 }).expect(403);
      expect((await viewer.get('/api/approval-policy').expect(200)).body).toEqual({ ...full, crisisApprovalsCarryOver: false });
    });

    it('says which fields a PUT misses, instead of their ranges', async () => {
      const res = await t.admin.put('/api/approval-policy', { approvalsRequired: 1 }).expect(400);
      const text = said(res.body);
      for (const field of ['crisisLevel1', 'crisisLevel2', 'crisisLevel3']) {
        expect(text).toContain(`${field} is required`);
      }
      expect(text).not.toMatch(/approvalsRequired|must not be|must be an integer/);
      const range = await t.admin.put('/api/approval-policy', { ...full, crisisLevel2: 0 }).expect(400);
      expect(said(range.body)).toContain('crisisLevel2 must be an integer from 1 to 5');
      expect((await viewer.get('/api/approval-policy').expect(200)).body).toEqual({ ...full, crisisApprovalsCarryOver: false });
    });
  });

  it("lets the author read on the post why it was rejected, and any member who may read the post; another workspace gets 404", async () => {
    await t.admin.patch('/api/approval-policy', { approvalsRequired: 1 }).expect(200);
    try {
      const post = await marketer.post('/api/posts', { text: 'Black Friday starts now', channelIds: [x], scheduledAt: new Date(Date.now() + 7200_000).toISOString() }).expect(201);
      await approver.post(`/api/posts/${post.body.id}/reject`, { comment: 'Not during the outage: wait for the all-clear' }).expect(200);
      const read = await marketer.get(`/api/posts/${post.body.id}`).expect(200);
      expect(read.body.status).toBe('rejected');
      expect(read.body.decisions).toEqual([
        expect.objectContaining({
          decision: 'rejected',
          comment: 'Not during the outage: wait for the all-clear',
          approverId: approver.memberId,
          approverName: expect.any(String),
          contentVersion: 1,
          current: true,
        }),
      ]);
      expect(new Date(read.body.decisions[0].createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect((await viewer.get(`/api/posts/${post.body.id}`).expect(200)).body.decisions).toEqual(read.body.decisions);
      // An edit voids the decision: still shown, no longer current.
      const edited = await marketer.patch(`/api/posts/${post.body.id}`, { text: 'Black Friday starts at the all-clear' }).expect(200);
      expect(edited.body.status).toBe('pending_approval');
      expect((await marketer.get(`/api/posts/${post.body.id}`).expect(200)).body.decisions).toEqual([expect.objectContaining({ decision: 'rejected', current: false })]);
      const stranger = await t.otherWorkspace();
      await stranger.get(`/api/posts/${post.body.id}`).expect(404);
    } finally {
      await t.admin.patch('/api/approval-policy', { approvalsRequired: 0 }).expect(200);
    }
  });

  it('says what shape a Telegram bot token has when it refuses one, never repeating it', async () => {
    const token = 'AAsecretTelegramBotToken00000000007';
    const res = await t.admin.post('/api/channels', channelBody('telegram', { credentials: { ...CREDENTIALS.telegram, botToken: token } })).expect(400);
    const text = JSON.stringify(res.body);
    expect(text).toContain("botToken must be a bot token as @BotFather gives it: the bot's numeric id, a colon, then 30 or more letters, digits, - or _");
    expect(text).not.toContain(token);
  });

  describe('a crisis, as people read it afterwards', () => {
    // A workspace of its own, so the counts are exactly this test's posts.
    let admin: Caller;
    let lead: Caller;
    let writer: Caller;
    let channel: string;
    beforeAll(async () => {
      admin = await t.otherWorkspace('Crisis counts');
      lead = await t.member('crisis_lead', admin);
      writer = await t.member('marketer', admin);
      channel = (await admin.post('/api/channels', { platform: 'x', name: 'Counts on X', handle: '@counts', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
    });

    it('answers a deactivation with counts of what resumed, and the missed list and the report with each post text', async () => {
      const inMinutes = (m: number): string => new Date(Date.now() + m * 60_000).toISOString();
      const plan = async (text: string, minutes: number): Promise<{ id: string; deliveries: { id: string }[] }> =>
        (await writer.post('/api/posts', { text, channelIds: [channel], scheduledAt: inMinutes(minutes) }).expect(201)).body;
      const soon = [await plan('Lunch special in half an hour', 30), await plan('Coffee hour', 45)];
      const later = await plan('Tonight: live music', 180);
      const nextWeek = await plan('Next week: the autumn menu', 5 * 24 * 60);
      const passed = await plan('Happy hour starts now', 120);

      const on = await lead.post('/api/crisis/activate', { reason: 'Tragedy nearby', level: 1 }).expect(201);
      expect(on.body.held).toMatchObject({ deliveries: 5 });
      // This one's time passes during the crisis.
      await t.sql(`UPDATE deliveries SET due_at = now() - interval '5 minutes' WHERE post_id = $1`, [passed.id]);

      const off = await lead.post('/api/crisis/deactivate', { note: 'All clear' }).expect(200);
      expect(off.body.resumed).toEqual({ deliveries: 4, byPlatform: { x: 4 }, dueWithinHour: 2, dueWithinDay: 3, estimated: false });
      expect(off.body.missed).toEqual([passed.deliveries[0].id]);
      for (const post of [...soon, later, nextWeek]) {
        expect((await writer.get(`/api/posts/${post.id}`).expect(200)).body).toMatchObject({ status: 'scheduled', deliveries: [expect.objectContaining({ state: 'scheduled' })] });
      }

      const missed = await writer.get('/api/deliveries/missed').expect(200);
      expect(missed.body).toEqual([expect.objectContaining({ id: passed.deliveries[0].id, postId: passed.id, text: 'Happy hour starts now' })]);
      expect((await writer.get(`/api/posts/${passed.id}`).expect(200)).body.status).toBe('missed');

      const report = await writer.get(`/api/crises/${on.body.crisis.id}/report`).expect(200);
      expect(report.body.deliveries.missed).toEqual([expect.objectContaining({ deliveryId: passed.deliveries[0].id, postId: passed.id, text: 'Happy hour starts now' })]);
      const markdown = await writer.get(`/api/crises/${on.body.crisis.id}/report?format=markdown`).expect(200);
      expect(markdown.text).toContain('| delivery | post | platform |');
      expect(markdown.text).toContain(`| ${passed.deliveries[0].id} | Happy hour starts now | x |`);

      const deliveries = await writer.get('/api/deliveries?state=scheduled').expect(200);
      expect(deliveries.body.map((d: { postId: string }) => d.postId).sort()).toEqual([...soon, later, nextWeek].map((p) => p.id).sort());
    }, 60_000);
  });
});
