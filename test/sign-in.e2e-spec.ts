// People sign in: invite links, passwords, sessions in a cookie, sign-out.
import request from 'supertest';
import { ConsoleUser, inviteToken, sessionCookieOf } from './support/console-session';
import { TestApp } from './support/test-app';

const ORIGIN = 'http://console.test';
const PASSWORD = 'lantern orchard quietly 42';

describe('sign-in', () => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await TestApp.start({ env: { PUBLIC_URL: ORIGIN } });
  });
  afterAll(() => t.close());

  const browser = (): ConsoleUser => new ConsoleUser(t.app.getHttpServer(), ORIGIN);

  /** A member added by the admin, with an e-mail: answers the invite link too. */
  async function invited(roles: string[] = ['marketer']): Promise<{ id: string; email: string; url: string; name: string }> {
    const email = `person${++n}@example.com`;
    const name = `Person ${n}`;
    const res = await t.admin.post('/api/members', { name, email, roles }).expect(201);
    return { id: res.body.member.id, email, url: res.body.invite.url, name };
  }

  describe('invites', () => {
    it('come with a new member: a one-time link on the console address that expires in 72 hours', async () => {
      const res = await t.admin.post('/api/members', { name: 'Ivy Invited', email: 'ivy@example.com', roles: ['viewer'] }).expect(201);
      expect(res.body.invite.url).toMatch(/^http:\/\/console\.test\/invite\/[A-Za-z0-9_-]{43}$/);
      const hours = (Date.parse(res.body.invite.expiresAt) - Date.now()) / 3_600_000;
      expect(hours).toBeGreaterThan(71.9);
      expect(hours).toBeLessThanOrEqual(72);
      const token = inviteToken(res.body.invite.url);
      const shown = await request(t.app.getHttpServer()).get(`/api/auth/invites/${token}`).expect(200);
      expect(shown.body).toEqual({ memberName: 'Ivy Invited', email: 'ivy@example.com', workspaceName: 'Holdfast', expiresAt: res.body.invite.expiresAt });
      const stored = await t.sql('SELECT * FROM member_invites WHERE member_id = $1', [res.body.member.id]);
      expect(JSON.stringify(stored)).not.toContain(token);
    });

    it('set the password and sign the member in, once', async () => {
      const member = await invited(['marketer', 'approver']);
      const token = inviteToken(member.url);
      const user = browser();
      const res = await user.acceptInvite(token, { password: PASSWORD }).expect(200);
      expect(res.body).toMatchObject({
        member: { id: member.id, email: member.email, name: member.name },
        workspace: { id: t.admin.workspaceId, name: 'Holdfast', isOperator: true },
        roles: ['marketer', 'approver'],
      });
      expect(res.body.id).toEqual(expect.any(String));
      expect(res.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const cookie = sessionCookieOf(res)!;
      expect(cookie.attributes).toMatch(/HttpOnly/);
      expect(cookie.attributes).toMatch(/SameSite=Lax/);
      expect(cookie.attributes).toMatch(/Path=\//);
      expect(cookie.attributes).not.toMatch(/Secure/);
      await user.get('/api/members/me').expect(200).expect((me) => expect(me.body.id).toBe(member.id));

      const again = await browser().acceptInvite(token, { password: 'another fine passphrase' }).expect(404);
      expect(again.body.message).toBe('This invite link is not valid: ask an admin for a new one');
      await request(t.app.getHttpServer()).get(`/api/auth/invites/${token}`).expect(404);
    });

    it('refuse weak passwords, naming the field, and stay usable', async () => {
      const member = await invited();
      const token = inviteToken(member.url);
      const short = await browser().acceptInvite(token, { password: 'short pass' }).expect(400);
      expect(short.body.details).toContain('password must be at least 12 characters');
      const common = await browser().acceptInvite(token, { password: 'password1234' }).expect(400);
      expect(common.body.details).toContain('password is too common');
      const named = await browser().acceptInvite(token, { password: `my ${member.email.split('@')[0]} secret word` }).expect(400);
      expect(named.body.details).toContain('password must not contain your e-mail address');
      const withName = await browser().acceptInvite(token, { password: `${member.name} is my password` }).expect(400);
      expect(withName.body.details).toContain('password must not contain your name');
      await browser().acceptInvite(token, { password: PASSWORD }).expect(200);
    });

    it('are replaced by a newer link, which is also how an admin resets a password', async () => {
      const member = await invited();
      const first = inviteToken(member.url);
      const renewed = await t.admin.post(`/api/members/${member.id}/invite`).expect(201);
      await browser().acceptInvite(first, { password: PASSWORD }).expect(404);
      const user = browser();
      await user.acceptInvite(inviteToken(renewed.body.url), { password: PASSWORD }).expect(200);
      await user.get('/api/auth/session').expect(200);
      // Reset: a new link, a new password; the old password and the old session stop working.
      const reset = await t.admin.post(`/api/members/${member.id}/invite`).expect(201);
      await browser().acceptInvite(inviteToken(reset.body.url), { password: 'a brand new passphrase' }).expect(200);
      await user.get('/api/auth/session').expect(401);
      await browser().signIn(member.email, PASSWORD).expect(401);
      await browser().signIn(member.email, 'a brand new passphrase').expect(200);
    });

    it('answer 410 once expired', async () => {
      const member = await invited();
      await t.sql(`UPDATE member_invites SET expires_at = now() - interval '1 minute' WHERE member_id = $1`, [member.id]);
      const token = inviteToken(member.url);
      await request(t.app.getHttpServer()).get(`/api/auth/invites/${token}`).expect(410);
      const res = await browser().acceptInvite(token, { password: PASSWORD }).expect(410);
      expect(res.body.message).toMatch(/expired: ask an admin for a new one/);
    });

    it('let the first admin, who has no e-mail yet, choose one', async () => {
      const link = await t.admin.post(`/api/members/${t.admin.memberId}/invite`).expect(201);
      const token = inviteToken(link.body.url);
      const shown = await request(t.app.getHttpServer()).get(`/api/auth/invites/${token}`).expect(200);
      expect(shown.body.email).toBeNull();
      const missing = await browser().acceptInvite(token, { password: PASSWORD }).expect(400);
      expect(missing.body.details).toContain('email must be an e-mail address');
      const admin = browser();
      await admin.acceptInvite(token, { password: PASSWORD, email: 'root@example.com' }).expect(200);
      const me = await admin.get('/api/members/me').expect(200);
      expect(me.body.email).toBe('root@example.com');
      await browser().signIn('ROOT@example.com', PASSWORD).expect(200);
    });

    it('are used up once even when two accepts of one link race', async () => {
      const member = await invited();
      const token = inviteToken(member.url);
      const results = await Promise.all([
        browser().acceptInvite(token, { password: PASSWORD }),
        browser().acceptInvite(token, { password: 'the other racer passphrase' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 404]);
      const sessions = await t.sql('SELECT id FROM member_sessions WHERE member_id = $1', [member.id]);
      expect(sessions).toHaveLength(1);
    });

    it('are issued only by admins, for members of their own workspace', async () => {
      const member = await invited();
      const marketer = await t.member('marketer');
      await marketer.post(`/api/members/${member.id}/invite`).expect(403);
      const other = await t.otherWorkspace();
      await other.post(`/api/members/${member.id}/invite`).expect(404);
    });
  });

  describe('signing in', () => {
    it('answers the session and a cookie that works until sign-out', async () => {
      const member = await invited(['approver']);
      await browser().acceptInvite(inviteToken(member.url), { password: PASSWORD }).expect(200);
      const user = browser();
      const res = await user.signIn(member.email.toUpperCase(), PASSWORD).expect(200);
      expect(res.body.member.id).toBe(member.id);
      const session = await user.get('/api/auth/session').expect(200);
      expect(session.body).toMatchObject({ id: res.body.id, csrfToken: res.body.csrfToken, roles: ['approver'] });
      expect(Date.parse(session.body.expiresAt) - Date.now()).toBeGreaterThan(167 * 3_600_000);
      expect(Date.parse(session.body.idleExpiresAt) - Date.now()).toBeGreaterThan(11.9 * 3_600_000);
      const stored = await t.sql('SELECT * FROM member_sessions WHERE id = $1', [res.body.id]);
      expect(JSON.stringify(stored)).not.toContain(user.cookie);

      const out = await user.post('/api/auth/sign-out').expect(204);
      expect(sessionCookieOf(out)?.value).toBe('');
      const after = await user.get('/api/auth/session').expect(401);
      expect(after.body.message).toBe('Your session has ended: sign in again');
      expect(sessionCookieOf(after)?.value).toBe('');
    });

    it('says only "Wrong email or password", whether or not the e-mail exists', async () => {
      const member = await invited();
      await browser().acceptInvite(inviteToken(member.url), { password: PASSWORD }).expect(200);
      const wrong = await browser().signIn(member.email, 'not the password at all').expect(401);
      const unknown = await browser().signIn('nobody-here@example.com', 'not the password at all').expect(401);
      expect(wrong.body).toMatchObject({ error: 'unauthenticated', message: 'Wrong email or password' });
      expect(unknown.body).toMatchObject({ error: 'unauthenticated', message: 'Wrong email or password' });
      expect(sessionCookieOf(wrong)).toBeUndefined();
    });

    it('is refused to a member who has not accepted the invite, and to a disabled one', async () => {
      const member = await invited();
      await browser().signIn(member.email, PASSWORD).expect(401);
      await browser().acceptInvite(inviteToken(member.url), { password: PASSWORD }).expect(200);
      const user = browser();
      await user.signIn(member.email, PASSWORD).expect(200);
      await t.admin.delete(`/api/members/${member.id}`).expect(204);
      await user.get('/api/auth/session').expect(401);
      await browser().signIn(member.email, PASSWORD).expect(401);
    });

    it('asks which workspace when the same e-mail and password fit several', async () => {
      const other = await t.otherWorkspace('Client Z');
      const email = `twice${++n}@example.com`;
      const here = await t.admin.post('/api/members', { name: 'Twice Here', email, roles: ['viewer'] }).expect(201);
      const there = await other.post('/api/members', { name: 'Twice There', email, roles: ['marketer'] }).expect(201);
      await browser().acceptInvite(inviteToken(here.body.invite.url), { password: PASSWORD }).expect(200);
      await browser().acceptInvite(inviteToken(there.body.invite.url), { password: PASSWORD }).expect(200);
      const choose = await browser().signIn(email, PASSWORD).expect(409);
      expect(choose.body.error).toBe('choose_workspace');
      expect(choose.body.workspaces).toEqual(
        expect.arrayContaining([
          { id: t.admin.workspaceId, name: 'Holdfast' },
          { id: other.workspaceId, name: 'Client Z' },
        ]),
      );
      const user = browser();
      const res = await user.signIn(email, PASSWORD, other.workspaceId).expect(200);
      expect(res.body).toMatchObject({ workspace: { id: other.workspaceId }, roles: ['marketer'] });
      // Workspace isolation holds for sessions as for keys: the other workspace's ids are not found.
      await user.get(`/api/channels/${here.body.member.id}`).expect(404);
      await user.get('/api/channels').expect(200);
    });

    it('works with an API key too: GET /api/auth/session answers without a session id or CSRF token', async () => {
      const res = await t.admin.get('/api/auth/session').expect(200);
      expect(res.body).toMatchObject({ id: null, csrfToken: null, expiresAt: null, idleExpiresAt: null, roles: ['admin'] });
      await t.admin.get('/api/members/me').expect(200);
    });

    it('answers 401 with a sentence when there is no credential at all', async () => {
      const res = await request(t.app.getHttpServer()).get('/api/auth/session').expect(401);
      expect(res.body.message).toBe('Sign in, or send Authorization: Bearer <key>');
    });
  });
});
