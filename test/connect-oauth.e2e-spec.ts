// Connecting X and Mastodon with a Connect button, through the API as the console drives it: the flow end to end
// against local fakes of each platform's authorize and token endpoints, every misuse of the state refused with
// nothing written but the audit line, reconnects that keep one channel and send what waited, and no token in
// any answer or log line.
import { ChannelsService } from '../src/channels/channels.service';
import { NetworkPolicy } from '../src/common/network-policy';
import { FakeMastodonApi } from './fakes/mastodon-api';
import { FakeXApi } from './fakes/x-api';
import type { ConsoleUser } from './support/console-session';
import { callback, CONNECT_ORIGIN, connectThrough, consent, signedInMember } from './support/connect-flow';
import { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const X_APP = { clientId: 'holdfast-x-client-0001', clientSecret: 'x-client-secret-not-for-logs-0001' };

describe('connecting X and Mastodon accounts', () => {
  let x: FakeXApi;
  let mastodon: FakeMastodonApi;
  let t: TestApp;
  let admin: { id: string; user: ConsoleUser };
  /** Every answer the console got, to search for tokens. */
  const answers: string[] = [];

  beforeAll(async () => {
    [x, mastodon] = await Promise.all([FakeXApi.start(), FakeMastodonApi.start()]);
    x.rateLimit = 1_000_000;
    x.registerApp({ ...X_APP, redirectUris: [`${CONNECT_ORIGIN}/api/oauth/x/callback`] });
    t = await TestApp.start({
      captureLogs: true,
      env: {
        PUBLIC_URL: CONNECT_ORIGIN,
        X_API_URL: x.url,
        X_OAUTH_URL: x.url,
        X_CLIENT_ID: X_APP.clientId,
        X_CLIENT_SECRET: X_APP.clientSecret,
        DISPATCH_TICK_MS: '100',
      },
    });
    admin = await signedInMember(t);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([x?.close(), mastodon?.close()]);
  });
  afterEach(() => {
    x.consent = 'approve';
    x.signedInUser = undefined;
    x.grantedScopes = undefined;
    mastodon.consent = 'approve';
  });

  async function start(user: ConsoleUser, platform: string, body: Record<string, unknown> = {}): Promise<string> {
    const res = await user.post(`/api/channels/connect/${platform}`, body);
    answers.push(JSON.stringify(res.body));
    expect(res.status).toBe(201);
    return res.body.authorizeUrl as string;
  }

  const channelCount = async (): Promise<number> => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM channels WHERE deleted_at IS NULL'))[0].n);
  const lastAudit = async (): Promise<{ action: string; after: Record<string, unknown> }> =>
    (await t.admin.get('/api/audit?limit=1').expect(200)).body.items[0];

  it('says which platforms connect how, and what is configured', async () => {
    const res = await admin.user.get('/api/channels/connect').expect(200);
    const byPlatform = Object.fromEntries(res.body.platforms.map((p: { platform: string }) => [p.platform, p]));
    expect(byPlatform.x).toEqual({ platform: 'x', method: 'oauth', configured: true, missing: [], redirectUri: `${CONNECT_ORIGIN}/api/oauth/x/callback` });
    expect(byPlatform.mastodon).toMatchObject({ method: 'oauth', configured: true });
    expect(byPlatform.bluesky).toMatchObject({ method: 'app_password', configured: true });
    expect(byPlatform.telegram).toMatchObject({ method: 'bot_token', configured: true });
    expect(byPlatform.linkedin).toMatchObject({ method: 'oauth', configured: false });
    expect(byPlatform.facebook).toMatchObject({ method: 'oauth', configured: false });
    const marketer = await signedInMember(t, ['marketer']);
    await marketer.user.get('/api/channels/connect').expect(403);
    await marketer.user.post('/api/channels/connect/x', {}).expect(403);
  });

  it('refuses what is not a platform or not its field', async () => {
    expect((await admin.user.post('/api/channels/connect/myspace', {}).expect(404)).body.message).toMatch(/Platform myspace not found/);
    expect((await admin.user.post('/api/channels/connect/x', { instanceUrl: 'mastodon.social' }).expect(400)).body.message).toMatch(/instanceUrl is for Mastodon only/);
    expect((await admin.user.post('/api/channels/connect/x', { channelId: 'nope' }).expect(400)).body.message).toMatch(/channelId must be the UUID/);
    expect((await admin.user.post('/api/channels/connect/x', { channelId: '00000000-0000-4000-8000-000000000000' }).expect(404)).body.message).toMatch(/Channel .* not found/);
    expect(await t.sql("SELECT * FROM oauth_states")).toEqual([]);
  });

  it('connects an X account end to end: PKCE S256, the handle from /2/users/me, a post goes out through it', async () => {
    const authorizeUrl = new URL(await start(admin.user, 'x'));
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${x.url}/i/oauth2/authorize`);
    expect(Object.fromEntries(authorizeUrl.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: X_APP.clientId,
      redirect_uri: `${CONNECT_ORIGIN}/api/oauth/x/callback`,
      scope: 'tweet.read tweet.write users.read media.write offline.access',
      code_challenge_method: 'S256',
    });
    expect(authorizeUrl.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorizeUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const before = await channelCount();
    const landed = await callback(admin.user, await consent(authorizeUrl.toString()));
    expect(landed.origin + landed.pathname).toBe(`${CONNECT_ORIGIN}/channels`);
    const channelId = landed.searchParams.get('connected')!;
    expect(channelId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await channelCount()).toBe(before + 1);

    const channel = (await admin.user.get(`/api/channels/${channelId}`).expect(200)).body;
    answers.push(JSON.stringify(channel));
    expect(channel).toMatchObject({ platform: 'x', name: 'Holdfast Test', handle: '@holdfast_test', accountId: x.user.id, status: 'active' });
    expect(channel.credentialFields).toEqual(['accessToken', 'authType', 'clientId', 'clientSecret', 'expiresAt', 'refreshToken']);
    expect(channel.lastVerifiedAt).not.toBeNull();
    expect(await lastAudit()).toMatchObject({ action: 'channel.connected', after: { platform: 'x', handle: '@holdfast_test', accountId: x.user.id } });

    const marketer = await t.member('marketer');
    const post = await marketer.post('/api/posts', { text: 'First post through a connected X account', channelIds: [channelId], publishNow: true }).expect(201);
    await waitFor('the post to publish', async () => (await marketer.get(`/api/posts/${post.body.id}`).expect(200)).body.deliveries[0].state === 'published' || undefined);
    expect(x.tweets.filter((tweet) => tweet.text === 'First post through a connected X account')).toHaveLength(1);
  });

  it('refuses a state used once already, and writes nothing but the audit line', async () => {
    const back = await consent(await start(admin.user, 'x'));
    const first = await callback(admin.user, back);
    expect(first.searchParams.get('connected') ?? first.searchParams.get('reconnected')).toBeTruthy();
    const channels = await channelCount();
    const replay = await callback(admin.user, back);
    expect(Object.fromEntries(replay.searchParams)).toMatchObject({ platform: 'x', connectError: 'state_used' });
    expect(replay.searchParams.get('reason')).toMatch(/already used/);
    expect(await channelCount()).toBe(channels);
    expect(await lastAudit()).toMatchObject({ action: 'channel.connect_failed', after: { platform: 'x', code: 'state_used' } });
  });

  it('lets one of several callbacks racing with one state connect, and refuses the others', async () => {
    const back = await consent(await start(admin.user, 'x'));
    const tokenCalls = x.requestsTo('POST /2/oauth2/token').length;
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => callback(admin.user, back)));
    const errors = outcomes.map((landed) => landed.searchParams.get('connectError'));
    expect(errors.filter((error) => error === null)).toHaveLength(1);
    expect(errors.filter((error) => error === 'state_used')).toHaveLength(5);
    // The code was exchanged once: X would refuse a second exchange of it anyway.
    expect(x.requestsTo('POST /2/oauth2/token').length).toBe(tokenCalls + 1);
  });

  it('refuses an expired state (10 minutes)', async () => {
    const back = await consent(await start(admin.user, 'x'));
    await t.sql(`UPDATE oauth_states SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`);
    const channels = await channelCount();
    const landed = await callback(admin.user, back);
    expect(landed.searchParams.get('connectError')).toBe('state_expired');
    expect(landed.searchParams.get('reason')).toMatch(/longer than 10 minutes/);
    expect(await channelCount()).toBe(channels);
  });

  it("refuses another member's state, and the member who started can still finish", async () => {
    const other = await signedInMember(t);
    const back = await consent(await start(admin.user, 'x'));
    const channels = await channelCount();
    const stolen = await callback(other.user, back);
    expect(stolen.searchParams.get('connectError')).toBe('state_other_member');
    expect(await channelCount()).toBe(channels);
    expect(await lastAudit()).toMatchObject({ action: 'channel.connect_failed', after: { code: 'state_other_member', startedBy: admin.id } });
    // A browser with no console session at all.
    const anonymous = await t.anonymous.get(back.pathname + back.search).expect(303);
    expect(new URL(anonymous.headers.location).searchParams.get('connectError')).toBe('signed_out');
    // The state was not used up by either refusal.
    const finished = await callback(admin.user, back);
    expect(finished.searchParams.get('connected') ?? finished.searchParams.get('reconnected')).toBeTruthy();
  });

  it('refuses a state Holdfast never issued, or none, and logs it without the value', async () => {
    const forged = await admin.user.get('/api/oauth/x/callback?code=abc&state=forged-state-value-123').expect(303);
    expect(new URL(forged.headers.location).searchParams.get('connectError')).toBe('state_invalid');
    const none = await admin.user.get('/api/oauth/x/callback?code=abc').expect(303);
    expect(new URL(none.headers.location).searchParams.get('connectError')).toBe('state_invalid');
    const repeated = await admin.user.get('/api/oauth/x/callback?code=abc&state=a&state=b').expect(303);
    expect(new URL(repeated.headers.location).searchParams.get('connectError')).toBe('state_invalid');
    const unknownPlatform = await admin.user.get('/api/oauth/myspace/callback?code=abc&state=x').expect(303);
    expect(new URL(unknownPlatform.headers.location).searchParams.get('connectError')).toBe('state_invalid');
    expect(t.logs.some((line) => line.includes('unknown state'))).toBe(true);
    expect(t.logs.some((line) => line.includes('forged-state-value-123'))).toBe(false);
  });

  it('says so when the person denies access on X, and connects nothing', async () => {
    x.consent = 'deny';
    const channels = await channelCount();
    const landed = await connectThrough(admin.user, 'x');
    expect(landed.searchParams.get('connectError')).toBe('denied');
    expect(landed.searchParams.get('reason')).toMatch(/^Access was not granted on X: nothing was connected.$/);
    expect(await channelCount()).toBe(channels);
    expect(await lastAudit()).toMatchObject({ action: 'channel.connect_failed', after: { code: 'denied' } });
  });

  it("passes on the token endpoint's refusal, and refuses a grant without offline.access", async () => {
    const back = await consent(await start(admin.user, 'x'));
    x.failNext('POST /2/oauth2/token', { status: 503 });
    const failed = await callback(admin.user, back);
    expect(failed.searchParams.get('connectError')).toBe('token_error');
    expect(failed.searchParams.get('reason')).toMatch(/^X refused the sign-in: 503/);

    x.grantedScopes = ['tweet.read', 'tweet.write', 'users.read'];
    const noRefresh = await connectThrough(admin.user, 'x');
    expect(noRefresh.searchParams.get('connectError')).toBe('token_error');
    expect(noRefresh.searchParams.get('reason')).toMatch(/no refresh token \(offline.access was not granted\)/);
  });

  it('reconnects a channel that needs it: one channel, the waiting post goes out once, the rest of its credentials kept', async () => {
    const first = await connectThrough(admin.user, 'x');
    const channelId = first.searchParams.get('connected') ?? first.searchParams.get('reconnected')!;
    const channels = await channelCount();
    // X revokes the token; a post meets it and waits.
    const credentials = await t.app.get(ChannelsService).credentialsOf(channelId);
    const revoked = { ...credentials, accessToken: 'revoked-access-token-0000', refreshToken: 'revoked-refresh-token-000' };
    await t.admin.patch(`/api/channels/${channelId}`, { credentials: revoked }).expect(200);
    const marketer = await t.member('marketer');
    const post = await marketer.post('/api/posts', { text: 'Waits for the reconnect', channelIds: [channelId], publishNow: true }).expect(201);
    await waitFor('the delivery to wait', async () => (await marketer.get(`/api/posts/${post.body.id}`).expect(200)).body.deliveries[0].waitingForReconnectionSince || undefined);
    expect((await t.admin.get(`/api/channels/${channelId}`).expect(200)).body.status).toBe('needs_reauth');

    const landed = await connectThrough(admin.user, 'x', { channelId });
    expect(landed.searchParams.get('reconnected')).toBe(channelId);
    expect(await channelCount()).toBe(channels);
    const channel = (await t.admin.get(`/api/channels/${channelId}`).expect(200)).body;
    expect(channel).toMatchObject({ status: 'active', statusReason: null });
    await waitFor('the waiting post to publish', async () => (await marketer.get(`/api/posts/${post.body.id}`).expect(200)).body.deliveries[0].state === 'published' || undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(x.tweets.filter((tweet) => tweet.text === 'Waits for the reconnect')).toHaveLength(1);
    expect(await lastAudit()).toMatchObject({ action: 'channel.reconnected', after: { reconnected: { resumed: 1, missed: 0 } } });
    const renewed = await t.app.get(ChannelsService).credentialsOf(channelId);
    expect(renewed.accessToken).not.toBe('revoked-access-token-0000');
    expect(x.acceptsBearer(renewed.accessToken)).toBe(true);
    expect(x.holdsRefreshToken(renewed.refreshToken)).toBe(true);

    // Connecting the same account again without naming the channel reconnects it too: no second channel.
    const again = await connectThrough(admin.user, 'x');
    expect(again.searchParams.get('reconnected')).toBe(channelId);
    expect(await channelCount()).toBe(channels);
  });

  it('refuses a reconnect that signs in as another account, and leaves the channel as it was', async () => {
    const first = await connectThrough(admin.user, 'x');
    const channelId = first.searchParams.get('connected') ?? first.searchParams.get('reconnected')!;
    const kept = await t.app.get(ChannelsService).credentialsOf(channelId);
    x.signedInUser = { id: '1500000000000000999', name: 'Somebody Else', username: 'somebody_else' };
    const landed = await connectThrough(admin.user, 'x', { channelId });
    expect(landed.searchParams.get('connectError')).toBe('account_error');
    expect(landed.searchParams.get('reason')).toMatch(/You signed in as @somebody_else, but channel "Holdfast Test" posts as @holdfast_test/);
    expect(await t.app.get(ChannelsService).credentialsOf(channelId)).toEqual(kept);
  });

  it('connects a Mastodon account: the app registered once per instance, PKCE, the handle with its instance', async () => {
    expect((await admin.user.post('/api/channels/connect/mastodon', {}).expect(400)).body.message).toMatch(/instanceUrl is required for Mastodon/);
    expect((await admin.user.post('/api/channels/connect/mastodon', { instanceUrl: `${mastodon.url}/about` }).expect(400)).body.message).toMatch(/the instance alone/);
    const authorizeUrl = new URL(await start(admin.user, 'mastodon', { instanceUrl: `${mastodon.url}/` }));
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${mastodon.url}/oauth/authorize`);
    expect(authorizeUrl.searchParams.get('scope')).toBe('write:statuses write:media read:accounts');
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(mastodon.apps.size).toBe(1);
    const [app] = [...mastodon.apps.values()];
    expect(app).toMatchObject({ name: 'Holdfast', redirectUris: [`${CONNECT_ORIGIN}/api/oauth/mastodon/callback`] });

    const landed = await callback(admin.user, await consent(authorizeUrl.toString()));
    const channelId = landed.searchParams.get('connected')!;
    const channel = (await admin.user.get(`/api/channels/${channelId}`).expect(200)).body;
    const host = new URL(mastodon.url).host;
    expect(channel).toMatchObject({ platform: 'mastodon', name: 'Brand Official', handle: `@brand@${host}`, accountId: `${host}:${mastodon.account.id}` });
    expect((await admin.user.post(`/api/channels/${channelId}/verify`).expect(200)).body).toMatchObject({ ok: true });

    // A second flow on the same instance reuses the registered app.
    await connectThrough(admin.user, 'mastodon', { instanceUrl: mastodon.url.replace('http://', 'HTTP://') });
    expect(mastodon.apps.size).toBe(1);
    expect(await channelCount()).toBeGreaterThan(0);
  });

  it('reconnects a Mastodon channel on its own instance, and says so when the person denies access', async () => {
    const first = await connectThrough(admin.user, 'mastodon', { instanceUrl: mastodon.url });
    const channelId = first.searchParams.get('connected') ?? first.searchParams.get('reconnected')!;
    const before = await t.app.get(ChannelsService).credentialsOf(channelId);
    mastodon.revoke(before.accessToken);
    // No instanceUrl: the channel's own.
    const landed = await connectThrough(admin.user, 'mastodon', { channelId });
    expect(landed.searchParams.get('reconnected')).toBe(channelId);
    const after = await t.app.get(ChannelsService).credentialsOf(channelId);
    expect(mastodon.acceptsToken(after.accessToken)).toBe(true);

    mastodon.consent = 'deny';
    const denied = await connectThrough(admin.user, 'mastodon', { channelId });
    expect(denied.searchParams.get('connectError')).toBe('denied');
    expect(await t.app.get(ChannelsService).credentialsOf(channelId)).toEqual(after);
  });

  it('never shows or logs a token, a code or the client secret', async () => {
    const rows = await t.sql<{ id: string }>('SELECT id FROM channels WHERE deleted_at IS NULL');
    const secrets: string[] = [X_APP.clientSecret];
    for (const { id } of rows) {
      const credentials = await t.app.get(ChannelsService).credentialsOf(id);
      secrets.push(...[credentials.accessToken, credentials.refreshToken].filter((value): value is string => !!value && !value.startsWith('revoked')));
    }
    secrets.push(...[...mastodon.apps.values()].map((app) => app.clientSecret));
    const codes = x.requests.filter((r) => r.route === 'POST /2/oauth2/token').map((r) => (r.body as Record<string, string>).code).filter(Boolean);
    secrets.push(...codes);
    expect(secrets.length).toBeGreaterThan(5);
    const listed = JSON.stringify((await t.admin.get('/api/channels').expect(200)).body);
    const audit = JSON.stringify((await t.admin.get('/api/audit?limit=200').expect(200)).body);
    for (const secret of secrets) {
      expect(listed).not.toContain(secret);
      expect(audit).not.toContain(secret);
      expect(answers.join('\n')).not.toContain(secret);
      expect(t.logs.filter((line) => line.includes(secret))).toEqual([]);
    }
  });
});

