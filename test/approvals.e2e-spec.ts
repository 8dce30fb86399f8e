// Sign-off in normal mode: four eyes, bound to the exact version, the count schedules the post.
import { channelBody } from './support/factories';
import { FakeWebhookReceiver } from './fakes/webhook-receiver';
import { waitFor } from './support/wait';
import { Caller, TestApp } from './support/test-app';

const inOneHour = (): string => new Date(Date.now() + 3600_000).toISOString();

describe('approvals', () => {
  let t: TestApp;
  let marketer: Caller;
  let otherMarketer: Caller;
  let approverA: Caller;
  let approverB: Caller;
  let writerApprover: Caller;
  let channel: string;

  beforeAll(async () => {
    t = await TestApp.start();
    marketer = await t.member('marketer');
    otherMarketer = await t.member('marketer');
    approverA = await t.member('approver');
    approverB = await t.member('approver');
    writerApprover = await t.member(['marketer', 'approver']);
    channel = (await t.admin.post('/api/channels', channelBody('mastodon')).expect(201)).body.id;
    await t.admin.put('/api/approval-policy', { approvalsRequired: 2, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 }).expect(200);
  });
  afterAll(() => t.close());

  async function draft(by: Caller = marketer, text = 'Needs sign-off'): Promise<string> {
    const res = await by.post('/api/posts', { text, channelIds: [channel], scheduledAt: inOneHour() }).expect(201);
    expect(res.body.status).toBe('pending_approval');
    expect(res.body.deliveries[0].state).toBe('pending_approval');
    return res.body.id;
  }

  it('has PRODUCT.md defaults until an admin sets the policy', async () => {
    const fresh = await t.otherWorkspace();
    const res = await fresh.get('/api/approval-policy').expect(200);
    expect(res.body).toEqual({ approvalsRequired: 0, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2, crisisApprovalsCarryOver: false });
    await marketer.put('/api/approval-policy', { approvalsRequired: 0, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 }).expect(403);
    await t.admin.put('/api/approval-policy', { approvalsRequired: 9, crisisLevel1: 0, crisisLevel2: 1, crisisLevel3: 2 }).expect(400);
  });

  it('schedules the deliveries when the count is reached, not before', async () => {
    const id = await draft();
    const first = await approverA.post(`/api/posts/${id}/approve`, { comment: 'fine' }).expect(200);
    expect(first.body).toMatchObject({ required: 2, given: 1, post: { status: 'pending_approval' } });
    expect(first.body.post.deliveries[0].state).toBe('pending_approval');
    const second = await approverB.post(`/api/posts/${id}/approve`, {}).expect(200);
    expect(second.body).toMatchObject({ required: 2, given: 2, post: { status: 'scheduled' } });
    expect(second.body.post.deliveries[0].state).toBe('scheduled');
  });

  it('counts one approver once', async () => {
    const id = await draft();
    await approverA.post(`/api/posts/${id}/approve`, {}).expect(200);
    const again = await approverA.post(`/api/posts/${id}/approve`, {}).expect(409);
    expect(again.body.message).toContain('already approved');
  });

  it('refuses sign-off by the author or the last editor (four eyes)', async () => {
    const own = await draft(writerApprover);
    const res = await writerApprover.post(`/api/posts/${own}/approve`, {}).expect(403);
    expect(res.body.message).toContain('Four eyes');

    const edited = await draft();
    await writerApprover.patch(`/api/posts/${edited}`, { text: 'Edited by a marketer-approver' }).expect(200);
    await writerApprover.post(`/api/posts/${edited}/approve`, {}).expect(403);
    await marketer.post(`/api/posts/${edited}/approve`, {}).expect(403);
  });

  it('voids approvals when the content changes, even back to an approved text', async () => {
    const id = await draft(marketer, 'Version one');
    await approverA.post(`/api/posts/${id}/approve`, {}).expect(200);
    await otherMarketer.patch(`/api/posts/${id}`, { text: 'Version two' }).expect(200);
    const queue = await approverB.get('/api/approvals').expect(200);
    const entry = queue.body.find((item: { post: { id: string } }) => item.post.id === id);
    expect(entry).toMatchObject({ required: 2, given: 0, decisions: [], canApprove: true });
    await otherMarketer.patch(`/api/posts/${id}`, { text: 'Version one' }).expect(200);
    const back = await approverB.post(`/api/posts/${id}/approve`, {}).expect(200);
    expect(back.body).toMatchObject({ given: 1, post: { status: 'pending_approval', contentVersion: 3 } });
  });

  it('reschedules without voiding approvals', async () => {
    const id = await draft();
    await approverA.post(`/api/posts/${id}/approve`, {}).expect(200);
    await marketer.patch(`/api/posts/${id}`, { scheduledAt: new Date(Date.now() + 7200_000).toISOString(), labels: ['moved'] }).expect(200);
    const done = await approverB.post(`/api/posts/${id}/approve`, {}).expect(200);
    expect(done.body).toMatchObject({ given: 2, post: { status: 'scheduled' } });
  });

  it('sends a post back with a required comment; it waits for an edit', async () => {
    const id = await draft();
    const noComment = await approverA.post(`/api/posts/${id}/reject`, {}).expect(400);
    expect(noComment.body.message).toContain('comment is required');
    const rejected = await approverA.post(`/api/posts/${id}/reject`, { comment: 'Tone is off' }).expect(200);
    expect(rejected.body.post.status).toBe('rejected');
    expect(rejected.body.decisions[0]).toMatchObject({ decision: 'rejected', comment: 'Tone is off' });
    await approverB.post(`/api/posts/${id}/approve`, {}).expect(409);
    const resubmitted = await marketer.patch(`/api/posts/${id}`, { text: 'Better tone' }).expect(200);
    expect(resubmitted.body.status).toBe('pending_approval');
    await approverB.post(`/api/posts/${id}/approve`, {}).expect(200);
  });

  it('lists what waits, oldest first, telling each approver what they may sign', async () => {
    const first = await draft(marketer, 'First in line');
    const second = await draft(writerApprover, 'Second in line');
    const queue = await writerApprover.get('/api/approvals').expect(200);
    const ids = queue.body.map((item: { post: { id: string } }) => item.post.id);
    expect(ids.indexOf(first)).toBeLessThan(ids.indexOf(second));
    const mine = queue.body.find((item: { post: { id: string } }) => item.post.id === second);
    expect(mine.canApprove).toBe(false);
    // Every member reads the queue; only approvers may act on it, and each item says so.
    const read = await marketer.get('/api/approvals').expect(200);
    expect(read.body.find((item: { post: { id: string } }) => item.post.id === second)).toMatchObject({ youMayApprove: false });
    await approverA.get('/api/approvals?limit=0').expect(400);
  });

  it('audits every decision', async () => {
    const id = await draft();
    await approverA.post(`/api/posts/${id}/approve`, { comment: 'ok' }).expect(200);
    const audit = await t.admin.get(`/api/audit?targetType=post&targetId=${id}`).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['post.approved', 'post.created']);
    expect(audit.body.items[0]).toMatchObject({ actorId: approverA.memberId, reason: 'ok' });
  });
});

