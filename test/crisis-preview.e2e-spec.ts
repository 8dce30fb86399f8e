// The switch's previews: what activation and deactivation would do, computed by the service, changing nothing.
import { FakeMetaMarketingApi } from './fakes/ads/meta-marketing-api';
import { FakeWebhookReceiver } from './fakes/webhook-receiver';
import { FakeXApi } from './fakes/x-api';
import { channelBody } from './support/factories';
import { Caller, TestApp } from './support/test-app';

interface PreviewDelivery {
  deliveryId: string;
  postId: string;
  text: string;
  channelName: string;
  platform: string;
  dueAt: string;
}

describe('the crisis previews', () => {
  let fake: FakeXApi;
  let meta: FakeMetaMarketingApi;
  let receiver: FakeWebhookReceiver;
  let t: TestApp;
  let marketer: Caller;
  let lead: Caller;
  let approver: Caller;
  let x: string;
  let mastodon: string;
  let playbookId: string;

  beforeAll(async () => {
    fake = await FakeXApi.start();
    fake.rateLimit = 1_000_000;
    meta = await FakeMetaMarketingApi.start();
    receiver = await FakeWebhookReceiver.start();
    t = await TestApp.start({
      env: {
        X_API_URL: fake.url,
        META_GRAPH_URL: meta.url,
        DISPATCH_TICK_MS: '100',
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
        ADS_SYNC_INTERVAL_MS: '86400000',
        ADS_RECONCILE_INTERVAL_MS: '3600000',
        ADS_RETRY_INTERVAL_MS: '200',
      },
    });
    marketer = await t.member('marketer');
    lead = await t.member('crisis_lead');
    approver = await t.member('approver');
    x = (await t.admin.post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
    mastodon = (await t.admin.post('/api/channels', channelBody('mastodon', { name: 'Brand on Mastodon' })).expect(201)).body.id;
    const account = await t.admin
      .post('/api/ad-accounts', { platform: 'meta', platformAccountId: 'act_1001', name: 'Brand on Meta', currency: 'EUR', credentials: { accessToken: 'meta-ads-token' } })
      .expect(201);
    meta.campaigns.add('1001', { name: 'Spring promo', dailyBudgetMinor: 5000, spendTodayMinor: 1234, spendLifetimeMinor: 98765 });
    await t.admin.post(`/api/ad-accounts/${account.body.id}/sync`).expect(200);

    const template = await marketer
      .post('/api/templates', { name: 'Holding statement', body: 'We are aware of {{issue}} and are investigating.', placeholders: [{ name: 'issue', description: 'What happened' }] })
      .expect(201);
    await approver.post(`/api/templates/${template.body.id}/approve`, { version: 1 }).expect(200);
    playbookId = (
      await lead
        .post('/api/playbooks', {
          name: 'Outage',
          category: 'platform_outage',
          level: 2,
          contacts: [{ name: 'Dana Ruiz', role: 'Head of communications', email: 'dana@example.com' }],
          pauseAds: true,
          messages: [{ templateId: template.body.id, templateVersion: 1, channelIds: [x], offsetMinutes: 5, values: {}, prompts: ['issue'] }],
        })
        .expect(201)
    ).body.id;
    await t.admin.post('/api/webhooks', { url: `${receiver.endpoint('crisis')}?token=secret-in-query`, eventTypes: ['crisis.activated'], description: 'Pager' }).expect(201);
    await t.admin.post('/api/webhooks', { url: receiver.endpoint('other'), eventTypes: ['crisis.deactivated'] }).expect(201);

    // Due in 30 minutes, in 5 hours and in 3 days on X; one in 30 minutes on Mastodon.
    for (const [text, minutes, channel] of [
      ['Launch teaser', 30, x],
      ['Afternoon tip', 300, x],
      ['Weekend offer', 3 * 24 * 60, x],
      ['Mastodon hello', 30, mastodon],
    ] as const) {
      await marketer.post('/api/posts', { text, channelIds: [channel], scheduledAt: new Date(Date.now() + minutes * 60_000).toISOString() }).expect(201);
    }
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([fake.close(), meta.close(), receiver.close()]);
  });
  afterEach(async () => {
    if ((await marketer.get('/api/crisis').expect(200)).body.active) {
      await lead.post('/api/crisis/deactivate', { note: 'test cleanup', resumeCampaigns: true }).expect(200);
    }
  });

  async function writes(): Promise<{ crises: number; audit: number; posts: number; pauseOrders: number }> {
    const [row] = await t.sql<{ crises: number; audit: number; posts: number; pause_orders: number }>(
      `SELECT (SELECT count(*)::int FROM crises) AS crises, (SELECT count(*)::int FROM audit_events) AS audit,
              (SELECT count(*)::int FROM posts) AS posts, (SELECT count(*)::int FROM pause_orders) AS pause_orders`,
    );
    return { crises: row.crises, audit: row.audit, posts: row.posts, pauseOrders: row.pause_orders };
  }

  it('counts what would be held by window, lists the first due, the campaigns, the staging and who hears, and writes nothing', async () => {
    const before = await writes();
    const res = await lead.post('/api/crisis/preview', { reason: 'Outage', playbookId, platforms: ['x', 'facebook'], placeholderValues: { issue: 'an outage' } }).expect(200);
    expect(await writes()).toEqual(before);
    expect(res.body).toMatchObject({ level: 2, platforms: ['x', 'facebook'], pauseAds: true, held: { deliveries: 3, dueWithinHour: 1, dueWithinDay: 2, byPlatform: { x: 3 } } });
    expect((res.body.firstDue as PreviewDelivery[]).map((d) => [d.text, d.channelName, d.platform])).toEqual([
      ['Launch teaser', 'Brand on X', 'x'],
      ['Afternoon tip', 'Brand on X', 'x'],
      ['Weekend offer', 'Brand on X', 'x'],
    ]);
    // Meta's campaigns run behind Facebook: held with it, and not with X alone.
    expect(res.body.campaigns.wouldPause.map((c: { name: string }) => c.name)).toEqual(['Spring promo']);
    const xOnly = await lead.post('/api/crisis/preview', { reason: 'X only', level: 1, platforms: ['x'] }).expect(200);
    expect(xOnly.body.campaigns).toEqual({ wouldPause: [], alreadyPaused: [] });
    expect(res.body.playbook).toMatchObject({ id: playbookId, name: 'Outage' });
    expect(res.body.replacements).toEqual([
      expect.objectContaining({ templateName: 'Holding statement', text: 'We are aware of an outage and are investigating.', offsetMinutes: 5, missing: [], channels: [expect.objectContaining({ id: x, name: 'Brand on X' })] }),
    ]);
    expect(res.body.notStaged).toEqual([]);
    expect(res.body.notified.webhookCount).toBe(1);
    expect(res.body.notified.webhooks[0]).toMatchObject({ description: 'Pager', host: new URL(receiver.endpoint('crisis')).host });
    expect(JSON.stringify(res.body)).not.toContain('secret-in-query');
    expect(res.body.notified.contacts).toEqual([expect.objectContaining({ name: 'Dana Ruiz', role: 'Head of communications' })]);

    // The switch then holds exactly what the preview counted.
    const activation = await lead.post('/api/crisis/activate', { reason: 'Outage', playbookId, platforms: ['x', 'facebook'], placeholderValues: { issue: 'an outage' } }).expect(201);
    expect(activation.body.held).toMatchObject({ deliveries: res.body.held.deliveries, dueWithinHour: 1, dueWithinDay: 2 });
  }, 60_000);

  it('covers every platform without a scope, and says what a playbook message still misses', async () => {
    const all = await lead.post('/api/crisis/preview', { reason: 'All', playbookId }).expect(200);
    expect(all.body.platforms).toBeNull();
    expect(all.body.held).toMatchObject({ deliveries: 4, dueWithinHour: 2 });
    expect(all.body.replacements[0].missing).toEqual(['issue']);
    const noAds = await lead.post('/api/crisis/preview', { reason: 'Mastodon only', level: 1, platforms: ['mastodon'], pauseAds: false }).expect(200);
    expect(noAds.body).toMatchObject({ level: 1, campaigns: null, playbook: null, replacements: [], held: { deliveries: 1 } });
    expect(noAds.body.notified.contacts).toEqual([]);
  }, 60_000);

  it('refuses bad input with a 400, other roles with a 403, and answers 409 while a crisis is on', async () => {
    expect((await lead.post('/api/crisis/preview', { level: 1 }).expect(400)).body.message).toContain('reason');
    expect((await lead.post('/api/crisis/preview', { reason: 'r', level: 7 }).expect(400)).body.message).toContain('level');
    expect((await lead.post('/api/crisis/preview', { reason: 'r', level: 1, platforms: ['myspace'] }).expect(400)).body.message).toContain('platforms');
    expect((await lead.post('/api/crisis/preview', { reason: 'r' }).expect(400)).body.message).toContain('level is required');
    await lead.post('/api/crisis/preview', { reason: 'r', playbookId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    await marketer.post('/api/crisis/preview', { reason: 'r', level: 1 }).expect(403);
    await marketer.post('/api/crisis/deactivation-preview', {}).expect(403);
    await lead.post('/api/crisis/deactivation-preview', {}).expect(409);
    await lead.post('/api/crisis/activate', { reason: 'On', level: 1, pauseAds: false }).expect(201);
    const conflict = await lead.post('/api/crisis/preview', { reason: 'r', level: 1 }).expect(409);
    expect(conflict.body.message).toContain('already active');
    await lead.post('/api/crisis/deactivation-preview', { resumeCampaigns: 'yes' }).expect(400);
  }, 60_000);

  it('racing an activation, answers the preview (200) or the conflict (409), never a 5xx, and the switch flips once', async () => {
    const [preview, activation] = await Promise.all([
      lead.post('/api/crisis/preview', { reason: 'Race', playbookId, placeholderValues: { issue: 'an outage' } }),
      lead.post('/api/crisis/activate', { reason: 'Race', level: 1, pauseAds: false }),
    ]);
    expect(activation.status).toBe(201);
    expect([200, 409]).toContain(preview.status);
    const crises = await t.sql<{ reason: string }>('SELECT reason FROM crises WHERE deactivated_at IS NULL');
    expect(crises).toEqual([{ reason: 'Race' }]);
    // The preview staged nothing: the only crisis posts are none (the activation had no playbook).
    expect(await t.sql('SELECT id FROM posts WHERE crisis_id = $1', [activation.body.crisis.id])).toEqual([]);
  }, 60_000);

  it("is scoped to the caller's workspace: another workspace's lead previews nothing of this one", async () => {
    const otherAdmin = await t.otherWorkspace();
    const otherLead = await t.member('crisis_lead', otherAdmin);
    await lead.post('/api/crisis/activate', { reason: 'Here only', level: 1, pauseAds: false }).expect(201);
    const other = await otherLead.post('/api/crisis/preview', { reason: 'There', level: 1 }).expect(200);
    expect(other.body.held.deliveries).toBe(0);
    expect(other.body.firstDue).toEqual([]);
    expect(other.body.notified.webhookCount).toBe(0);
    await otherLead.post('/api/crisis/preview', { reason: 'There', playbookId }).expect(404);
    await otherLead.post('/api/crisis/deactivation-preview', {}).expect(409);
  }, 60_000);

  it('says before the end what resumes, what becomes missed and which campaigns resume or stay paused, as the end then does', async () => {
    const activation = await lead.post('/api/crisis/activate', { reason: 'Outage', level: 1, platforms: ['x', 'facebook'] }).expect(201);
    expect(activation.body.ads.paused).toBe(1);
    // One post's time passes during the crisis.
    await t.sql(`UPDATE deliveries d SET due_at = now() - interval '1 minute' FROM posts p WHERE p.id = d.post_id AND p.text = 'Launch teaser'`);
    const [passed] = await t.sql<{ id: string }>(`SELECT d.id FROM deliveries d JOIN posts p ON p.id = d.post_id WHERE p.text = 'Launch teaser'`);
    const kept = await lead.post('/api/crisis/deactivation-preview', { resumeCampaigns: false }).expect(200);
    expect(kept.body.campaignsResume).toEqual([]);
    expect(kept.body.campaignsStayPaused.map((c: { name: string }) => c.name)).toEqual(['Spring promo']);
    const before = await writes();
    const preview = await lead.post('/api/crisis/deactivation-preview', {}).expect(200);
    expect(await writes()).toEqual(before);
    expect(preview.body.crisisId).toBe(activation.body.crisis.id);
    expect(preview.body.missed.count).toBe(1);
    expect((preview.body.missed.first as PreviewDelivery[]).map((d) => [d.deliveryId, d.text])).toEqual([[passed.id, 'Launch teaser']]);
    expect(preview.body.resume.count).toBe(2);
    expect((preview.body.resume.first as PreviewDelivery[]).map((d) => d.text)).toEqual(['Afternoon tip', 'Weekend offer']);
    expect(preview.body.campaignsResume.map((c: { name: string }) => c.name)).toEqual(['Spring promo']);

    const ended = await lead.post('/api/crisis/deactivate', { note: 'Resolved' }).expect(200);
    expect(ended.body.missed).toEqual([passed.id]);
    const states = await t.sql<{ text: string; state: string }>(
      `SELECT p.text, d.state FROM deliveries d JOIN posts p ON p.id = d.post_id WHERE d.platform = 'x' AND p.crisis_id IS NULL ORDER BY d.due_at`,
    );
    expect(states).toEqual([
      { text: 'Launch teaser', state: 'missed' },
      { text: 'Afternoon tip', state: 'scheduled' },
      { text: 'Weekend offer', state: 'scheduled' },
    ]);
  }, 60_000);
});
