// The crisis room's read: the playbook's replacement posts first, with who signed them off under the crisis,
// and what the crisis holds with the posts' text (GET /api/crises/:id/room).
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';

interface Room {
  crisisId: string;
  approvalsRequired: number;
  replacementPosts: { id: string; text: string; status: string; crisisApprovals: { approverId: string; approverName: string }[] }[];
  held: { deliveryId: string; postId: string; text: string; platform: string; channel: string; state: string; crisisApprovals: { approverId: string }[] }[];
  heldTruncated: boolean;
}

describe('the crisis room read', () => {
  let fake: FakeXApi;
  let t: TestApp;
  let marketer: Caller;
  let lead: Caller;
  let approver: Caller;
  let x: string;

  beforeAll(async () => {
    fake = await FakeXApi.start();
    t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100' } });
    marketer = await t.member('marketer');
    lead = await t.member('crisis_lead');
    approver = await t.member('approver');
    x = (await t.admin.post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('lists the staged statement and the held post with their texts, and the sign-offs given under the crisis', async () => {
    const template = await marketer.post('/api/templates', { name: 'Holding statement', body: 'We are looking into an outage.', placeholders: [] }).expect(201);
    await approver.post(`/api/templates/${template.body.id}/approve`, { version: 1 }).expect(200);
    const playbook = await lead
      .post('/api/playbooks', {
        name: 'Outage',
        category: 'platform_outage',
        level: 3,
        contacts: [{ name: 'Dana Ruiz', role: 'Head of communications', email: 'dana@example.com' }],
        pauseAds: false,
        messages: [{ templateId: template.body.id, templateVersion: 1, channelIds: [x], offsetMinutes: 0 }],
      })
      .expect(201);
    const later = new Date(Date.now() + 3 * 3600_000).toISOString();
    const promo = await marketer.post('/api/posts', { text: 'Weekend sale starts soon', channelIds: [x], scheduledAt: later }).expect(201);

    const activation = await lead.post('/api/crisis/activate', { reason: 'Outage', playbookId: playbook.body.id }).expect(201);
    const crisisId = activation.body.crisis.id as string;
    const [statementId] = activation.body.replacementPostIds as string[];

    const room = (await marketer.get(`/api/crises/${crisisId}/room`).expect(200)).body as Room;
    expect(room).toMatchObject({ crisisId, approvalsRequired: 2, heldTruncated: false });
    expect(room.replacementPosts).toEqual([expect.objectContaining({ id: statementId, text: 'We are looking into an outage.', status: 'pending_approval', crisisApprovals: [] })]);
    expect(room.held).toEqual([
      expect.objectContaining({ postId: promo.body.id, text: 'Weekend sale starts soon', platform: 'x', channel: 'Brand on X', crisisApprovals: [] }),
    ]);

    await approver.post(`/api/posts/${statementId}/approve`, {}).expect(200);
    await approver.post(`/api/posts/${promo.body.id}/approve`, {}).expect(200);
    const after = (await lead.get(`/api/crises/${crisisId}/room`).expect(200)).body as Room;
    expect(after.replacementPosts[0].crisisApprovals).toEqual([expect.objectContaining({ approverId: approver.memberId })]);
    expect(after.held[0].crisisApprovals).toEqual([expect.objectContaining({ approverId: approver.memberId })]);
  });

  it('answers 404 for a crisis of no one, 400 for a malformed id, 401 without a session', async () => {
    const missing = await marketer.get('/api/crises/00000000-0000-4000-8000-000000000000/room').expect(404);
    expect(missing.body.message).toMatch(/not found/i);
    await marketer.get('/api/crises/not-an-id/room').expect(400);
    await t.anonymous.get(`/api/crises/00000000-0000-4000-8000-000000000000/room`).expect(401);
  });
});
