// Least privilege: deny by default, roles per route, workspaces invisible to each other.
import { ANY_MEMBER } from '../src/common/decorators';
import { Role, ROLES } from '../src/common/roles';
import { concrete, declaredRoutes, servedRoutes } from './support/routes';
import { Caller, TestApp } from './support/test-app';

describe('access control', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  describe('every route', () => {
    it('is either public or guarded with the roles it allows', () => {
      const routes = declaredRoutes(t.app);
      expect(routes.length).toBeGreaterThan(15);
      const undeclared = routes.filter((r) => !r.isPublic && !r.rule).map((r) => `${r.method} ${r.path}`);
      expect(undeclared).toEqual([]);
      const publicRoutes = routes.filter((r) => r.isPublic).map((r) => `${r.method} ${r.path}`);
      expect(publicRoutes.sort()).toEqual([
        'GET /api/auth/invites/:token',
        // A library item for Instagram to fetch: only with a valid, unexpired signature (test/media-meta.e2e-spec.ts).
        'GET /api/media/public/:id',
        // The platforms' OAuth redirect: the single-use state and the browser's own console session decide (test/connect-oauth.e2e-spec.ts).
        'GET /api/oauth/:platform/callback',
        'GET /health',
        'GET /metrics',
        'POST /api/auth/invites/:token/accept',
        'POST /api/auth/sign-in',
      ]);
    });

    it('is known to the inventory, so none escapes the checks below', () => {
      const declared = declaredRoutes(t.app).map((r) => `${r.method} ${r.path}`).sort();
      expect(servedRoutes(t.app).sort()).toEqual(declared);
    });

    it('answers 401 without a key, with an unknown key, and with an unknown session cookie, unless public', async () => {
      const stranger = t.withKey('hf_' + 'x'.repeat(43));
      const staleCookie = `holdfast_session=${'y'.repeat(43)}`;
      for (const route of declaredRoutes(t.app).filter((r) => !r.isPublic)) {
        const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
        const anonymous = await t.anonymous.call(method, concrete(route.path)).send({});
        expect({ route: `${route.method} ${route.path}`, status: anonymous.status }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 401,
        });
        const unknown = await stranger.call(method, concrete(route.path)).send({});
        expect({ route: `${route.method} ${route.path}`, status: unknown.status }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 401,
        });
        const cookie = await t.anonymous.call(method, concrete(route.path)).set('Cookie', staleCookie).send({});
        expect({ route: `${route.method} ${route.path}`, status: cookie.status }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 401,
        });
      }
    });

    it('answers 403 to a member holding every role but the ones the route allows', async () => {
      const callers = new Map<string, Caller>();
      for (const route of declaredRoutes(t.app).filter((r) => r.rule && r.rule.roles !== ANY_MEMBER)) {
        const allowed = route.rule!.roles as Role[];
        const others = ROLES.filter((role) => !allowed.includes(role));
        const signature = others.join('+');
        if (!callers.has(signature)) {
          callers.set(signature, await t.member(others));
        }
        const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
        const res = await callers.get(signature)!.call(method, concrete(route.path)).send({});
        expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 403,
        });
      }
    });
  });

  describe('API keys', () => {
    it('work once created, and not after revocation', async () => {
      const viewer = await t.member('viewer');
      await viewer.get('/api/channels').expect(200);
      const keys = await t.admin.get(`/api/members/${viewer.memberId}/api-keys`).expect(200);
      await t.admin.delete(`/api/api-keys/${keys.body[0].id}`).expect(204);
      const res = await viewer.get('/api/channels').expect(401);
      expect(res.body.message).toBe('Unknown or revoked API key');
    });

    it('are shown once and stored only as a hash', async () => {
      const created = await t.admin.post('/api/members', { name: 'Hash check', roles: ['viewer'] }).expect(201);
      const key: string = created.body.apiKey.key;
      expect(key).toMatch(/^hf_/);
      const listed = await t.admin.get(`/api/members/${created.body.member.id}/api-keys`).expect(200);
      expect(JSON.stringify(listed.body)).not.toContain(key);
      const stored = await t.sql('SELECT * FROM api_keys WHERE member_id = $1', [created.body.member.id]);
      expect(JSON.stringify(stored)).not.toContain(key);
      expect(stored[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('record when they were last used', async () => {
      const viewer = await t.member('viewer');
      const before = await t.admin.get(`/api/members/${viewer.memberId}/api-keys`).expect(200);
      expect(before.body[0].lastUsedAt).toBeNull();
      await viewer.get('/api/members/me').expect(200);
      const after = await t.admin.get(`/api/members/${viewer.memberId}/api-keys`).expect(200);
      expect(Date.parse(after.body[0].lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('can be added and revoked by their own member, but not by a non-admin for someone else', async () => {
      const marketer = await t.member('marketer');
      const other = await t.member('marketer');
      const second = await t.admin.post(`/api/members/${marketer.memberId}/api-keys`, { name: 'laptop' }).expect(201);
      const laptop = t.withKey(second.body.key);
      await laptop.get('/api/members/me').expect(200);
      await other.delete(`/api/api-keys/${second.body.id}`).expect(404);
      await laptop.get('/api/members/me').expect(200);
      await marketer.delete(`/api/api-keys/${second.body.id}`).expect(204);
      await laptop.get('/api/members/me').expect(401);
      await marketer.get('/api/members/me').expect(200);
    });

    it('stop working when their member is removed', async () => {
      const approver = await t.member('approver');
      await t.admin.delete(`/api/members/${approver.memberId}`).expect(204);
      await approver.get('/api/members/me').expect(401);
    });
  });

  describe('workspaces', () => {
    it('are created only by admins of the operator workspace', async () => {
      const other = await t.otherWorkspace('Client A');
      await other.post('/api/workspaces', { name: 'Nested', adminName: 'N' }).expect(403);
      await other.get('/api/workspaces').expect(403);
      const marketer = await t.member('marketer');
      await marketer.post('/api/workspaces', { name: 'Nope', adminName: 'N' }).expect(403);
      const all = await t.admin.get('/api/workspaces').expect(200);
      expect(all.body.map((w: { name: string }) => w.name)).toEqual(expect.arrayContaining(['Holdfast', 'Client A']));
    });

    it("hide each other's resources: 404, not 403", async () => {
      const other = await t.otherWorkspace();
      const channel = await other
        .post('/api/channels', {
          platform: 'mastodon',
          name: 'Theirs',
          handle: '@theirs',
          credentials: { instanceUrl: 'https://m.example', accessToken: 't' },
        })
        .expect(201);
      const id: string = channel.body.id;
      await t.admin.get(`/api/channels/${id}`).expect(404);
      await t.admin.patch(`/api/channels/${id}`, { name: 'Mine now' }).expect(404);
      await t.admin.delete(`/api/channels/${id}`).expect(404);
      await t.admin.get(`/api/members/${other.memberId}`).expect(404);
      await t.admin.patch(`/api/members/${other.memberId}`, { roles: ['viewer'] }).expect(404);
      await t.admin.delete(`/api/members/${other.memberId}`).expect(404);
      await t.admin.get(`/api/members/${other.memberId}/api-keys`).expect(404);
      const list = await t.admin.get('/api/channels').expect(200);
      expect(list.body.map((c: { id: string }) => c.id)).not.toContain(id);
      await other.get(`/api/channels/${id}`).expect(200);
      const otherKeys = await other.get(`/api/members/${other.memberId}/api-keys`).expect(200);
      await t.admin.delete(`/api/api-keys/${otherKeys.body[0].id}`).expect(404);
      await other.get('/api/members/me').expect(200);
      const audit = await other.get('/api/audit').expect(200);
      const mine = await t.admin.get('/api/audit?limit=200').expect(200);
      const theirIds = new Set(audit.body.items.map((e: { id: string }) => e.id));
      expect(mine.body.items.some((e: { id: string }) => theirIds.has(e.id))).toBe(false);
    });
  });
});
