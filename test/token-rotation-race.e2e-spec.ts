// Refreshing ahead of expiry with X's single-use refresh tokens, from two instances at once: the new pair is
// committed before the old refresh token can be redeemed again, so the channel never ends with a dead token.
import { ChannelsService } from '../src/channels/channels.service';
import { TokenRefresher } from '../src/channels/token-refresher';
import { FakeXApi } from './fakes/x-api';
import { TestApp } from './support/test-app';

const TOKEN_ROUTE = 'POST /2/oauth2/token';

describe('refreshing tokens ahead of expiry', () => {
  let x: FakeXApi;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    x = await FakeXApi.start();
    // A day ahead: the fake's two-hour tokens always count as expiring, so every call refreshes.
    const env = { X_API_URL: x.url, DISPATCH_ENABLED: 'false', TOKEN_REFRESH_AHEAD_MINUTES: '1440' };
    a = await TestApp.start({ env, captureLogs: true });
    b = await TestApp.start({ sameDatabaseAs: a, env });
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await x?.close();
  });

  const xChannel = async (credentials: Record<string, string>): Promise<{ id: string; platform: 'x'; handle: string }> => {
    const res = await a.admin.post('/api/channels', { platform: 'x', name: 'Rotating', handle: '@brand', credentials }).expect(201);
    return { id: res.body.id as string, platform: 'x', handle: '@brand' };
  };

  it('two instances refreshing one channel at once, 50 rounds: the stored pair is always the live one', async () => {
    const channel = await xChannel(x.oauth2Credentials());
    const issued = new Set<string>();
    for (let round = 0; round < 50; round++) {
      const outcomes = await Promise.all([a.app.get(TokenRefresher).refreshChannel(channel), b.app.get(TokenRefresher).refreshChannel(channel)]);
      expect({ round, outcomes }).toEqual({ round, outcomes: ['refreshed', 'refreshed'] });
      const stored = await a.app.get(ChannelsService).credentialsOf(channel.id);
      expect({ round, liveRefreshToken: x.holdsRefreshToken(stored.refreshToken), liveAccessToken: x.acceptsBearer(stored.accessToken) }).toEqual({
        round,
        liveRefreshToken: true,
        liveAccessToken: true,
      });
      issued.add(stored.refreshToken);
    }
    expect(issued.size).toBe(50);
    // Each instance redeemed the token stored when it got the channel's lock: two redemptions a round, none refused.
    expect(x.requestsTo(TOKEN_ROUTE)).toHaveLength(100);
    expect((await a.admin.get(`/api/channels/${channel.id}`).expect(200)).body.status).toBe('active');
    // No token in any log line.
    const stored = await a.app.get(ChannelsService).credentialsOf(channel.id);
    expect(a.logs.join('\n')).not.toContain(stored.refreshToken);
    expect(a.logs.join('\n')).not.toContain(stored.accessToken);
  }, 120_000);

  it('runs once per cluster: of two instances starting the job together, one runs it', async () => {
    const results = await Promise.all([a.app.get(TokenRefresher).runOnce(), b.app.get(TokenRefresher).runOnce()]);
    expect(results.filter((r) => r === null)).toHaveLength(1);
  });

  it('leaves a channel whose token is far from expiry alone', async () => {
    const refresher = a.app.get(TokenRefresher);
    const channel = await xChannel(x.oauth2Credentials({ expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }));
    const before = x.requestsTo(TOKEN_ROUTE).length;
    expect(await refresher.refreshChannel(channel)).toBe('not_expiring');
    expect(x.requestsTo(TOKEN_ROUTE)).toHaveLength(before);
  });

  it('marks the channel needs_reauth, with its webhook event, when X refuses the refresh for good', async () => {
    const channel = await xChannel(x.oauth2Credentials({ refreshToken: 'rt-that-x-never-issued-0000000000' }));
    expect(await a.app.get(TokenRefresher).refreshChannel(channel)).toBe('needs_reauth');
    expect((await a.admin.get(`/api/channels/${channel.id}`).expect(200)).body.status).toBe('needs_reauth');
    const events = await a.sql(`SELECT 1 FROM webhook_events WHERE type = 'channel.needs_reauth' AND data->>'channelId' = $1`, [channel.id]);
    expect(events).toHaveLength(1);
  });
});
