// Any member lists their own API keys (the console's account page): prefixes and revocations, never the key itself,
// and never another member's keys.
import { TestApp } from './support/test-app';

describe('your own API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('lists the caller’s keys with prefix and revocation, without the key', async () => {
    const viewer = await t.member('viewer');
    const second = await t.admin.post(`/api/members/${viewer.memberId}/api-keys`, { name: 'CI deploy' }).expect(201);
    await t.admin.delete(`/api/api-keys/${second.body.id}`).expect(204);
    const res = await viewer.get('/api/members/me/api-keys').expect(200);
    expect(res.body).toHaveLength(2);
    expect(res.body.map((k: { name: string }) => k.name)).toEqual(['first key', 'CI deploy']);
    expect(res.body[0]).toMatchObject({ memberId: viewer.memberId, revokedAt: null });
    expect(res.body[1].revokedAt).not.toBeNull();
    expect(res.body[0].prefix).toBe(viewer.key!.slice(0, res.body[0].prefix.length));
    expect(JSON.stringify(res.body)).not.toContain(viewer.key!);
    expect(res.body[0]).not.toHaveProperty('key');
  });

  it('shows nobody else’s keys, admins included', async () => {
    const marketer = await t.member('marketer');
    const mine = await marketer.get('/api/members/me/api-keys').expect(200);
    expect(mine.body.every((k: { memberId: string }) => k.memberId === marketer.memberId)).toBe(true);
    const admins = await t.admin.get('/api/members/me/api-keys').expect(200);
    expect(admins.body.every((k: { memberId: string }) => k.memberId === t.admin.memberId)).toBe(true);
    const other = await t.otherWorkspace();
    const theirs = await other.get('/api/members/me/api-keys').expect(200);
    expect(theirs.body.map((k: { memberId: string }) => k.memberId)).toEqual([other.memberId]);
  });

  it('is refused without a key', async () => {
    await t.anonymous.get('/api/members/me/api-keys').expect(401);
  });
});