describe('approval requests', () => {
  it('announce each version that starts waiting to the approval.requested webhook', async () => {
    const receiver = await FakeWebhookReceiver.start();
    const t = await TestApp.start({ env: { WEBHOOK_TICK_MS: '100', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
    try {
      const marketer = await t.member('marketer');
      const channel = (await t.admin.post('/api/channels', channelBody('mastodon')).expect(201)).body.id;
      const hook = await t.admin.post('/api/webhooks', { url: receiver.endpoint('approvals'), eventTypes: ['approval.requested'] }).expect(201);
      await marketer.post('/api/posts', { text: 'No sign-off needed', channelIds: [channel], scheduledAt: inOneHour() }).expect(201);
      await t.admin.put('/api/approval-policy', { approvalsRequired: 1, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 }).expect(200);
      const post = await marketer.post('/api/posts', { text: 'Needs a look', channelIds: [channel], scheduledAt: inOneHour() }).expect(201);
      await marketer.patch(`/api/posts/${post.body.id}`, { text: 'Needs a look, edited' }).expect(200);
      const requests = await waitFor('two approval requests', () => (receiver.received('approvals').length >= 2 ? receiver.received('approvals') : undefined));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.received('approvals')).toHaveLength(2);
      for (const request of requests) {
        expect(FakeWebhookReceiver.verifies(request, hook.body.secret as string)).toBe(true);
      }
      const data = requests.map((r) => (r.body as { type: string; data: Record<string, unknown> }).data);
      expect(data.map((d) => [d.postId, d.contentVersion, d.required])).toEqual([
        [post.body.id, 1, 1],
        [post.body.id, 2, 1],
      ]);
      expect(data[0].channels).toEqual([{ id: channel, platform: 'mastodon' }]);
    } finally {
      await t.close();
      await receiver.close();
    }
  });
});
