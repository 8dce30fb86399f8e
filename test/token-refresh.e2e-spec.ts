// Token refreshes under load: one renewal per channel across sends and instances, and a person's new credentials never lost to one.
import { TokenRefresher } from '../src/channels/token-refresher';
import { ChannelsService } from '../src/channels/channels.service';
import { FakeLinkedInApi } from './fakes/linkedin-api';
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const TOKEN_ROUTE = 'POST /2/oauth2/token';

interface DeliveryRow {
  state: string;
  last_error: string | null;
}

/** Posts `count` posts on the channel for later, then makes them all due at one instant and wakes every instance. */
async function dueAtOnce(t: TestApp, marketer: Caller, channelId: string, count: number, label: string): Promise<void> {
  const later = new Date(Date.now() + 3600_000).toISOString();
  for (let i = 0; i < count; i++) {
    await marketer.post('/api/posts', { text: `${label} ${i + 1}`, channelIds: [channelId], scheduledAt: later }).expect(201);
  }
  await t.sql(`UPDATE deliveries SET due_at = now() WHERE channel_id = $1`, [channelId]);
  await t.sql(`NOTIFY holdfast_dispatch`);
}

async function settledDeliveries(t: TestApp, channelId: string, count: number): Promise<DeliveryRow[]> {
  return waitFor(
    `${count} deliveries of channel ${channelId} to settle`,
    async () => {
      const rows = await t.sql<DeliveryRow>(`SELECT state, last_error FROM deliveries WHERE channel_id = $1 ORDER BY created_at`, [channelId]);
      return rows.length === count && rows.every((row) => ['published', 'failed', 'needs_verification'].includes(row.state)) ? rows : undefined;
    },
    30_000,
  );
}

async function channelStatus(t: TestApp, channelId: string): Promise<string> {
  const res = await t.admin.get(`/api/channels/${channelId}`).expect(200);
  return res.body.status as string;
}

/** An X token that expires within the refresh margin (a minute): every send renews it first. */
function dueSoon(): string {
  return new Date(Date.now() + 30_000).toISOString();
}

describe('renewing an X token with a rotating refresh token', () => {
  let fake: FakeXApi;
  let t: TestApp;
  let marketer: Caller;

  beforeEach(async () => {
    fake = await FakeXApi.start();
    t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100' } });
    marketer = await t.member('marketer');
  });
  afterEach(async () => {
    await t.close();
    await fake.close();
  });

  async function xChannel(credentials: Record<string, string>): Promise<string> {
    const res = await t.admin.post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials }).expect(201);
    return res.body.id as string;
  }

  it('publishes three posts due at one instant with a single refresh, and the channel stays active', async () => {
    const channelId = await xChannel(fake.oauth2Credentials({ expiresAt: dueSoon() }));

    await dueAtOnce(t, marketer, channelId, 3, 'Three at once');
    const deliveries = await settledDeliveries(t, channelId, 3);

    expect(deliveries).toEqual([
      { state: 'published', last_error: null },
      { state: 'published', last_error: null },
      { state: 'published', last_error: null },
    ]);
    expect(fake.requestsTo(TOKEN_ROUTE)).toHaveLength(1);
    expect(new Set(fake.tweets.map((tweet) => tweet.postedWith)).size).toBe(1);
    expect(await channelStatus(t, channelId)).toBe('active');
  });

  it('publishes them all with a single refresh when two instances send them', async () => {
    // One send at a time per instance, slow answers: both instances refresh at the same moment unless one waits for the other.
    fake.latencyMs = 300;
    const second = await TestApp.start({ sameDatabaseAs: t, env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100', DISPATCH_PLATFORM_CONCURRENCY: '1' } });
    try {
      const channelId = await xChannel(fake.oauth2Credentials({ expiresAt: dueSoon() }));

      await dueAtOnce(t, marketer, channelId, 3, 'Two instances');
      const deliveries = await settledDeliveries(t, channelId, 3);

      expect(deliveries.map((row) => row.state)).toEqual(['published', 'published', 'published']);
      expect(fake.requestsTo(TOKEN_ROUTE)).toHaveLength(1);
      expect(fake.tweets).toHaveLength(3);
      expect(await channelStatus(t, channelId)).toBe('active');
    } finally {
      await second.close();
    }
  }, 60_000);

  it('sends with the stored token when the refresh token was rotated elsewhere while it was being redeemed', async () => {
    const credentials = fake.oauth2Credentials({ expiresAt: dueSoon() });
    const channelId = await xChannel(credentials);
    fake.failNext(TOKEN_ROUTE, { delayMs: 1500 });

    await dueAtOnce(t, marketer, channelId, 1, 'Rotated elsewhere');
    await waitFor('the refresh to reach X', () => fake.requestsTo(TOKEN_ROUTE).length === 1);
    // Meanwhile someone else redeems the same refresh token and the admin stores what they got.
    const elsewhere = fake.redeem(credentials.refreshToken);
    const expiresAt = new Date(Date.now() + 7200_000).toISOString();
    await t.admin.patch(`/api/channels/${channelId}`, { credentials: { ...credentials, ...elsewhere, expiresAt } }).expect(200);
    const [delivery] = await settledDeliveries(t, channelId, 1);

    expect(delivery).toEqual({ state: 'published', last_error: null });
    expect(fake.tweets).toEqual([expect.objectContaining({ postedWith: `Bearer ${elsewhere.accessToken}` })]);
    expect(await channelStatus(t, channelId)).toBe('active');
  });

  it("keeps the credentials an admin stored while a refresh was under way, and sends with them", async () => {
    const channelId = await xChannel(fake.oauth2Credentials({ expiresAt: dueSoon() }));
    fake.failNext(TOKEN_ROUTE, { delayMs: 1500 });

    await dueAtOnce(t, marketer, channelId, 1, 'Admin reconnects');
    await waitFor('the refresh to reach X', () => fake.requestsTo(TOKEN_ROUTE).length === 1);
    const reconnected = fake.oauth2Credentials();
    await t.admin.patch(`/api/channels/${channelId}`, { credentials: reconnected }).expect(200);
    const [delivery] = await settledDeliveries(t, channelId, 1);

    expect(delivery).toEqual({ state: 'published', last_error: null });
    expect(fake.tweets).toEqual([expect.objectContaining({ postedWith: `Bearer ${reconnected.accessToken}` })]);
    expect(await t.app.get(ChannelsService).credentialsOf(channelId)).toEqual(reconnected);
  });
});

