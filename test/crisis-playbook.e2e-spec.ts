// A scripted crisis end to end: playbook → replacement post → two approvals at level 3 → published; ads paused and
// resumed exactly; the activation webhook signed with the playbook's contacts; the report as JSON and Markdown.
import { AdsJobs } from '../src/ads/ads.jobs';
import { renderCrisisReport, type CrisisReport } from '../src/crisis/crisis-report';
import { FakeMetaMarketingApi } from './fakes/ads/meta-marketing-api';
import { FakeWebhookReceiver } from './fakes/webhook-receiver';
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('a crisis run from its playbook', () => {
  let fake: FakeXApi;
  let meta: FakeMetaMarketingApi;
  let receiver: FakeWebhookReceiver;
  let t: TestApp;
  let marketer: Caller;
  let lead: Caller;
  let approver1: Caller;
  let approver2: Caller;
  let x: string;
  let adAccountId: string;

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
        WEBHOOK_TICK_MS: '100',
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
        ADS_SYNC_INTERVAL_MS: '86400000',
        ADS_RECONCILE_INTERVAL_MS: '3600000',
        ADS_RETRY_INTERVAL_MS: '200',
      },
    });
    marketer = await t.member('marketer');
    // The crisis lead can approve too: but never what the switch wrote in their name.
    lead = await t.member(['crisis_lead', 'approver']);
    approver1 = await t.member('approver');
    approver2 = await t.member('approver');
    x = (await t.admin.post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
    const account = await t.admin
      .post('/api/ad-accounts', { platform: 'meta', platformAccountId: 'act_1001', name: 'Brand on Meta', currency: 'EUR', credentials: { accessToken: 'meta-ads-token' } })
      .expect(201);
    adAccountId = account.body.id;
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([fake.close(), meta.close(), receiver.close()]);
  });

  it('holds, pauses, stages the statement, publishes it on two approvals, resumes exactly what it paused, and reports', async () => {
    // Paid media: one campaign running, one a person paused for their own reasons.
    const spring = meta.campaigns.add('1001', { name: 'Spring promo', dailyBudgetMinor: 5000, spendTodayMinor: 1234, spendLifetimeMinor: 98765 });
    const awareness = meta.campaigns.add('1001', { name: 'Brand awareness', dailyBudgetMinor: 3000, spendTodayMinor: 10, spendLifetimeMinor: 500 });
    await t.admin.post(`/api/ad-accounts/${adAccountId}/sync`).expect(200);
    const campaigns = (await marketer.get('/api/campaigns').expect(200)).body as { id: string; name: string }[];
    const awarenessId = campaigns.find((c) => c.name === 'Brand awareness')!.id;
    await marketer.post(`/api/campaigns/${awarenessId}/pause`, { reason: 'Creative under review' }).expect(200);
    await waitFor('the manual pause confirmed', () => meta.campaigns.find('1001', awareness.id)?.status === 'paused' || undefined);

    // Decided before the crisis: an approved holding statement and the playbook that uses it.
    const template = await marketer
      .post('/api/templates', {
        name: 'Holding statement',
        body: 'We are aware of {{issue}} and are investigating. Updates at {{url}}',
        placeholders: [
          { name: 'issue', description: 'What happened, in a few words' },
          { name: 'url', description: 'Status page' },
        ],
      })
      .expect(201);
    await approver1.post(`/api/templates/${template.body.id}/approve`, { version: 1 }).expect(200);
    const playbook = await lead
      .post('/api/playbooks', {
        name: 'Customer data exposed',
        category: 'data_breach',
        level: 3,
        contacts: [{ name: 'Dana Ruiz', role: 'Head of communications', email: 'dana@example.com', phone: '+34 600 000 000' }],
        pauseAds: true,
        messages: [{ templateId: template.body.id, templateVersion: 1, channelIds: [x], offsetMinutes: 0, values: { url: 'https://status.example.com' }, prompts: ['issue'] }],
      })
      .expect(201);
    const hook = await t.admin.post('/api/webhooks', { url: receiver.endpoint('crisis'), eventTypes: ['crisis.activated', 'crisis.deactivated'] }).expect(201);

    // A promotion already scheduled: the crisis must stop it.
    const promo = await marketer.post('/api/posts', { text: 'Flash sale today only!', channelIds: [x], publishNow: true, labels: ['promo'] });
    expect(promo.status).toBe(201);
    await waitFor('the promo published before the crisis', () => fake.tweets.find((tw) => tw.text === 'Flash sale today only!'));

    // A rehearsal with the prompt unanswered says what is missing (activation would halt anyway and stage a draft:
    // test/crisis-lead.e2e-spec.ts).
    const rehearsal = await lead.post(`/api/playbooks/${playbook.body.id}/rehearse`, {}).expect(400);
    expect(rehearsal.body.message).toBe('messages[0]: placeholderValues.issue is required (What happened, in a few words)');
    expect(await t.sql('SELECT id FROM crises')).toEqual([]);

    const activation = await lead
      .post('/api/crisis/activate', { reason: 'Customer data exposed', playbookId: playbook.body.id, placeholderValues: { issue: 'a data exposure' } })
      .expect(201);
    const crisisId = activation.body.crisis.id as string;
    expect(activation.body.crisis).toMatchObject({ level: 3, approvalsRequired: 2, pauseAds: true, playbook: { name: 'Customer data exposed', category: 'data_breach' } });
    expect(activation.body.ads).toMatchObject({ paused: 1, alreadyPaused: 1, pending: 0 });
    expect(meta.campaigns.find('1001', spring.id)?.status).toBe('paused');
    const [statementId] = activation.body.replacementPostIds as string[];
    expect(activation.body.replacementPostIds).toHaveLength(1);

    // The signed webhook carries the people to reach.
    const delivered = await waitFor('crisis.activated at the receiver', () => receiver.received('crisis').find((r) => (r.body as { type: string }).type === 'crisis.activated'));
    expect(FakeWebhookReceiver.verifies(delivered, hook.body.secret as string)).toBe(true);
    expect(FakeWebhookReceiver.verifies(delivered, 'whsec_not_the_secret_at_all_0000000000')).toBe(false);
    expect((delivered.body as { data: Record<string, unknown> }).data).toMatchObject({
      crisisId,
      level: 3,
      contacts: [{ name: 'Dana Ruiz', role: 'Head of communications', email: 'dana@example.com', phone: '+34 600 000 000' }],
      replacementPostIds: [statementId],
    });

    // The statement waits in front of the approvers; its author (the lead, who flipped the switch) cannot sign it.
    const statement = await marketer.get(`/api/posts/${statementId}`).expect(200);
    expect(statement.body).toMatchObject({
      text: 'We are aware of a data exposure and are investigating. Updates at https://status.example.com',
      status: 'pending_approval',
      crisisId,
      labels: ['crisis'],
    });
    const queue = await approver1.get('/api/approvals').expect(200);
    expect(queue.body[0]).toMatchObject({ post: { id: statementId }, crisis: { id: crisisId, required: 2, given: 0 } });
    await lead.post(`/api/posts/${statementId}/approve`, {}).expect(403);
    await approver1.post(`/api/posts/${statementId}/approve`, {}).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(fake.tweets.filter((tw) => tw.text.startsWith('We are aware'))).toHaveLength(0);
    await approver2.post(`/api/posts/${statementId}/approve`, { comment: 'Legal has seen it' }).expect(200);
    await waitFor('the statement published', () => fake.tweets.find((tw) => tw.text.startsWith('We are aware of a data exposure')));

    // Someone resumes the campaign in the ads manager: the reconciler pauses it again.
    meta.campaigns.resumeOutside(spring.id);
    await t.app.get(AdsJobs).reconcile();
    await waitFor('the drift re-paused', () => meta.campaigns.find('1001', spring.id)?.status === 'paused' || undefined);

    await lead.post(`/api/crises/${crisisId}/notes`, { text: 'Statement took two approvals; pre-approve a shorter variant.' }).expect(201);
    const end = await lead.post('/api/crisis/deactivate', { note: 'Contained' }).expect(200);
    expect(end.body.campaigns).toMatchObject({ resumed: 1, pending: 0 });
    await waitFor('the campaign resumed', () => meta.campaigns.find('1001', spring.id)?.status === 'active' || undefined);
    expect(meta.campaigns.find('1001', awareness.id)?.status).toBe('paused');

    const report = (await t.admin.get(`/api/crises/${crisisId}/report`).expect(200)).body as CrisisReport;
    expect(report.crisis).toMatchObject({ id: crisisId, level: 3, deactivationNote: 'Contained', playbook: { name: 'Customer data exposed', category: 'data_breach' } });
    expect(report.summary).toMatchObject({ released: 1, published: 1, campaignsPaused: 1, campaignsResumed: 1 });
    expect(report.firstStatement).toMatchObject({ postId: statementId, platform: 'x' });
    expect(report.approvals.items.map((a) => a.approver)).toHaveLength(2);
    expect(report.campaigns.find((c) => c.action === 'pause')).toMatchObject({ campaign: 'Spring promo', spendAtPauseMinor: 98765, currency: 'EUR' });
    expect(report.timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['crisis.activated', 'post.approved', 'crisis.note_added', 'crisis.deactivated']));
    expect(report.notes).toEqual([expect.objectContaining({ text: 'Statement took two approvals; pre-approve a shorter variant.' })]);

    const markdown = await t.admin.get(`/api/crises/${crisisId}/report?format=markdown`).expect(200);
    expect(markdown.headers['content-type']).toMatch(/^text\/markdown/);
    expect(markdown.text).toBe(renderCrisisReport(report));
    const accepted = await t.admin.get(`/api/crises/${crisisId}/report`).set('Accept', 'text/markdown').expect(200);
    expect(accepted.text).toBe(markdown.text);
    await t.admin.get(`/api/crises/${crisisId}/report?format=pdf`).expect(400);
  }, 90_000);
});
