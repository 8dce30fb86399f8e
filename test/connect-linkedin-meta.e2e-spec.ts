// Connecting LinkedIn members and organizations, Facebook Pages and Instagram professional accounts with the
// platforms' sign-in, through the API, against the local fakes of LinkedIn and Facebook Login / Graph.
import type { Response } from 'supertest';
import { ChannelsService } from '../src/channels/channels.service';
import { GRAPH_API_VERSION } from '../src/publishers/meta-graph/graph-api';
import { FakeGraphApi } from './fakes/facebook-graph-api';
import { FakeLinkedInApi } from './fakes/linkedin-api';
import { callback, CONNECT_ORIGIN, connectThrough, consent, signedInMember } from './support/connect-flow';
import type { ConsoleUser } from './support/console-session';
import { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface SessionAccount {
  accountId: string;
  name: string;
  handle: string;
  kind: string;
  channelId: string | null;
}

const LINKEDIN_REDIRECT = `${CONNECT_ORIGIN}/api/oauth/linkedin/callback`;
const FACEBOOK_REDIRECT = `${CONNECT_ORIGIN}/api/oauth/facebook/callback`;
const INSTAGRAM_REDIRECT = `${CONNECT_ORIGIN}/api/oauth/instagram/callback`;

describe('connecting LinkedIn, Facebook and Instagram accounts', () => {
  let linkedin: FakeLinkedInApi;
  let graph: FakeGraphApi;
  let t: TestApp;
  let admin: ConsoleUser;
  /** Every response body and redirect this file saw, searched for secrets at the end. */
  const seen: string[] = [];

  function track(res: Response): Response {
    seen.push(JSON.stringify(res.body ?? null), String(res.headers.location ?? ''), res.text ?? '');
    return res;
  }

  async function follow(user: ConsoleUser, url: URL): Promise<URL> {
    const landed = await callback(user, url);
    seen.push(landed.toString());
    return landed;
  }

  async function through(user: ConsoleUser, platform: string, body: Record<string, unknown> = {}): Promise<URL> {
    const landed = await connectThrough(user, platform, body);
    seen.push(landed.toString());
    return landed;
  }

  async function sessionOf(user: ConsoleUser, landed: URL): Promise<{ id: string; accounts: SessionAccount[] }> {
    const id = landed.searchParams.get('connectSession');
    expect({ connectError: landed.searchParams.get('connectError'), reason: landed.searchParams.get('reason'), connectSession: typeof id }).toEqual({
      connectError: null,
      reason: null,
      connectSession: 'string',
    });
    const res = track(await user.get(`/api/channels/connect/sessions/${id}`));
    expect(res.status).toBe(200);
    return res.body as { id: string; accounts: SessionAccount[] };
  }

  async function choose(user: ConsoleUser, sessionId: string, accountIds: string[]): Promise<{ id: string; platform: string; name: string; handle: string }[]> {
    const res = track(await user.post(`/api/channels/connect/sessions/${sessionId}`, { accountIds }));
    expect(res.status).toBe(201);
    return (res.body as { channels: { id: string; platform: string; name: string; handle: string }[] }).channels;
  }

  async function channelCount(platform: string): Promise<number> {
    const [row] = await t.sql<{ n: string }>('SELECT count(*) AS n FROM channels WHERE platform = $1 AND deleted_at IS NULL', [platform]);
    return Number(row.n);
  }

  async function failures(): Promise<{ code: string; reason: string; platform: string }[]> {
    const res = track(await t.admin.get('/api/audit?action=channel.connect_failed&limit=100'));
    expect(res.status).toBe(200);
    return (res.body as { items: { after: { code: string; reason: string; platform: string } }[] }).items.map((item) => item.after);
  }

  beforeAll(async () => {
    [linkedin, graph] = await Promise.all([FakeLinkedInApi.start(), FakeGraphApi.start()]);
    const linkedinApp = linkedin.registerApp([LINKEDIN_REDIRECT]);
    const metaApp = graph.registerApp([FACEBOOK_REDIRECT, INSTAGRAM_REDIRECT]);
    t = await TestApp.start({
      captureLogs: true,
      env: {
        PUBLIC_URL: CONNECT_ORIGIN,
        LINKEDIN_OAUTH_URL: linkedin.url,
        LINKEDIN_API_URL: linkedin.url,
        LINKEDIN_CLIENT_ID: linkedinApp.clientId,
        LINKEDIN_CLIENT_SECRET: linkedinApp.clientSecret,
        FACEBOOK_OAUTH_URL: graph.url,
        META_GRAPH_URL: graph.url,
        META_APP_ID: metaApp.appId,
        META_APP_SECRET: metaApp.appSecret,
        DISPATCH_TICK_MS: '100',
      },
    });
    ({ user: admin } = await signedInMember(t));
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([linkedin.close(), graph.close()]);
  });

  describe('LinkedIn', () => {
    let mia: ReturnType<FakeLinkedInApi['addMember']>;
    let secondOrganization: string;
    let cafeChannelId: string;

    beforeAll(() => {
      mia = linkedin.addMember('Mia Marketer');
      secondOrganization = linkedin.addOrganization(mia.memberId, 'Holdfast Cafe', 'holdfast-cafe');
      linkedin.signedInMember = mia.memberId;
    });

    it('shows LinkedIn as configured, with the redirect URI to register', async () => {
      const res = track(await admin.get('/api/channels/connect'));
      expect(res.status).toBe(200);
      const platforms = (res.body as { platforms: { platform: string }[] }).platforms;
      expect(platforms.find((p) => p.platform === 'linkedin')).toEqual({ platform: 'linkedin', method: 'oauth', configured: true, missing: [], redirectUri: LINKEDIN_REDIRECT });
    });

    it('asks for the member and organization scopes with the state, and offers the member and the organizations they administer', async () => {
      const started = track(await admin.post('/api/channels/connect/linkedin', {}));
      expect(started.status).toBe(201);
      const authorize = new URL((started.body as { authorizeUrl: string }).authorizeUrl);
      expect(authorize.origin + authorize.pathname).toBe(`${linkedin.url}/oauth/v2/authorization`);
      expect(Object.fromEntries(authorize.searchParams)).toEqual({
        response_type: 'code',
        client_id: linkedin.app!.clientId,
        redirect_uri: LINKEDIN_REDIRECT,
        state: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
        scope: 'openid profile w_member_social r_organization_admin w_organization_social',
      });

      const session = await sessionOf(admin, await follow(admin, await consent(authorize.toString())));

      expect(session.accounts).toEqual([
        { accountId: `urn:li:person:${mia.memberId}`, name: 'Mia Marketer', handle: 'Mia Marketer', kind: 'member', channelId: null },
        { accountId: `urn:li:organization:${mia.organizationId}`, name: 'Holdfast Bakery', handle: `holdfast-bakery-${mia.organizationId}`, kind: 'organization', channelId: null },
        { accountId: `urn:li:organization:${secondOrganization}`, name: 'Holdfast Cafe', handle: 'holdfast-cafe', kind: 'organization', channelId: null },
      ]);
      // The code was exchanged once, with the app's secret and the redirect URI that was authorized.
      const [exchange] = linkedin.requestsTo('POST /oauth/v2/accessToken');
      expect(exchange.body).toMatchObject({ grant_type: 'authorization_code', redirect_uri: LINKEDIN_REDIRECT, client_id: linkedin.app!.clientId });
      const [acls] = linkedin.requestsTo('GET /rest/organizationAcls');
      expect(Object.fromEntries(acls.query)).toMatchObject({ q: 'roleAssignee', role: 'ADMINISTRATOR', state: 'APPROVED' });
    });

    it('connects the one organization chosen, whose channel then publishes to LinkedIn as that organization', async () => {
      const session = await sessionOf(admin, await through(admin, 'linkedin'));

      const channels = await choose(admin, session.id, [`urn:li:organization:${secondOrganization}`]);

      expect(channels).toEqual([expect.objectContaining({ platform: 'linkedin', name: 'Holdfast Cafe', handle: 'holdfast-cafe', accountId: `urn:li:organization:${secondOrganization}` })]);
      cafeChannelId = channels[0].id;
      expect(await channelCount('linkedin')).toBe(1);
      const credentials = await t.app.get(ChannelsService).credentialsOf(channels[0].id);
      expect(credentials).toEqual({
        authorUrn: `urn:li:organization:${secondOrganization}`,
        accessToken: expect.stringMatching(/^AQV/),
        refreshToken: expect.stringMatching(/^AQX/),
        clientId: linkedin.app!.clientId,
        clientSecret: linkedin.app!.clientSecret,
        expiresAt: expect.any(String),
      });
      expect(Date.parse(credentials.expiresAt) - Date.now()).toBeGreaterThan(59 * 86_400_000);

      const verified = track(await admin.post(`/api/channels/${channels[0].id}/verify`));
      expect(verified.body).toMatchObject({ ok: true, account: { accountId: `urn:li:organization:${secondOrganization}`, displayName: 'Holdfast Cafe' } });

      const marketer = await t.member('marketer');
      const post = track(await marketer.post('/api/posts', { text: 'Fresh bread at the cafe', channelIds: [channels[0].id], publishNow: true }).expect(201));
      const delivery = await waitFor('the LinkedIn post to publish', async () => {
        const [one] = (track(await marketer.get(`/api/posts/${(post.body as { id: string }).id}`).expect(200)).body as { deliveries: { state: string }[] }).deliveries;
        return ['published', 'failed', 'needs_verification'].includes(one.state) ? one : undefined;
      });
      expect(delivery.state).toBe('published');
      expect(linkedin.posts.map((p) => ({ author: p.author, text: p.shownText }))).toEqual([{ author: `urn:li:organization:${secondOrganization}`, text: 'Fresh bread at the cafe' }]);
    });

    it('reconnects the organization\'s channel at once, keeping the refresh token a new grant does not carry', async () => {
      const before = await t.app.get(ChannelsService).credentialsOf(cafeChannelId);
      linkedin.issueRefreshTokens = false;
      let landed: URL;
      try {
        landed = await through(admin, 'linkedin', { channelId: cafeChannelId });
      } finally {
        linkedin.issueRefreshTokens = true;
      }

      // The grant reached three accounts, but a reconnect takes its channel's own: no choice to make.
      expect(landed.searchParams.get('reconnected')).toBe(cafeChannelId);
      expect(await channelCount('linkedin')).toBe(1);
      const after = await t.app.get(ChannelsService).credentialsOf(cafeChannelId);
      expect(after.accessToken).not.toBe(before.accessToken);
      expect(after.refreshToken).toBe(before.refreshToken);
    });

    it('answers token_error with LinkedIn\'s words when the token endpoint refuses the code, and writes nothing but the audit line', async () => {
      linkedin.failNext('POST /oauth/v2/accessToken', { oauthError: 'invalid_request', message: 'Unable to retrieve access token: authorization code expired' });
      const before = await channelCount('linkedin');
      const sessionsBefore = await t.sql('SELECT id FROM connect_sessions');

      const landed = await through(admin, 'linkedin');

      expect(landed.searchParams.get('connectError')).toBe('token_error');
      expect(landed.searchParams.get('reason')).toBe('LinkedIn refused the sign-in: HTTP 400 invalid_request: Unable to retrieve access token: authorization code expired');
      expect(await channelCount('linkedin')).toBe(before);
      expect(await t.sql('SELECT id FROM connect_sessions')).toEqual(sessionsBefore);
      expect((await failures())[0]).toMatchObject({ platform: 'linkedin', code: 'token_error' });
    });

    it('refuses a code sent with another redirect URI or a second time (the fake checks both)', async () => {
      const started = track(await admin.post('/api/channels/connect/linkedin', {}));
      const back = await consent((started.body as { authorizeUrl: string }).authorizeUrl);
      const code = back.searchParams.get('code')!;
      const form = (redirectUri: string): string =>
        new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: linkedin.app!.clientId, client_secret: linkedin.app!.clientSecret }).toString();
      const post = (body: string): Promise<globalThis.Response> =>
        fetch(`${linkedin.url}/oauth/v2/accessToken`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

      expect((await post(form('http://elsewhere.test/callback'))).status).toBe(400);
      expect((await post(form(LINKEDIN_REDIRECT))).status).toBe(200);
      expect((await post(form(LINKEDIN_REDIRECT))).status).toBe(400);
      // Holdfast's own callback with the used code now fails at the token endpoint, in LinkedIn's words.
      const landed = await follow(admin, back);
      expect(landed.searchParams.get('connectError')).toBe('token_error');
      expect(landed.searchParams.get('reason')).toContain('does not match authorization code');
    });

    it('answers denied when the member cancels on LinkedIn\'s consent page, and audits it', async () => {
      linkedin.consent = 'deny';
      try {
        const landed = await through(admin, 'linkedin');
        expect(landed.searchParams.get('connectError')).toBe('denied');
      } finally {
        linkedin.consent = 'allow';
      }
      expect((await failures())[0]).toMatchObject({ platform: 'linkedin', code: 'denied' });
    });
  });

  describe('Facebook and Instagram', () => {
    let userId: string;
    let bakery: { pageId: string };
    let cafe: { pageId: string };
    let market: { pageId: string };
    let bakeryInstagram: { igUserId: string };

    beforeAll(() => {
      userId = graph.addUser('Mia Marketer');
      graph.signedInUser = userId;
      bakery = graph.addPage('Holdfast Bakery');
      cafe = graph.addPage('Holdfast Cafe');
      market = graph.addPage('Holdfast Market');
      bakeryInstagram = graph.addInstagramAccount('holdfast_bakery');
      graph.linkInstagram(bakery.pageId, bakeryInstagram.igUserId);
      graph.grantPage(userId, bakery.pageId);
      graph.grantPage(userId, cafe.pageId);
      // One Page per /me/accounts answer: the flow follows paging.next.
      graph.accountsPageSize = 1;
    });

    it('offers every Page the person manages and connects the two chosen as two channels with Page tokens that do not expire', async () => {
      const started = track(await admin.post('/api/channels/connect/facebook', {}));
      const authorize = new URL((started.body as { authorizeUrl: string }).authorizeUrl);
      expect(authorize.origin + authorize.pathname).toBe(`${graph.url}/${GRAPH_API_VERSION}/dialog/oauth`);
      expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
        client_id: graph.app!.appId,
        redirect_uri: FACEBOOK_REDIRECT,
        response_type: 'code',
        scope: 'pages_show_list,pages_manage_posts,pages_read_engagement,business_management',
      });

      const session = await sessionOf(admin, await follow(admin, await consent(authorize.toString())));
      expect(session.accounts).toEqual([
        { accountId: bakery.pageId, name: 'Holdfast Bakery', handle: 'Holdfast Bakery', kind: 'page', channelId: null },
        { accountId: cafe.pageId, name: 'Holdfast Cafe', handle: 'Holdfast Cafe', kind: 'page', channelId: null },
      ]);
      // The short-lived token was exchanged for a long-lived one, and the second page was read without a token in its URL.
      const grants = graph.requestsTo(`GET /{version}/oauth/access_token`).map((r) => r.query.get('grant_type') ?? 'code');
      expect(grants.slice(-2)).toEqual(['code', 'fb_exchange_token']);
      const reads = graph.requestsTo('GET /{version}/me/accounts').slice(-2);
      expect(reads.map((r) => [r.query.has('after'), r.query.has('access_token')])).toEqual([[false, false], [true, false]]);

      const channels = await choose(admin, session.id, [bakery.pageId, cafe.pageId]);

      expect(channels.map((c) => [c.platform, c.name])).toEqual([['facebook', 'Holdfast Bakery'], ['facebook', 'Holdfast Cafe']]);
      expect(await channelCount('facebook')).toBe(2);
      for (const channel of channels) {
        const credentials = await t.app.get(ChannelsService).credentialsOf(channel.id);
        expect(graph.lifetimeOf(credentials.pageAccessToken)).toBe('never');
        const verified = track(await admin.post(`/api/channels/${channel.id}/verify`));
        expect(verified.body).toMatchObject({ ok: true, account: { accountId: credentials.pageId, displayName: channel.name } });
      }
    });

    it('reconnects a Page connected before instead of making a second channel, and says so in the session', async () => {
      const [existing] = await t.sql<{ id: string }>('SELECT id FROM channels WHERE platform = $1 AND account_id = $2', ['facebook', bakery.pageId]);
      const old = await t.app.get(ChannelsService).credentialsOf(existing.id);

      const session = await sessionOf(admin, await through(admin, 'facebook'));
      expect(session.accounts.map((a) => [a.accountId, a.channelId])).toEqual([
        [bakery.pageId, existing.id],
        [cafe.pageId, expect.any(String)],
      ]);
      const channels = await choose(admin, session.id, [bakery.pageId]);

      expect(channels.map((c) => c.id)).toEqual([existing.id]);
      expect(await channelCount('facebook')).toBe(2);
      const renewed = await t.app.get(ChannelsService).credentialsOf(existing.id);
      expect(renewed.pageAccessToken).not.toBe(old.pageAccessToken);
      const audit = track(await t.admin.get(`/api/audit?action=channel.reconnected&limit=5`));
      expect((audit.body as { items: { targetId: string }[] }).items[0].targetId).toBe(existing.id);
    });

    it('offers for Instagram only the professional accounts linked to a Page, posting with that Page\'s token', async () => {
      const started = track(await admin.post('/api/channels/connect/instagram', {}));
      const scope = new URL((started.body as { authorizeUrl: string }).authorizeUrl).searchParams.get('scope');
      expect(scope).toBe('pages_show_list,pages_manage_posts,pages_read_engagement,business_management,instagram_basic,instagram_content_publish');

      const session = await sessionOf(admin, await follow(admin, await consent((started.body as { authorizeUrl: string }).authorizeUrl)));

      // The cafe Page has no linked account: it is not offered.
      expect(session.accounts).toEqual([{ accountId: bakeryInstagram.igUserId, name: 'Holdfast Bakery', handle: '@holdfast_bakery', kind: 'instagram', channelId: null }]);
      const [channel] = await choose(admin, session.id, [bakeryInstagram.igUserId]);
      expect(channel).toMatchObject({ platform: 'instagram', handle: '@holdfast_bakery' });
      const credentials = await t.app.get(ChannelsService).credentialsOf(channel.id);
      expect(credentials).toEqual({ igUserId: bakeryInstagram.igUserId, accessToken: expect.any(String) });
      expect(graph.lifetimeOf(credentials.accessToken)).toBe('never');
      const verified = track(await admin.post(`/api/channels/${channel.id}/verify`));
      expect(verified.body).toMatchObject({ ok: true, account: { accountId: bakeryInstagram.igUserId, handle: '@holdfast_bakery' } });
    });

    it('answers account_error when the sign-in reaches no Instagram account', async () => {
      const loner = graph.addUser('Lonely Larry');
      graph.grantPage(loner, market.pageId);
      graph.signedInUser = loner;
      try {
        const landed = await through(admin, 'instagram');
        expect(landed.searchParams.get('connectError')).toBe('account_error');
        expect(landed.searchParams.get('reason')).toContain('Instagram professional account');
      } finally {
        graph.signedInUser = userId;
      }
    });

    it('answers denied when the person declines Facebook Login, writing nothing but the audit line', async () => {
      graph.consent = 'deny';
      const before = await channelCount('facebook');
      try {
        const landed = await through(admin, 'facebook');
        expect(landed.searchParams.get('connectError')).toBe('denied');
      } finally {
        graph.consent = 'allow';
      }
      expect(await channelCount('facebook')).toBe(before);
      expect((await failures())[0]).toMatchObject({ platform: 'facebook', code: 'denied' });
    });

    it('answers token_error naming the permissions the person unticked, and connects nothing', async () => {
      graph.declinedScopes = ['instagram_content_publish'];
      const before = await channelCount('instagram');
      try {
        const landed = await through(admin, 'instagram');
        expect(landed.searchParams.get('connectError')).toBe('token_error');
        expect(landed.searchParams.get('reason')).toBe(
          'Facebook granted less than Holdfast needs to post: instagram_content_publish not granted. Connect again and keep every permission ticked',
        );
      } finally {
        graph.declinedScopes = [];
      }
      expect(await channelCount('instagram')).toBe(before);
    });

    it('answers token_error with Graph\'s words when the code exchange fails', async () => {
      graph.failNext('GET /{version}/oauth/access_token', { code: 100, subcode: 36009, type: 'OAuthException', message: 'This authorization code has been used.' });

      const landed = await through(admin, 'facebook');

      expect(landed.searchParams.get('connectError')).toBe('token_error');
      expect(landed.searchParams.get('reason')).toBe('Facebook refused the sign-in: This authorization code has been used. (OAuthException code 100, subcode 36009)');
      expect((await failures())[0]).toMatchObject({ platform: 'facebook', code: 'token_error' });
    });

    it('answers account_error with Graph\'s words when the Pages cannot be listed', async () => {
      graph.failNext('GET /{version}/me/accounts', { code: 200, status: 403, type: 'OAuthException', message: '(#200) Requires pages_show_list permission to manage the object' });

      const landed = await through(admin, 'facebook');

      expect(landed.searchParams.get('connectError')).toBe('account_error');
      expect(landed.searchParams.get('reason')).toBe('Facebook did not list the Pages you manage: (#200) Requires pages_show_list permission to manage the object (OAuthException code 200)');
    });
  });

  describe('the choice among accounts', () => {
    it('is refused to another admin (403) and cannot be used twice (409)', async () => {
      const session = await sessionOf(admin, await through(admin, 'facebook'));
      const { user: other } = await signedInMember(t);

      expect(track(await other.get(`/api/channels/connect/sessions/${session.id}`)).status).toBe(403);
      expect(track(await other.post(`/api/channels/connect/sessions/${session.id}`, { accountIds: [session.accounts[0].accountId] })).status).toBe(403);

      await choose(admin, session.id, [session.accounts[0].accountId]);
      const again = track(await admin.post(`/api/channels/connect/sessions/${session.id}`, { accountIds: [session.accounts[0].accountId] }));
      expect(again.status).toBe(409);
      expect((again.body as { message: string }).message).toContain('already chosen');
    });

    it('refuses an account the sign-in did not reach, naming it, and connects nothing', async () => {
      const session = await sessionOf(admin, await through(admin, 'linkedin'));
      const before = await channelCount('linkedin');

      const res = track(await admin.post(`/api/channels/connect/sessions/${session.id}`, { accountIds: ['urn:li:organization:999'] }));

      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('urn:li:organization:999');
      expect(await channelCount('linkedin')).toBe(before);
    });
  });

  it('never shows a token, code or client secret in a response, a redirect or a log line', () => {
    const secrets = [...linkedin.issuedSecrets(), ...graph.issuedSecrets()];
    expect(secrets.length).toBeGreaterThan(10);
    // The callbacks were logged (their path, not their query): the search below looks where a code would leak.
    expect(t.logs.some((line) => line.includes('/api/oauth/linkedin/callback') && line.includes('request completed'))).toBe(true);
    for (const secret of secrets) {
      expect(seen.filter((text) => text.includes(secret))).toEqual([]);
      expect(t.logs.filter((line) => line.includes(secret))).toEqual([]);
    }
  });
});

