// A signed-in browser's changes need the session's CSRF token and the console's Origin; API keys need neither.
import request from 'supertest';
import { ConsoleUser, inviteToken } from './support/console-session';
import { TestApp } from './support/test-app';

const ORIGIN = 'http://console.test';
const PASSWORD = 'lantern orchard quietly 42';

describe('CSRF', () => {
  let t: TestApp;
  let user: ConsoleUser;
  beforeAll(async () => {
    t = await TestApp.start({ env: { PUBLIC_URL: ORIGIN } });
    const created = await t.admin.post('/api/members', { name: 'Cora Cookie', email: 'cora@example.com', roles: ['admin'] }).expect(201);
    user = new ConsoleUser(t.app.getHttpServer(), ORIGIN);
    await user.acceptInvite(inviteToken(created.body.invite.url), { password: PASSWORD }).expect(200);
  });
  afterAll(() => t.close());

  const change = { name: 'Renamed by cookie' };

  it('refuses a cookie change without the X-CSRF-Token header', async () => {
    const res = await user.call('patch', `/api/members/${t.admin.memberId}`, { csrf: false }).send(change).expect(403);
    expect(res.body).toMatchObject({ error: 'forbidden' });
    expect(res.body.message).toMatch(/CSRF/);
    expect(res.body.message).toMatch(/X-CSRF-Token/);
  });

  it('refuses a cookie change with a wrong token', async () => {
    const res = await user.call('patch', `/api/members/${t.admin.memberId}`, { csrf: false }).set('X-CSRF-Token', 'x'.repeat(43)).send(change).expect(403);
    expect(res.body.message).toMatch(/CSRF/);
  });

  it('refuses a cookie change from another origin, even with the token', async () => {
    const res = await user.call('patch', `/api/members/${t.admin.memberId}`, { origin: 'http://evil.test' }).send(change).expect(403);
    expect(res.body.message).toMatch(/CSRF check failed: the request comes from http:\/\/evil\.test, not from http:\/\/console\.test/);
    await user.call('patch', `/api/members/${t.admin.memberId}`, { origin: null }).send(change).expect(403);
  });

  it('accepts a Referer of the console when there is no Origin', async () => {
    await user.call('patch', `/api/members/${t.admin.memberId}`, { origin: null }).set('Referer', `${ORIGIN}/members`).send(change).expect(200);
  });

  it('lets a cookie change through with both', async () => {
    const res = await user.patch(`/api/members/${t.admin.memberId}`, change).expect(200);
    expect(res.body.name).toBe('Renamed by cookie');
    // Reads need neither.
    await user.call('get', '/api/members').expect(200);
  });

  it('asks neither of an API key, and lets the key decide when a cookie comes along', async () => {
    await t.admin.patch(`/api/members/${t.admin.memberId}`, { name: 'Renamed by key' }).expect(200);
    const both = await request(t.app.getHttpServer())
      .patch(`/api/members/${t.admin.memberId}`)
      .set('Authorization', `Bearer ${t.admin.key}`)
      .set('Cookie', `holdfast_session=${user.cookie}`)
      .send({ name: 'Key and cookie' })
      .expect(200);
    expect(both.body.name).toBe('Key and cookie');
  });

  it('checks the Origin of sign-in and invite accept, which set the cookie', async () => {
    const server = t.app.getHttpServer();
    const signIn = await request(server).post('/api/auth/sign-in').set('Origin', 'http://evil.test').send({ email: 'cora@example.com', password: PASSWORD }).expect(403);
    expect(signIn.body.message).toMatch(/CSRF/);
    await request(server).post('/api/auth/sign-in').send({ email: 'cora@example.com', password: PASSWORD }).expect(403);
    const link = await t.admin.post(`/api/members/${t.admin.memberId}/invite`).expect(201);
    await request(server).post(`/api/auth/invites/${inviteToken(link.body.url)}/accept`).set('Origin', 'http://evil.test').send({ password: PASSWORD, email: 'root@example.com' }).expect(403);
  });

  it("uses the request's own origin when PUBLIC_URL is not set", async () => {
    const local = await TestApp.start({ sameDatabaseAs: t });
    try {
      const server = local.app.getHttpServer();
      await request(server).post('/api/auth/sign-in').set('Host', 'holdfast.lan:3000').set('Origin', 'http://console.test').send({ email: 'cora@example.com', password: PASSWORD }).expect(403);
      await request(server).post('/api/auth/sign-in').set('Host', 'holdfast.lan:3000').set('Origin', 'http://holdfast.lan:3000').send({ email: 'cora@example.com', password: PASSWORD }).expect(200);
    } finally {
      await local.close();
    }
  });
});