describe('renewing a LinkedIn token', () => {
  it('refreshes once for three posts whose sends all met the expired token', async () => {
    const fake = await FakeLinkedInApi.start();
    const t = await TestApp.start({ env: { LINKEDIN_API_URL: fake.url, DISPATCH_TICK_MS: '100' } });
    try {
      const marketer = await t.member('marketer');
      const member = fake.addMember('Refreshing Rita');
      fake.expireToken(member.accessToken);
      const credentials = {
        authorUrn: `urn:li:organization:${member.organizationId}`,
        accessToken: member.accessToken,
        refreshToken: member.refreshToken,
        clientId: member.clientId,
        clientSecret: member.clientSecret,
      };
      const channel = await t.admin.post('/api/channels', { platform: 'linkedin', name: 'LinkedIn', handle: 'holdfast-bakery', credentials }).expect(201);
      const channelId = channel.body.id as string;

      await dueAtOnce(t, marketer, channelId, 3, 'LinkedIn at once');
      const deliveries = await settledDeliveries(t, channelId, 3);

      expect(deliveries.map((row) => row.state)).toEqual(['published', 'published', 'published']);
      expect(fake.requestsTo('POST /oauth/v2/accessToken')).toHaveLength(1);
      expect(fake.posts).toHaveLength(3);
      expect(await channelStatus(t, channelId)).toBe('active');
    } finally {
      await t.close();
      await fake.close();
    }
  });

  it('is refreshed ahead of its 60-day expiry by the once-per-cluster job, which stores the new expiry', async () => {
    const fake = await FakeLinkedInApi.start();
    const t = await TestApp.start({ env: { LINKEDIN_API_URL: fake.url, DISPATCH_ENABLED: 'false', TOKEN_REFRESH_AHEAD_MINUTES: '1440' } });
    try {
      const member = fake.addMember('Ahead Anna');
      const credentials = {
        authorUrn: `urn:li:organization:${member.organizationId}`,
        accessToken: member.accessToken,
        refreshToken: member.refreshToken,
        clientId: member.clientId,
        clientSecret: member.clientSecret,
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      };
      const created = await t.admin.post('/api/channels', { platform: 'linkedin', name: 'LinkedIn ahead', handle: 'holdfast-bakery', credentials }).expect(201);
      const channel = { id: created.body.id as string, platform: 'linkedin' as const, handle: 'holdfast-bakery' };
      const refresher = t.app.get(TokenRefresher);
      expect(await refresher.refreshChannel(channel)).toBe('refreshed');
      const stored = await t.app.get(ChannelsService).credentialsOf(channel.id);
      expect(stored.accessToken).not.toBe(member.accessToken);
      // LinkedIn said 60 days: the next run finds it far from expiry and leaves it.
      expect(Date.parse(stored.expiresAt) - Date.now()).toBeGreaterThan(59 * 86_400_000);
      expect(await refresher.refreshChannel(channel)).toBe('not_expiring');
      expect(fake.requestsTo('POST /oauth/v2/accessToken')).toHaveLength(1);
      expect((await t.admin.post(`/api/channels/${channel.id}/verify`).expect(200)).body.ok).toBe(true);
    } finally {
      await t.close();
      await fake.close();
    }
  });
});
