// The crisis lead in the worst hour: the switch flips whatever the copy says (a message missing an answer is a draft,
// one that cannot run is reported), and the lead acts on posts directly: cancel, hold, statements of their own.
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const OUTAGE = {
  name: 'Outage statement',
  body: 'We know {{service}} is not working. Next update: {{eta}}.',
  placeholders: [
    { name: 'service', description: 'What is down' },
    { name: 'eta', description: 'When the next update comes' },
  ],
};

interface DeliveryBody {
  id: string;
  state: string;
  heldByCrisisId: string | null;
}

describe('the crisis lead', () => {
  let fake: FakeXApi;
  let t: TestApp;
  let lead: Caller;
  let marketer: Caller;
  let approver1: Caller;
  let approver2: Caller;
  let viewer: Caller;
  let x: string;
  let templateId: string;
  let counter = 0;

  beforeAll(async () => {
    fake = await FakeXApi.start();
    fake.rateLimit = 1_000_000;
    t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100' } });
    lead = await t.member('crisis_lead');
    marketer = await t.member('marketer');
    approver1 = await t.member('approver');
    approver2 = await t.member('approver');
    viewer = await t.member('viewer');
    x = (await t.admin.post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
    templateId = (await marketer.post('/api/templates', OUTAGE).expect(201)).body.id;
    await approver1.post(`/api/templates/${templateId}/approve`, { version: 1 }).expect(200);
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  afterEach(async () => {
    const state = await lead.get('/api/crisis').expect(200);
    if (state.body.active) {
      await lead.post('/api/crisis/deactivate', { note: 'test over' }).expect(200);
    }
  });

  async function playbook(messages: Record<string, unknown>[]): Promise<string> {
    const res = await lead
      .post('/api/playbooks', {
        name: `Checkout outage ${++counter}`,
        category: 'platform_outage',
        level: 3,
        contacts: [{ name: 'Ana Ruiz', role: 'Head of communications', email: 'ana@example.com' }],
        platforms: ['x'],
        pauseAds: false,
        approvalsRequired: 2,
        messages,
      })
      .expect(201);
    return res.body.id as string;
  }

  const tweeted = (text: string): boolean => fake.tweets.some((tw) => tw.text === text);
  const inSeconds = (s: number): string => new Date(Date.now() + s * 1000).toISOString();

  describe('flipping the switch', () => {
    it('halts at once though a prompt is unanswered: the message is a draft that cannot be approved until filled, then two approvers release it', async () => {
      const id = await playbook([{ templateId, templateVersion: 1, channelIds: [x], offsetMinutes: 0, values: { service: 'Checkout' }, prompts: ['eta'] }]);
      // Due seconds after the switch (generous: on a loaded machine it must still fall due after it).
      const promo = await marketer.post('/api/posts', { text: 'Flash sale in a few seconds!', channelIds: [x], scheduledAt: inSeconds(6) }).expect(201);

      const activation = await lead.post('/api/crisis/activate', { reason: 'Checkout is down', playbookId: id }).expect(201);
      expect((await viewer.get('/api/crisis').expect(200)).body).toMatchObject({ active: true, crisis: { id: activation.body.crisis.id, level: 3 } });
      expect(activation.body.replacementPostIds).toEqual([]);
      expect(activation.body.notStaged).toEqual([]);
      expect(activation.body.drafts).toEqual([
        { postId: expect.any(String), templateId, templateVersion: 1, channelIds: [x], missing: [{ name: 'eta', description: 'When the next update comes' }] },
      ]);
      const draftId = activation.body.drafts[0].postId as string;

      // The promotion in scope falls due during the crisis: held, never sent.
      await waitFor(
        'the promo held',
        async () => {
          const post = await marketer.get(`/api/posts/${promo.body.id}`).expect(200);
          return (post.body.deliveries as DeliveryBody[])[0].state === 'held' || undefined;
        },
        30_000,
      );
      expect(tweeted('Flash sale in a few seconds!')).toBe(false);

      // The draft says what it misses, and nobody can approve it yet.
      const draft = await approver1.get(`/api/posts/${draftId}`).expect(200);
      expect(draft.body).toMatchObject({
        status: 'draft',
        crisisId: activation.body.crisis.id,
        text: 'We know Checkout is not working. Next update: {{eta}}.',
        deliveries: [],
        draft: { templateId, templateVersion: 1, channelIds: [x], missing: [{ name: 'eta', description: 'When the next update comes' }] },
      });
      const refused = await approver1.post(`/api/posts/${draftId}/approve`, {}).expect(409);
      expect(refused.body.message).toContain('draft');
      expect((await approver1.get('/api/approvals').expect(200)).body.map((a: { post: { id: string } }) => a.post.id)).not.toContain(draftId);

      // Filled with the value it missed (unknown names refused), it goes to the crisis's sign-off.
      await lead.post(`/api/posts/${draftId}/placeholder-values`, { placeholderValues: { region: 'EU' } }).expect(400);
      const filled = await lead.post(`/api/posts/${draftId}/placeholder-values`, { placeholderValues: { eta: '15:00 CET' } }).expect(200);
      expect(filled.body).toMatchObject({ status: 'pending_approval', text: 'We know Checkout is not working. Next update: 15:00 CET.', draft: null });
      expect(filled.body.deliveries).toEqual([expect.objectContaining({ channelId: x, state: 'pending_approval' })]);
      await lead.post(`/api/posts/${draftId}/approve`, {}).expect(403);
      await approver1.post(`/api/posts/${draftId}/approve`, {}).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(tweeted('We know Checkout is not working. Next update: 15:00 CET.')).toBe(false);
      await approver2.post(`/api/posts/${draftId}/approve`, {}).expect(200);
      await waitFor('the statement published', () => tweeted('We know Checkout is not working. Next update: 15:00 CET.') || undefined);
      expect(tweeted('Flash sale in a few seconds!')).toBe(false);
    }, 60_000);

    it('halts though messages cannot run as written, reporting each one not staged and why', async () => {
      const withdrawn = (await marketer.post('/api/templates', { ...OUTAGE, name: `Withdrawn ${++counter}` }).expect(201)).body.id as string;
      await approver1.post(`/api/templates/${withdrawn}/approve`, { version: 1 }).expect(200);
      const spare = (await t.admin.post('/api/channels', { platform: 'x', name: 'Spare', handle: '@spare', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
      const id = await playbook([
        { templateId: withdrawn, templateVersion: 1, channelIds: [x], offsetMinutes: 0, values: { service: 'Checkout', eta: 'noon' } },
        { templateId, templateVersion: 1, channelIds: [x, spare], offsetMinutes: 5, values: { service: 'Checkout' }, prompts: ['eta'] },
      ]);
      await approver1.post(`/api/templates/${withdrawn}/reject`, { version: 1, comment: 'Withdrawn by legal' }).expect(200);
      await t.admin.delete(`/api/channels/${spare}`).expect(204);

      const activation = await lead
        .post('/api/crisis/activate', { reason: 'Checkout is down', playbookId: id, placeholderValues: { eta: 'E'.repeat(300), etaa: 'typo' } })
        .expect(201);
      expect((await viewer.get('/api/crisis').expect(200)).body.active).toBe(true);
      expect(activation.body.replacementPostIds).toEqual([]);
      expect(activation.body.drafts).toEqual([]);
      expect(activation.body.warnings).toEqual(['placeholderValues.etaa is not asked by playbook ' + `Checkout outage ${counter}` + '; it asks for eta']);
      expect(activation.body.notStaged).toEqual([
        { index: 0, templateId: withdrawn, templateVersion: 1, channelIds: [x], reason: expect.stringContaining('was rejected') },
        { index: 1, templateId, templateVersion: 1, channelIds: [spare], reason: `channel ${spare} is no longer connected` },
        { index: 1, templateId, templateVersion: 1, channelIds: [x], reason: expect.stringContaining('the limit is 280') },
      ]);
    }, 60_000);

    it('halts with an archived playbook, staging none of its messages', async () => {
      const id = await playbook([{ templateId, templateVersion: 1, channelIds: [x], offsetMinutes: 0, values: { service: 'Checkout', eta: 'noon' } }]);
      await lead.delete(`/api/playbooks/${id}`).expect(200);
      const activation = await lead.post('/api/crisis/activate', { reason: 'Checkout is down', playbookId: id }).expect(201);
      expect(activation.body.crisis).toMatchObject({ level: 3, platforms: ['x'], approvalsRequired: 2 });
      expect(activation.body.notStaged).toEqual([{ index: 0, templateId, templateVersion: 1, channelIds: [x], reason: expect.stringContaining('is archived') }]);
    });

    it("refuses only a playbook it cannot find (another workspace's or none), before anything is halted", async () => {
      const stranger = await t.member('crisis_lead', await t.otherWorkspace());
      const theirs = (await stranger.post('/api/playbooks', { name: 'Theirs', category: 'platform_outage', level: 1, contacts: [{ name: 'A', role: 'B', email: 'a@example.com' }] }).expect(201)).body.id;
      await lead.post('/api/crisis/activate', { reason: 'Wrong playbook', playbookId: theirs }).expect(404);
      await lead.post('/api/crisis/activate', { reason: 'Wrong playbook', playbookId: '00000000-0000-4000-8000-000000000000' }).expect(404);
      await lead.post('/api/crisis/activate', { reason: 'Bad answer', placeholderValues: { eta: 'a\u0007b' } }).expect(400);
      expect((await viewer.get('/api/crisis').expect(200)).body.active).toBe(false);
    });

    it('fills a draft by PATCHing its text: it stays a draft while {{eta}} is still written in it', async () => {
      const id = await playbook([{ templateId, templateVersion: 1, channelIds: [x], offsetMinutes: 0, values: { service: 'Checkout' }, prompts: ['eta'] }]);
      const activation = await lead.post('/api/crisis/activate', { reason: 'Checkout is down', playbookId: id }).expect(201);
      const draftId = activation.body.drafts[0].postId as string;
      await marketer.patch(`/api/posts/${draftId}`, { channelIds: ['00000000-0000-4000-8000-000000000000'] }).expect(400);
      const still = await marketer.patch(`/api/posts/${draftId}`, { text: 'Checkout is down. Next update: {{eta}}, we promise.' }).expect(200);
      expect(still.body).toMatchObject({ status: 'draft', draft: { missing: [{ name: 'eta' }] }, deliveries: [] });
      await approver1.post(`/api/posts/${draftId}/approve`, {}).expect(409);
      const done = await lead.patch(`/api/posts/${draftId}`, { text: 'Checkout is down. Next update at 16:00.' }).expect(200);
      expect(done.body).toMatchObject({ status: 'pending_approval', draft: null, deliveries: [{ channelId: x, state: 'pending_approval' }] });
      // The crisis ends before anyone signs it: withdrawn with the other replacement posts.
      const end = await lead.post('/api/crisis/deactivate', {}).expect(200);
      expect(end.body.withdrawnPostIds).toEqual([draftId]);
    });
  });

  describe('acting on posts', () => {
    it('cancels a tone-deaf scheduled post of a marketer', async () => {
      const post = await marketer.post('/api/posts', { text: 'Party time!', channelIds: [x], scheduledAt: inSeconds(3600) }).expect(201);
      const cancelled = await lead.delete(`/api/posts/${post.body.id}`).expect(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', deliveries: [{ state: 'cancelled' }] });
      await viewer.delete(`/api/posts/${post.body.id}`).expect(403);
    });

    it('holds a post outside a crisis: it is not sent while held; released in time it goes out, released late it is missed', async () => {
      const lateAt = inSeconds(6);
      const late = await marketer.post('/api/posts', { text: 'Held past its time', channelIds: [x], scheduledAt: lateAt }).expect(201);
      const held = await lead.post(`/api/posts/${late.body.id}/hold`, { reason: 'Tone-deaf today' }).expect(200);
      expect(held.body.deliveries).toEqual([expect.objectContaining({ state: 'held', heldByCrisisId: null })]);
      await viewer.post(`/api/posts/${late.body.id}/hold`, {}).expect(403);
      await lead.post(`/api/posts/${late.body.id}/hold`, {}).expect(409);
      await waitFor('its time to pass while held', () => Date.now() > Date.parse(lateAt) + 1000 || undefined, 30_000);
      const released = await lead.post(`/api/posts/${late.body.id}/unhold`, {}).expect(200);
      expect(released.body.deliveries).toEqual([expect.objectContaining({ state: 'missed' })]);

      const ahead = await marketer.post('/api/posts', { text: 'Held a moment', channelIds: [x], scheduledAt: inSeconds(8) }).expect(201);
      await lead.post(`/api/posts/${ahead.body.id}/hold`, {}).expect(200);
      const resumed = await lead.post(`/api/posts/${ahead.body.id}/unhold`, {}).expect(200);
      expect(resumed.body.deliveries).toEqual([expect.objectContaining({ state: 'scheduled' })]);
      await waitFor('the released post published', () => tweeted('Held a moment') || undefined, 30_000);
      expect(tweeted('Held past its time')).toBe(false);
      const audit = await t.admin.get(`/api/audit?targetType=post&targetId=${late.body.id}`).expect(200);
      expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['post.held', 'post.hold_released']));
    }, 90_000);

    it('holds a post the crisis holds: the crisis sign-off cannot release it, nor the crisis end', async () => {
      const post = await marketer.post('/api/posts', { text: 'Spring promo', channelIds: [x], scheduledAt: inSeconds(3600) }).expect(201);
      await lead.post('/api/crisis/activate', { reason: 'Tragedy', level: 1 }).expect(201);
      await lead.post(`/api/posts/${post.body.id}/hold`, {}).expect(200);
      await approver1.post(`/api/posts/${post.body.id}/approve`, {}).expect(409);
      const end = await lead.post('/api/crisis/deactivate', {}).expect(200);
      expect(end.body.resumed).toEqual(expect.objectContaining({ deliveries: expect.any(Number) }));
      const after = await viewer.get(`/api/posts/${post.body.id}`).expect(200);
      expect(after.body.deliveries).toEqual([expect.objectContaining({ state: 'held', heldByCrisisId: null })]);
    });

    it('makes a post from an approved template version, outside a crisis published like any other', async () => {
      const made = await lead
        .post('/api/posts', { templateId, templateVersion: 1, placeholderValues: { service: 'Search', eta: '17:00' }, channelIds: [x], publishNow: true })
        .expect(201);
      expect(made.body).toMatchObject({ text: 'We know Search is not working. Next update: 17:00.', status: 'scheduled', crisisId: null });
      await waitFor('the template post published', () => tweeted('We know Search is not working. Next update: 17:00.') || undefined);

      const missing = await lead.post('/api/posts', { templateId, templateVersion: 1, placeholderValues: { service: 'Search' }, channelIds: [x], publishNow: true }).expect(400);
      expect(missing.body.message).toBe('placeholderValues.eta is required (When the next update comes)');
      await lead.post('/api/posts', { templateId, templateVersion: 1, text: 'both', channelIds: [x], publishNow: true }).expect(400);
      await lead.post('/api/posts', { templateId, channelIds: [x], publishNow: true }).expect(400);
      await lead.post('/api/posts', { channelIds: [x], publishNow: true }).expect(400);
      await lead.post('/api/posts', { templateId, templateVersion: 2 ** 40, channelIds: [x], publishNow: true }).expect(400);
      const pending = (await marketer.post('/api/templates', { ...OUTAGE, name: `Not approved ${++counter}` }).expect(201)).body.id;
      const refused = await lead.post('/api/posts', { templateId: pending, templateVersion: 1, placeholderValues: { service: 'a', eta: 'b' }, channelIds: [x], publishNow: true }).expect(400);
      expect(refused.body.message).toContain('is not approved yet');
    }, 30_000);

    it("writes a statement during a crisis that goes through the crisis's sign-off, never its author's", async () => {
      const activation = await lead.post('/api/crisis/activate', { reason: 'Outage', level: 3 }).expect(201);
      const statement = await lead.post('/api/posts', { text: 'We are on it. More at 18:00.', channelIds: [x], publishNow: true }).expect(201);
      expect(statement.body).toMatchObject({ status: 'pending_approval', crisisId: activation.body.crisis.id, labels: ['crisis'] });
      const fromTemplate = await lead
        .post('/api/posts', { templateId, templateVersion: 1, placeholderValues: { service: 'Login', eta: '19:00' }, channelIds: [x], publishNow: true })
        .expect(201);
      expect(fromTemplate.body).toMatchObject({ status: 'pending_approval', crisisId: activation.body.crisis.id });
      const queue = await approver1.get('/api/approvals').expect(200);
      expect(queue.body.slice(0, 2).map((a: { post: { id: string } }) => a.post.id).sort()).toEqual([statement.body.id, fromTemplate.body.id].sort());
      await lead.post(`/api/posts/${statement.body.id}/approve`, {}).expect(403);
      await approver1.post(`/api/posts/${statement.body.id}/approve`, {}).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(tweeted('We are on it. More at 18:00.')).toBe(false);
      await approver2.post(`/api/posts/${statement.body.id}/approve`, {}).expect(200);
      await waitFor('the statement published', () => tweeted('We are on it. More at 18:00.') || undefined);
      expect(tweeted('We know Login is not working. Next update: 19:00.')).toBe(false);
    }, 30_000);
  });
});
