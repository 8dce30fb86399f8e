// The connection check (POST /api/channels/:id/verify) and the needs_reauth status, against the local fakes of X, Facebook, Instagram and LinkedIn.
import { FakeGraphApi } from './fakes/facebook-graph-api';
import { FakeLinkedInApi } from './fakes/linkedin-api';
import { FakeXApi } from './fakes/x-api';
import { SECRET_VALUES } from './support/factories';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('channel connection check and needs_reauth', () => {
  let x: FakeXApi;
  let graph: FakeGraphApi;
  let linkedin: FakeLinkedInApi;
  let t: TestApp;
  let marketer: Caller;

  beforeAll(async () => {
    [x, graph, linkedin] = await Promise.all([FakeXApi.start(), FakeGraphApi.start(), FakeLinkedInApi.start()]);
    t = await TestApp.start({ env: { X_API_URL: x.url, META_GRAPH_URL: graph.url, LINKEDIN_API_URL: linkedin.url, DISPATCH_TICK_MS: '100' } });
    marketer = await t.member('marketer');
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([x.close(), graph.close(), linkedin.close()]);
  });

  async function connect(platform: string, credentials: Record<string, string>, handle = '@brand'): Promise<string> {
    const res = await t.admin.post('/api/channels', { platform, name: `Brand on ${platform}`, handle, credentials }).expect(201);
    expect(res.body).toMatchObject({ status: 'active', statusReason: null });
    return res.body.id;
  }

  async function channel(id: string): Promise<{ status: string; statusReason: string | null }> {
    return (await marketer.get(`/api/channels/${id}`).expect(200)).body;
  }

  describe('POST /api/channels/:id/verify', () => {
    it('reports the X account the token reaches (GET /2/users/me)', async () => {
      const id = await connect('x', x.oauth2Credentials());

      const res = await t.admin.post(`/api/channels/${id}/verify`).expect(200);

      expect(res.body).toEqual({ ok: true, account: { accountId: x.user.id, handle: `@${x.user.username}`, displayName: x.user.name, url: `https://x.com/${x.user.username}` } });
      expect(x.requestsTo('GET /2/users/me')).toHaveLength(1);
      expect(x.tweets).toEqual([]);
    });

    it('records when a check last succeeded: lastVerifiedAt moves on success and stays on failure', async () => {
      const id = await connect('x', x.oauth2Credentials());
      expect((await marketer.get(`/api/channels/${id}`).expect(200)).body.lastVerifiedAt).toBeNull();

      const before = Date.now();
      await t.admin.post(`/api/channels/${id}/verify`).expect(200);
      const verifiedAt = (await marketer.get(`/api/channels/${id}`).expect(200)).body.lastVerifiedAt as string;
      expect(Date.parse(verifiedAt)).toBeGreaterThanOrEqual(before - 1000);

      await t.admin.patch(`/api/channels/${id}`, { credentials: { authType: 'oauth2', accessToken: 'revoked-access-token' } }).expect(200);
      expect((await t.admin.post(`/api/channels/${id}/verify`).expect(200)).body.ok).toBe(false);
      expect((await marketer.get(`/api/channels/${id}`).expect(200)).body).toMatchObject({ status: 'needs_reauth', lastVerifiedAt: verifiedAt });
    });

    it('reports X credentials that no longer work, unless the next send can renew them', async () => {
      const dead = await connect('x', { authType: 'oauth2', accessToken: 'revoked-access-token' });
      const renewable = await connect('x', x.oauth2Credentials({ accessToken: 'expired-access-token' }));

      const deadAnswer = await t.admin.post(`/api/channels/${dead}/verify`).expect(200);
      const renewableAnswer = await t.admin.post(`/api/channels/${renewable}/verify`).expect(200);

      expect(deadAnswer.body).toEqual({ ok: false, kind: 'auth_expired', reason: expect.stringContaining('Unauthorized') });
      expect((await channel(dead)).status).toBe('needs_reauth');
      expect(renewableAnswer.body).toEqual({ ok: false, kind: 'retryable', reason: expect.stringContaining("the next send renews the token with the channel's refresh token") });
      expect((await channel(renewable)).status).toBe('active');
      expect(x.requestsTo('POST /2/oauth2/token')).toEqual([]); // a check never rotates X's refresh token
    });

    it('reports the Facebook Page, the Instagram account and the LinkedIn organization and member', async () => {
      const page = graph.addPage('Holdfast Bakery');
      const ig = graph.addInstagramAccount('holdfast_bakery');
      const member = linkedin.addMember('Mia Marketer');
      const ids = {
        facebook: await connect('facebook', page),
        instagram: await connect('instagram', ig),
        organization: await connect('linkedin', { authorUrn: `urn:li:organization:${member.organizationId}`, accessToken: member.accessToken }),
        person: await connect('linkedin', { authorUrn: `urn:li:person:${member.memberId}`, accessToken: member.accessToken }),
      };

      const answers = Object.fromEntries(
        await Promise.all(Object.entries(ids).map(async ([key, id]) => [key, (await t.admin.post(`/api/channels/${id}/verify`).expect(200)).body])),
      );

      expect(answers).toEqual({
        facebook: { ok: true, account: { accountId: page.pageId, handle: '@brand', displayName: 'Holdfast Bakery', url: `https://www.facebook.com/${page.pageId}` } },
        instagram: { ok: true, account: { accountId: ig.igUserId, handle: '@holdfast_bakery', displayName: 'Holdfast Bakery', url: 'https://www.instagram.com/holdfast_bakery/' } },
        organization: {
          ok: true,
          account: {
            accountId: `urn:li:organization:${member.organizationId}`,
            handle: `holdfast-bakery-${member.organizationId}`,
            displayName: 'Holdfast Bakery',
            url: `https://www.linkedin.com/company/holdfast-bakery-${member.organizationId}/`,
          },
        },
        person: { ok: true, account: { accountId: `urn:li:person:${member.memberId}`, handle: '@brand', displayName: 'Mia Marketer', url: null } },
      });
    });

    it('says why it could not, marks the channel needs_reauth, audits it, and shows no secret', async () => {
      const page = graph.addPage();
      const id = await connect('facebook', page);
      graph.expireToken(page.pageAccessToken);

      const res = await t.admin.post(`/api/channels/${id}/verify`).expect(200);

      expect(res.body).toEqual({ ok: false, kind: 'auth_expired', reason: expect.stringMatching(/^Facebook rejected the access token: Error validating access token/) });
      expect(JSON.stringify(res.body)).not.toContain(page.pageAccessToken);
      expect(await channel(id)).toMatchObject({ status: 'needs_reauth', statusReason: res.body.reason });
      const audit = await t.admin.get(`/api/audit?targetId=${id}&action=channel.verified`).expect(200);
      expect(audit.body.items[0]).toMatchObject({ action: 'channel.verified', actorId: t.admin.memberId });
      expect(audit.body.items[0].after).toMatchObject({ ok: false, kind: 'auth_expired', status: 'needs_reauth' });
      expect(JSON.stringify(audit.body)).not.toContain(page.pageAccessToken);
    });

    it('leaves the status alone when the platform is only unavailable', async () => {
      const member = linkedin.addMember();
      const id = await connect('linkedin', { authorUrn: `urn:li:organization:${member.organizationId}`, accessToken: member.accessToken });
      linkedin.failNext('GET /rest/organizations/{id}', { status: 503, message: 'Service Unavailable' });

      const res = await t.admin.post(`/api/channels/${id}/verify`).expect(200);

      expect(res.body).toEqual({ ok: false, kind: 'retryable', reason: 'LinkedIn answered 503: Service Unavailable' });
      expect((await channel(id)).status).toBe('active');
    });

    it('is for admins of the workspace only: 403 for a marketer, 404 for another workspace', async () => {
      const id = await connect('x', x.oauth2Credentials());
      const other = await t.otherWorkspace();

      await marketer.post(`/api/channels/${id}/verify`).expect(403);
      await other.post(`/api/channels/${id}/verify`).expect(404);
      await t.admin.post('/api/channels/not-a-uuid/verify').expect(400);
    });
  });

  describe('needs_reauth', () => {
    it('is set when a send ends auth_expired; the delivery waits, due, and goes out once after new credentials reconnect the channel', async () => {
      const page = graph.addPage();
      const id = await connect('facebook', page);
      graph.expireToken(page.pageAccessToken);
      const before = await metric();

      const first = await marketer.post('/api/posts', { text: 'Waits from its first try', channelIds: [id], publishNow: true }).expect(201);
      const waiting = await waitFor('the delivery to wait for the reconnect', async () => {
        const res = await marketer.get(`/api/posts/${first.body.id}`).expect(200);
        return res.body.deliveries[0].waitingForReconnectionSince ? res.body.deliveries[0] : undefined;
      });
      // Not failed: still due, the attempt not spent, and it says why it waits.
      expect(waiting).toMatchObject({ state: 'scheduled', attempts: 0 });
      expect(waiting.lastError).toMatch(/^waiting for the channel to be reconnected: Facebook rejected the access token/);
      const [row] = await t.sql<{ status: string; status_reason: string }>(
        `SELECT c.status, c.status_reason FROM channels c JOIN deliveries d ON d.channel_id = c.id WHERE d.post_id = $1`,
        [first.body.id],
      );
      expect(row).toMatchObject({ status: 'needs_reauth', status_reason: waiting.lastError });
      expect(await metric()).toBe(before + 1);
      const events = await t.sql<{ data: Record<string, unknown> }>(`SELECT data FROM webhook_events WHERE type = 'channel.needs_reauth' AND data->>'channelId' = $1`, [id]);
      expect(events).toEqual([{ data: { channelId: id, platform: 'facebook', name: 'Brand on facebook', reason: waiting.lastError, waitingDeliveries: 1 } }]);

      // A second post falls due but waits, visibly scheduled, with no request to Facebook.
      const second = await marketer.post('/api/posts', { text: 'Waits for reconnection', channelIds: [id], publishNow: true }).expect(201);
      const feedCalls = graph.requestsTo('POST /{version}/{id}/feed').length;
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect((await marketer.get(`/api/posts/${second.body.id}`).expect(200)).body.deliveries[0]).toMatchObject({ state: 'scheduled', attempts: 0 });
      expect(graph.requestsTo('POST /{version}/{id}/feed')).toHaveLength(feedCalls);

      // New credentials are the reconnection: active again, and both waiting deliveries go out, once each.
      const pageAccessToken = graph.issuePageToken(page.pageId);
      const patched = await t.admin.patch(`/api/channels/${id}`, { credentials: { pageId: page.pageId, pageAccessToken } }).expect(200);
      expect(patched.body).toMatchObject({ status: 'active', statusReason: null });
      for (const post of [first, second]) {
        const published = await waitFor('the waiting delivery to publish', async () => {
          const delivery = (await marketer.get(`/api/posts/${post.body.id}`).expect(200)).body.deliveries[0];
          return delivery.state === 'published' ? delivery : undefined;
        });
        expect(published.waitingForReconnectionSince).toBeNull();
      }
      expect(graph.posts.filter((p) => p.message === 'Waits from its first try')).toHaveLength(1);
      expect(graph.posts.filter((p) => p.message === 'Waits for reconnection')).toHaveLength(1);
    });

    it('is cleared by a successful connection check, after which waiting deliveries publish', async () => {
      const ig = graph.addInstagramAccount();
      const id = await connect('instagram', ig);
      await t.sql(`UPDATE channels SET status = 'needs_reauth', status_reason = 'token expired' WHERE id = $1`, [id]);
      const post = await marketer.post('/api/posts', { text: 'Held by reauth', imageUrls: [graph.fixtureUrl()], channelIds: [id], publishNow: true }).expect(201);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await marketer.get(`/api/posts/${post.body.id}`).expect(200)).body.deliveries[0].state).toBe('scheduled');
      expect(graph.media.filter((m) => m.caption === 'Held by reauth')).toEqual([]);

      const res = await t.admin.post(`/api/channels/${id}/verify`).expect(200);

      expect(res.body.ok).toBe(true);
      expect(await channel(id)).toMatchObject({ status: 'active', statusReason: null });
      await waitFor('the waiting delivery to publish', async () => {
        const delivery = (await marketer.get(`/api/posts/${post.body.id}`).expect(200)).body.deliveries[0];
        return delivery.state === 'published' || undefined;
      });
      expect(graph.media.filter((m) => m.caption === 'Held by reauth')).toHaveLength(1);
    });

    it('shows in the channel list, and no secret is in any channel view', async () => {
      const list = await marketer.get('/api/channels').expect(200);
      expect(list.body.every((c: { status: string }) => ['active', 'needs_reauth'].includes(c.status))).toBe(true);
      expect(list.body.some((c: { status: string }) => c.status === 'needs_reauth')).toBe(true);
      for (const secret of SECRET_VALUES) {
        expect(JSON.stringify(list.body)).not.toContain(secret);
      }
    });
  });

  async function metric(): Promise<number> {
    const res = await t.anonymous.get('/metrics').expect(200);
    const line = /^holdfast_channels_needs_reauth_total\{platform="facebook"\} (\d+)$/m.exec(res.text);
    return line ? Number(line[1]) : 0;
  }
});
