// What the console's approvals queue and post view read: every decision on a post (current or voided),
// the version an edit replaced, and why the caller may not sign a post off, in the decision routes' words.
import { channelBody } from './support/factories';
import { Caller, TestApp } from './support/test-app';

const inOneHour = (): string => new Date(Date.now() + 3600_000).toISOString();

interface QueueItem {
  post: { id: string; text: string; contentVersion: number };
  youMayApprove: boolean;
  whyNot: string | null;
  previousVersion: { contentVersion: number; text: string; platformText: Record<string, string>; channelIds: string[]; editorId: string } | null;
  authorName: string | null;
  lastEditorName: string | null;
}

describe('approval decisions and versions', () => {
  let t: TestApp;
  let marketer: Caller;
  let approverA: Caller;
  let approverB: Caller;
  let writerApprover: Caller;
  let viewer: Caller;
  let channel: string;

  beforeAll(async () => {
    t = await TestApp.start();
    marketer = await t.member('marketer');
    approverA = await t.member('approver');
    approverB = await t.member('approver');
    writerApprover = await t.member(['marketer', 'approver']);
    viewer = await t.member('viewer');
    channel = (await t.admin.post('/api/channels', channelBody('mastodon')).expect(201)).body.id;
    await t.admin.put('/api/approval-policy', { approvalsRequired: 2, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 }).expect(200);
  });
  afterAll(() => t.close());

  async function draft(by: Caller = marketer, text = 'Needs sign-off'): Promise<string> {
    const res = await by.post('/api/posts', { text, channelIds: [channel], scheduledAt: inOneHour() }).expect(201);
    return res.body.id;
  }

  async function queueItem(as: Caller, id: string): Promise<QueueItem> {
    const res = await as.get('/api/approvals').expect(200);
    const item = (res.body as QueueItem[]).find((i) => i.post.id === id);
    if (!item) {
      throw new Error(`post ${id} is not in the queue`);
    }
    return item;
  }

  it('lets the author read every decision, the rejection comment included, marked current or void', async () => {
    const id = await draft(marketer, 'Our new range lands Friday');
    await approverA.post(`/api/posts/${id}/approve`, { comment: 'Reads well' }).expect(200);
    await approverB.post(`/api/posts/${id}/reject`, { comment: 'Say which Friday: the 12th' }).expect(200);

    const before = await marketer.get(`/api/posts/${id}/decisions`).expect(200);
    expect(before.body).toEqual([
      expect.objectContaining({ decision: 'approved', approverId: approverA.memberId, comment: 'Reads well', contentVersion: 1, current: true }),
      expect.objectContaining({ decision: 'rejected', approverId: approverB.memberId, comment: 'Say which Friday: the 12th', contentVersion: 1, current: true }),
    ]);
    expect(typeof before.body[0].approverName).toBe('string');
    expect(before.body[0].approverName.length).toBeGreaterThan(0);
    expect(Date.parse(before.body[0].createdAt)).not.toBeNaN();

    await marketer.patch(`/api/posts/${id}`, { text: 'Our new range lands Friday the 12th' }).expect(200);
    const after = await viewer.get(`/api/posts/${id}/decisions`).expect(200);
    expect(after.body.map((d: { decision: string; current: boolean }) => [d.decision, d.current])).toEqual([
      ['approved', false],
      ['rejected', false],
    ]);
  });

  it('answers 404 for another workspace’s post, and for one that does not exist', async () => {
    const id = await draft();
    const other = await t.otherWorkspace();
    const res = await other.get(`/api/posts/${id}/decisions`).expect(404);
    expect(res.body.message).toContain(id);
    await marketer.get('/api/posts/00000000-0000-4000-8000-000000000000/decisions').expect(404);
    await marketer.get('/api/posts/not-an-id/decisions').expect(400);
  });

  it('gives the version an edit replaced, and none for a first version', async () => {
    const id = await draft(marketer, 'Doors open at nine');
    expect((await queueItem(approverA, id)).previousVersion).toBeNull();

    await writerApprover.patch(`/api/posts/${id}`, { text: 'Doors open at ten', platformText: { mastodon: 'Doors open at ten, toots welcome' } }).expect(200);
    const item = await queueItem(approverA, id);
    expect(item.post).toMatchObject({ text: 'Doors open at ten', contentVersion: 2 });
    expect(item.previousVersion).toMatchObject({
      contentVersion: 1,
      text: 'Doors open at nine',
      platformText: {},
      channelIds: [channel],
      editorId: marketer.memberId,
    });
    expect(item.lastEditorName).not.toBeNull();
    expect(item.authorName).not.toBe(item.lastEditorName);

    // A reschedule is no new version: the previous one stays what it was.
    await marketer.patch(`/api/posts/${id}`, { scheduledAt: new Date(Date.now() + 7200_000).toISOString() }).expect(200);
    expect((await queueItem(approverA, id)).previousVersion).toMatchObject({ contentVersion: 1, text: 'Doors open at nine' });
  });

  it('says why each member may not sign a post off, exactly as the decision route refuses', async () => {
    const id = await draft(writerApprover, 'Written by an approver');
    await approverA.post(`/api/posts/${id}/approve`, {}).expect(200);

    const cases: Array<[string, Caller, number | null]> = [
      ['author who is an approver', writerApprover, 403],
      ['approver who already approved', approverA, 409],
      ['marketer', marketer, 403],
      ['viewer', viewer, 403],
      ['approver who may', approverB, null],
    ];
    for (const [who, caller, status] of cases) {
      const item = await queueItem(caller, id);
      if (status === null) {
        expect({ who, youMayApprove: item.youMayApprove, whyNot: item.whyNot }).toEqual({ who, youMayApprove: true, whyNot: null });
        continue;
      }
      expect({ who, youMayApprove: item.youMayApprove }).toEqual({ who, youMayApprove: false });
      const refused = await caller.post(`/api/posts/${id}/approve`, {}).expect(status);
      if (caller === marketer || caller === viewer) {
        // The access guard refuses non-approvers before the service; the queue names the same reason in words.
        expect(item.whyNot).toContain('Only approvers');
      } else {
        expect(item.whyNot).toBe(refused.body.message);
      }
    }
    expect((await queueItem(writerApprover, id)).whyNot).toContain('Four eyes');

    // The last editor is refused too, even when someone else wrote it.
    const edited = await draft(marketer, 'Written by a marketer');
    await writerApprover.patch(`/api/posts/${edited}`, { text: 'Edited by an approver' }).expect(200);
    const item = await queueItem(writerApprover, edited);
    expect(item).toMatchObject({ youMayApprove: false });
    expect(item.whyNot).toBe((await writerApprover.post(`/api/posts/${edited}/reject`, { comment: 'mine' }).expect(403)).body.message);
  });
});