describe('connecting LinkedIn, Facebook and Instagram without their apps configured', () => {
  let t: TestApp;
  let admin: ConsoleUser;

  beforeAll(async () => {
    t = await TestApp.start({ env: { PUBLIC_URL: CONNECT_ORIGIN } });
    ({ user: admin } = await signedInMember(t));
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows each as not configured, with the variables to set', async () => {
    const res = await admin.get('/api/channels/connect').expect(200);
    const platforms = (res.body as { platforms: { platform: string; configured: boolean; missing: string[] }[] }).platforms;
    const of = (platform: string): unknown => platforms.find((p) => p.platform === platform);
    expect(of('linkedin')).toMatchObject({ configured: false, missing: ['LINKEDIN_CLIENT_ID', 'LINKEDIN_CLIENT_SECRET'] });
    expect(of('facebook')).toMatchObject({ configured: false, missing: ['META_APP_ID', 'META_APP_SECRET'] });
    expect(of('instagram')).toMatchObject({ configured: false, missing: ['META_APP_ID', 'META_APP_SECRET'] });
  });

  it('refuses to start with 409 naming the variables, and keeps no state', async () => {
    const linkedin = await admin.post('/api/channels/connect/linkedin', {});
    expect(linkedin.status).toBe(409);
    expect((linkedin.body as { message: string }).message).toContain('LINKEDIN_CLIENT_ID, LINKEDIN_CLIENT_SECRET');
    const facebook = await admin.post('/api/channels/connect/facebook', {});
    expect(facebook.status).toBe(409);
    expect((facebook.body as { message: string }).message).toContain('META_APP_ID, META_APP_SECRET');
    expect(await t.sql('SELECT id FROM oauth_states')).toEqual([]);
  });
});