describe('connecting Mastodon under the network policy', () => {
  let t: TestApp;
  let admin: { id: string; user: ConsoleUser };

  beforeAll(async () => {
    t = await TestApp.start({ env: { PUBLIC_URL: CONNECT_ORIGIN, ALLOW_PRIVATE_NETWORK: 'false' } });
    admin = await signedInMember(t);
  }, 60_000);
  afterAll(() => t?.close());

  it('refuses to start a platform that is not configured, naming what to set', async () => {
    const listed = await admin.user.get('/api/channels/connect').expect(200);
    expect(listed.body.platforms.find((p: { platform: string }) => p.platform === 'x')).toMatchObject({ configured: false, missing: ['X_CLIENT_ID', 'X_CLIENT_SECRET (confidential apps)'] });
    const res = await admin.user.post('/api/channels/connect/x', {}).expect(409);
    expect(res.body.message).toBe('x is not configured on this service: set X_CLIENT_ID, X_CLIENT_SECRET (confidential apps) and restart');
  });

  it('refuses an instance on a private address before connecting to it', async () => {
    expect((await admin.user.post('/api/channels/connect/mastodon', { instanceUrl: 'http://mastodon.example' }).expect(400)).body.message).toMatch(/must use https/);
    expect((await admin.user.post('/api/channels/connect/mastodon', { instanceUrl: 'https://10.0.0.5' }).expect(400)).body.message).toMatch(/public address/);
    // A name whose DNS answer is private: refused at the connection, never reached (the stub answers, no DNS is asked).
    const policy = t.app.get(NetworkPolicy);
    const resolve = policy.resolve;
    policy.resolve = (): Promise<{ address: string; family: number }[]> => Promise.resolve([{ address: '10.0.0.1', family: 4 }]);
    try {
      const res = await admin.user.post('/api/channels/connect/mastodon', { instanceUrl: 'mastodon.internal.example' }).expect(400);
      expect(res.body.message).toMatch(/did not register Holdfast as an app: the instance resolves to a private address/);
    } finally {
      policy.resolve = resolve;
    }
    expect(await t.sql('SELECT * FROM oauth_states')).toEqual([]);
    expect(await t.sql('SELECT * FROM oauth_apps')).toEqual([]);
  });
});
