// Console sessions: expiry, last-seen stamping, listing and revoking by the member and by an admin.
import request from 'supertest';
import { ConsoleUser, inviteToken, sessionCookieOf } from './support/console-session';
import { TestApp } from './support/test-app';

const ORIGIN = 'http://console.test';
const PASSWORD = 'lantern orchard quietly 42';

describe('sessions', () => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await TestApp.start({ env: { PUBLIC_URL: ORIGIN } });
  });
  afterAll(() => t.close());

  const browser = (userAgent?: string): ConsoleUser => new ConsoleUser(t.app.getHttpServer(), ORIGIN, `203.0.113.${++n % 250}`, userAgent);

  /** A member who accepted the invite, signed in in one browser. */
  async function signedIn(roles: string[] = ['marketer']): Promise<{ id: string; email: string; user: ConsoleUser }> {
    const email = `session${++n}@example.com`;
    const res = await t.admin.post('/api/members', { name: `Session ${n}`, email, roles }).expect(201);
    const user = browser('Laptop/1.0');
    await user.acceptInvite(inviteToken(res.body.invite.url), { password: PASSWORD }).expect(200);
    return { id: res.body.member.id, email, user };
  }

  it('are listed to their member, with where and what they were signed in from', async () => {
    const member = await signedIn();
    const phone = browser('Phone/2.0');
    await phone.signIn(member.email, PASSWORD).expect(200);
    const listed = await member.user.get('/api/auth/sessions').expect(200);
    expect(listed.body).toHaveLength(2);
    const current = listed.body.find((s: { current: boolean }) => s.current);
    const other = listed.body.find((s: { current: boolean }) => !s.current);
    expect(current).toMatchObject({ userAgent: 'Laptop/1.0', ipAddress: member.user.ip });
    expect(other).toMatchObject({ userAgent: 'Phone/2.0', ipAddress: phone.ip });
    for (const session of listed.body) {
      expect(Object.keys(session).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id', 'ipAddress', 'lastSeenAt', 'userAgent']);
    }
  });

  it('can be ended by their member, one at a time, and the ended one is answered 401 with the cookie cleared', async () => {
    const member = await signedIn();
    const phone = browser('Phone/2.0');
    const signed = await phone.signIn(member.email, PASSWORD).expect(200);
    await member.user.delete(`/api/auth/sessions/${signed.body.id}`).expect(204);
    const ended = await phone.get('/api/members/me').expect(401);
    expect(sessionCookieOf(ended)?.value).toBe('');
    await member.user.get('/api/members/me').expect(200);
    const audit = await t.admin.get(`/api/audit?action=session.revoked&targetId=${signed.body.id}`).expect(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0].actorId).toBe(member.id);
  });

  it("of another member cannot be ended through one's own list", async () => {
    const member = await signedIn();
    const other = await signedIn();
    const theirs = await other.user.get('/api/auth/session').expect(200);
    await member.user.delete(`/api/auth/sessions/${theirs.body.id}`).expect(404);
    await other.user.get('/api/auth/session').expect(200);
  });

  it('are listed and ended by an admin, and by no one else', async () => {
    const member = await signedIn();
    const own = await member.user.get('/api/auth/session').expect(200);
    const marketer = await t.member('marketer');
    await marketer.get(`/api/members/${member.id}/sessions`).expect(403);
    await marketer.delete(`/api/members/${member.id}/sessions/${own.body.id}`).expect(403);
    const stranger = await t.otherWorkspace();
    await stranger.get(`/api/members/${member.id}/sessions`).expect(404);
    await stranger.delete(`/api/members/${member.id}/sessions/${own.body.id}`).expect(404);

    const listed = await t.admin.get(`/api/members/${member.id}/sessions`).expect(200);
    expect(listed.body.map((s: { id: string }) => s.id)).toEqual([own.body.id]);
    expect(listed.body[0].current).toBe(false);
    await t.admin.delete(`/api/members/${member.id}/sessions/${own.body.id}`).expect(204);
    await member.user.get('/api/auth/session').expect(401);
    expect((await t.admin.get(`/api/members/${member.id}/sessions`).expect(200)).body).toEqual([]);
  });

  it('all end when their member is disabled, each audited', async () => {
    const member = await signedIn();
    const phone = browser();
    await phone.signIn(member.email, PASSWORD).expect(200);
    await t.admin.delete(`/api/members/${member.id}`).expect(204);
    await member.user.get('/api/auth/session').expect(401);
    await phone.get('/api/auth/session').expect(401);
    const live = await t.sql('SELECT id FROM member_sessions WHERE member_id = $1 AND revoked_at IS NULL', [member.id]);
    expect(live).toEqual([]);
    const audit = await t.admin.get('/api/audit?action=session.revoked&limit=100').expect(200);
    const mine = audit.body.items.filter((e: { after: { memberId: string } }) => e.after.memberId === member.id);
    expect(mine).toHaveLength(2);
    expect(mine.every((e: { reason: string }) => e.reason === 'member disabled')).toBe(true);
  });

  it('end after 12 hours without a request', async () => {
    const member = await signedIn();
    const session = await member.user.get('/api/auth/session').expect(200);
    await t.sql(`UPDATE member_sessions SET last_seen_at = now() - interval '719 minutes' WHERE id = $1`, [session.body.id]);
    await member.user.get('/api/auth/session').expect(200);
    await t.sql(`UPDATE member_sessions SET last_seen_at = now() - interval '721 minutes' WHERE id = $1`, [session.body.id]);
    const res = await member.user.get('/api/auth/session').expect(401);
    expect(res.body.message).toBe('Your session has ended: sign in again');
  });

  it('end 7 days after sign-in however active', async () => {
    const member = await signedIn();
    const session = await member.user.get('/api/auth/session').expect(200);
    await t.sql(`UPDATE member_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [session.body.id]);
    await member.user.get('/api/auth/session').expect(401);
  });

  it('stamp their last request at most once a minute', async () => {
    const member = await signedIn();
    const session = await member.user.get('/api/auth/session').expect(200);
    const seen = async (): Promise<number> =>
      (await t.sql<{ last_seen_at: Date }>('SELECT last_seen_at FROM member_sessions WHERE id = $1', [session.body.id]))[0].last_seen_at.getTime();
    const first = await seen();
    await member.user.get('/api/members/me').expect(200);
    await member.user.get('/api/members/me').expect(200);
    expect(await seen()).toBe(first);
    await t.sql(`UPDATE member_sessions SET last_seen_at = last_seen_at - interval '2 minutes' WHERE id = $1`, [session.body.id]);
    const stale = await seen();
    await member.user.get('/api/members/me').expect(200);
    expect(await seen()).toBeGreaterThan(stale + 60_000);
    const after = await member.user.get('/api/auth/session').expect(200);
    expect(Date.parse(after.body.idleExpiresAt)).toBeGreaterThan(Date.now() + 719 * 60_000);
  });

  it('carry the roles of their member, checked by the same guard as keys', async () => {
    const viewer = await signedIn(['viewer']);
    await viewer.user.get('/api/channels').expect(200);
    const refused = await viewer.user.post('/api/members', { name: 'Nope', roles: ['viewer'] }).expect(403);
    expect(refused.body.message).toBe('Requires the role admin');
    const admin = await signedIn(['admin']);
    await admin.user.post('/api/members', { name: 'Made in the console', roles: ['viewer'] }).expect(201);
  });

  it('answer a made-up cookie 401, clearing it', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/members/me').set('Cookie', 'holdfast_session=' + 'A'.repeat(43)).expect(401);
    expect(res.body.message).toBe('Your session has ended: sign in again');
    expect(sessionCookieOf(res)?.value).toBe('');
  });

  it('get a Secure cookie when PUBLIC_URL is https', async () => {
    const secure = await TestApp.start({ sameDatabaseAs: t, env: { PUBLIC_URL: 'https://holdfast.example.com' } });
    try {
      const res = await secure.admin.post('/api/members', { name: 'Sam Secure', email: 'sam@example.com', roles: ['viewer'] }).expect(201);
      expect(res.body.invite.url).toMatch(/^https:\/\/holdfast\.example\.com\/invite\//);
      const accepted = await new ConsoleUser(secure.app.getHttpServer(), 'https://holdfast.example.com')
        .acceptInvite(inviteToken(res.body.invite.url), { password: PASSWORD })
        .expect(200);
      expect(sessionCookieOf(accepted)!.attributes).toMatch(/; Secure/);
    } finally {
      await secure.close();
    }
  });
});
