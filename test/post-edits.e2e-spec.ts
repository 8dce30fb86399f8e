// Editing a post after some of its deliveries settled: only a change of content or of the channels asked for counts.
import { channelBody } from './support/factories';
import { Caller, TestApp } from './support/test-app';

const inOneHour = (): string => new Date(Date.now() + 3600_000).toISOString();

describe('editing a post whose deliveries partly settled', () => {
  let t: TestApp;
  let marketer: Caller;
  let approver: Caller;
  let channels: string[];

  beforeAll(async () => {
    // Every post is due in an hour: nothing here is sent; published is set directly.
    t = await TestApp.start();
    marketer = await t.member('marketer');
    approver = await t.member('approver');
    channels = [];
    for (let i = 0; i < 3; i++) {
      channels.push((await t.admin.post('/api/channels', channelBody('mastodon', { name: `Brand ${i}` })).expect(201)).body.id);
    }
    await t.admin.put('/api/approval-policy', { approvalsRequired: 1, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 }).expect(200);
  });
  afterAll(() => t.close());

  /** An approved post on the three channels, with the third channel's delivery cancelled. */
  async function approvedWithOneCancelled(): Promise<{ id: string; deliveries: { id: string; channelId: string }[] }> {
    const created = await marketer.post('/api/posts', { text: 'Winter opening hours', channelIds: channels, scheduledAt: inOneHour() }).expect(201);
    const id = created.body.id as string;
    await approver.post(`/api/posts/${id}/approve`, {}).expect(200);
    const deliveries = created.body.deliveries as { id: string; channelId: string }[];
    const third = deliveries.find((d) => d.channelId === channels[2])!;
    await marketer.delete(`/api/posts/${id}/deliveries/${third.id}`).expect(200);
    return { id, deliveries };
  }

  it('keeps the approval and the version when only the labels change after a delivery was cancelled', async () => {
    const { id } = await approvedWithOneCancelled();

    const res = await marketer.patch(`/api/posts/${id}`, { labels: ['winter'] }).expect(200);

    expect(res.body).toMatchObject({ status: 'scheduled', contentVersion: 1, labels: ['winter'] });
    const states = Object.fromEntries((res.body.deliveries as { channelId: string; state: string }[]).map((d) => [d.channelId, d.state]));
    expect(states).toEqual({ [channels[0]]: 'scheduled', [channels[1]]: 'scheduled', [channels[2]]: 'cancelled' });
    const queue = await approver.get('/api/approvals').expect(200);
    expect((queue.body as { post: { id: string } }[]).some((entry) => entry.post.id === id)).toBe(false);
  });

  it('still lets labels and the schedule change once one delivery is published', async () => {
    const { id, deliveries } = await approvedWithOneCancelled();
    const first = deliveries.find((d) => d.channelId === channels[0])!;
    await t.sql(`UPDATE deliveries SET state = 'published', published_at = now() WHERE id = $1`, [first.id]);

    const relabelled = await marketer.patch(`/api/posts/${id}`, { labels: ['winter', 'hours'] }).expect(200);
    expect(relabelled.body).toMatchObject({ contentVersion: 1, labels: ['winter', 'hours'] });
    const later = new Date(Date.now() + 7200_000).toISOString();
    await marketer.patch(`/api/posts/${id}`, { scheduledAt: later, timeZone: 'Europe/Madrid' }).expect(200);
    // Naming the channels it already targets is no change either.
    await marketer.patch(`/api/posts/${id}`, { channelIds: [channels[1], channels[0]] }).expect(200);

    const edited = await marketer.patch(`/api/posts/${id}`, { text: 'Winter opening hours, corrected' }).expect(409);
    expect(edited.body.message).toContain('is already published on mastodon');
  });

  it('counts an explicitly given channel set that differs as a change: approvals voided, version bumped', async () => {
    const { id } = await approvedWithOneCancelled();

    const res = await marketer.patch(`/api/posts/${id}`, { channelIds: [channels[0]] }).expect(200);

    expect(res.body).toMatchObject({ status: 'pending_approval', contentVersion: 2 });
    const live = (res.body.deliveries as { channelId: string; state: string }[]).filter((d) => d.state !== 'cancelled');
    expect(live).toEqual([expect.objectContaining({ channelId: channels[0], state: 'pending_approval' })]);
  });

  it('counts a content field change as a change even when the channels are left as they are', async () => {
    const { id } = await approvedWithOneCancelled();

    const res = await marketer.patch(`/api/posts/${id}`, { link: 'https://example.com/hours' }).expect(200);

    expect(res.body).toMatchObject({ status: 'pending_approval', contentVersion: 2, link: 'https://example.com/hours' });
  });
});
