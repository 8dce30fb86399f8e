// The token life cycle's promise: a delivery that meets revoked credentials waits for the reconnect, goes out
// once after it within the grace window, and is missed past it; nothing is dropped and nothing is sent late.
import { ReauthSweeper } from '../src/channels/reauth-sweeper';
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('deliveries waiting for a reconnect', () => {
  let x: FakeXApi;
  let t: TestApp;
  let marketer: Caller;
  let lead: Caller;

  beforeAll(async () => {
    x = await FakeXApi.start();
    x.rateLimit = 1_000_000;
    t = await TestApp.start({ env: { X_API_URL: x.url, DISPATCH_TICK_MS: '100', REAUTH_GRACE_MINUTES: '60' } });
    marketer = await t.member('marketer');
    lead = await t.member('crisis_lead');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await x?.close();
  });

  /** An X channel whose token X no longer accepts, and no refresh token to renew it: only a reconnect helps. */
  async function revokedChannel(name: string): Promise<string> {
    const res = await t.admin
      .post('/api/channels', { platform: 'x', name, handle: '@brand', credentials: { authType: 'oauth2', accessToken: `revoked-${name.replace(/\W/g, '')}-0000000000` } })
      .expect(201);
    return res.body.id;
  }

  const deliveryOf = async (postId: string): Promise<Record<string, unknown>> => (await marketer.get(`/api/posts/${postId}`).expect(200)).body.deliveries[0];
  const sent = (text: string): number => x.tweets.filter((tweet) => tweet.text === text).length;

  it('waits past a revoked token, then after the reconnect sends what is within the grace window once and lists the rest as missed', async () => {
    const channelId = await revokedChannel('Revoked X');
    const fresh = await marketer.post('/api/posts', { text: 'Within the grace window', channelIds: [channelId], publishNow: true }).expect(201);
    const waiting = await waitFor('the first delivery to wait', async () => {
      const d = await deliveryOf(fresh.body.id);
      return d.waitingForReconnectionSince ? d : undefined;
    });
    expect(waiting).toMatchObject({ state: 'scheduled', attempts: 0 });
    expect(waiting.lastError).toMatch(/^waiting for the channel to be reconnected/);
    expect((await t.admin.get(`/api/channels/${channelId}`).expect(200)).body.status).toBe('needs_reauth');

    // A second post, due two hours ago (past the 60-minute window), waits beside it.
    const stale = await marketer.post('/api/posts', { text: 'Past the grace window', channelIds: [channelId], publishNow: true }).expect(201);
    await t.sql(`UPDATE deliveries SET due_at = now() - interval '2 hours' WHERE post_id = $1`, [stale.body.id]);
    // The reconnect settles them in its own transaction (the periodic sweep may have missed the stale one first).
    await t.admin.patch(`/api/channels/${channelId}`, { credentials: x.oauth2Credentials() }).expect(200);

    await waitFor('the fresh delivery to publish', async () => (await deliveryOf(fresh.body.id)).state === 'published' || undefined);
    const missed = await deliveryOf(stale.body.id);
    expect(missed).toMatchObject({ state: 'missed', waitingForReconnectionSince: null });
    expect(missed.lastError).toMatch(/not reconnected within the grace window/);
    const list = await marketer.get('/api/deliveries/missed').expect(200);
    expect(list.body.map((d: { id: string }) => d.id)).toContain(missed.id);
    // Give the dispatcher time to (wrongly) send the missed one, then count.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sent('Within the grace window')).toBe(1);
    expect(sent('Past the grace window')).toBe(0);
    const audit = await t.admin.get('/api/audit?limit=5').expect(200);
    expect(audit.body.items.find((e: { action: string }) => e.action === 'channel.updated').after).toMatchObject({ reconnected: { resumed: 1 } });
  });

  it('lists a delivery as missed once the workspace’s own grace window ends, with nobody reconnecting', async () => {
    const channelId = await revokedChannel('Never reconnected');
    const patched = await t.admin.patch('/api/workspace', { reauthGraceMinutes: 5 }).expect(200);
    expect(patched.body.reauthGraceMinutes).toBe(5);
    try {
      const post = await marketer.post('/api/posts', { text: 'Nobody reconnects', channelIds: [channelId], publishNow: true }).expect(201);
      await waitFor('the delivery to wait', async () => ((await deliveryOf(post.body.id)).waitingForReconnectionSince ? true : undefined));
      // Within 5 minutes: the sweep leaves it waiting.
      await t.app.get(ReauthSweeper).sweep();
      expect(await deliveryOf(post.body.id)).toMatchObject({ state: 'scheduled' });
      await t.sql(`UPDATE deliveries SET due_at = now() - interval '6 minutes' WHERE post_id = $1`, [post.body.id]);
      const swept = await t.app.get(ReauthSweeper).sweep();
      expect(swept).toEqual([{ workspaceId: t.admin.workspaceId, waiting: 0, missed: 1 }]);
      expect(await deliveryOf(post.body.id)).toMatchObject({ state: 'missed', waitingForReconnectionSince: null });
      // A later reconnect does not bring it back, and it is never sent.
      await t.admin.patch(`/api/channels/${channelId}`, { credentials: x.oauth2Credentials() }).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(sent('Nobody reconnects')).toBe(0);
    } finally {
      await t.admin.patch('/api/workspace', { reauthGraceMinutes: null }).expect(200);
    }
  });

  it('marks deliveries that fall due while the channel needs reconnecting as waiting', async () => {
    const channelId = await revokedChannel('Falls due later');
    const first = await marketer.post('/api/posts', { text: 'Trips the revocation', channelIds: [channelId], publishNow: true }).expect(201);
    await waitFor('the channel to need reconnecting', async () => ((await deliveryOf(first.body.id)).waitingForReconnectionSince ? true : undefined));
    const later = await marketer.post('/api/posts', { text: 'Falls due meanwhile', channelIds: [channelId], publishNow: true }).expect(201);
    expect((await deliveryOf(later.body.id)).waitingForReconnectionSince).toBeNull();
    expect(await t.app.get(ReauthSweeper).sweep()).toEqual([{ workspaceId: t.admin.workspaceId, waiting: 1, missed: 0 }]);
    expect(await deliveryOf(later.body.id)).toMatchObject({ state: 'scheduled', waitingForReconnectionSince: expect.any(String) });
  });

  it('refuses a grace window outside 0–10080 minutes with the rule', async () => {
    const res = await t.admin.patch('/api/workspace', { reauthGraceMinutes: 20000 }).expect(400);
    expect(JSON.stringify(res.body)).toContain('reauthGraceMinutes must be a whole number of minutes between 0 and 10080');
    await marketer.patch('/api/workspace', { reauthGraceMinutes: 10 }).expect(403);
  });

  it('a crisis outranks the reconnect: waiting deliveries in its scope stay held', async () => {
    const channelId = await revokedChannel('Crisis meanwhile');
    const post = await marketer.post('/api/posts', { text: 'Held by the crisis', channelIds: [channelId], publishNow: true }).expect(201);
    await waitFor('the delivery to wait', async () => ((await deliveryOf(post.body.id)).waitingForReconnectionSince ? true : undefined));
    await lead.post('/api/crisis/activate', { reason: 'Reconnect during a crisis', level: 1, pauseAds: false }).expect(201);
    try {
      await t.admin.patch(`/api/channels/${channelId}`, { credentials: x.oauth2Credentials() }).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await deliveryOf(post.body.id)).state).toBe('held');
      expect(sent('Held by the crisis')).toBe(0);
    } finally {
      await lead.post('/api/crisis/deactivate', { note: 'over' }).expect(200);
    }
  });
});

describe('a reconnect racing the sweep on another instance', () => {
  let x: FakeXApi;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    x = await FakeXApi.start();
    x.rateLimit = 1_000_000;
    a = await TestApp.start({ env: { X_API_URL: x.url, DISPATCH_TICK_MS: '50', REAUTH_GRACE_MINUTES: '60' } });
    b = await TestApp.start({ sameDatabaseAs: a, env: { X_API_URL: x.url, DISPATCH_TICK_MS: '50', REAUTH_GRACE_MINUTES: '60' } });
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await x?.close();
  });

  it('settles every waiting delivery exactly once, 10 rounds: within the window sent once, past it missed and never sent', async () => {
    const channel = await a.admin.post('/api/channels', { platform: 'x', name: 'Race', handle: '@brand', credentials: x.oauth2Credentials() }).expect(201);
    const channelId = channel.body.id as string;
    for (let round = 0; round < 10; round++) {
      await a.sql(`UPDATE channels SET status = 'needs_reauth', status_reason = 'revoked' WHERE id = $1`, [channelId]);
      // 20 deliveries waiting: even ones due 10 minutes ago (within 60), odd ones 2 hours ago (past it).
      await a.sql(
        `WITH planned AS (
           INSERT INTO posts (workspace_id, author_id, last_editor_id, text, scheduled_at, time_zone, status, content_hash)
           SELECT $1, $2, $2, $3 || g, now() - CASE WHEN g % 2 = 0 THEN interval '10 minutes' ELSE interval '2 hours' END, 'UTC', 'scheduled', md5($3 || g)
             FROM generate_series(1, 20) AS g
           RETURNING id, scheduled_at)
         INSERT INTO deliveries (workspace_id, post_id, channel_id, platform, state, due_at, waiting_for_reauth_since)
         SELECT $1, id, $4, 'x', 'scheduled', scheduled_at, now() FROM planned`,
        [a.admin.workspaceId, a.admin.memberId, `Race ${round} #`, channelId],
      );
      // The sweeps start a little later each round, so that either side gets there first in some rounds.
      const head = [0, 5, 10, 20, 40, 0, 5, 10, 20, 40][round];
      const sweeps = new Promise((resolve) => setTimeout(resolve, head)).then(() => Promise.all(Array.from({ length: 5 }, () => b.app.get(ReauthSweeper).sweep())));
      await Promise.all([a.admin.patch(`/api/channels/${channelId}`, { credentials: x.oauth2Credentials() }).expect(200), sweeps]);
      const rows = await waitFor(`round ${round} settled`, async () => {
        const states = await a.sql<{ text: string; state: string }>(
          `SELECT p.text, d.state FROM deliveries d JOIN posts p ON p.id = d.post_id WHERE p.text LIKE $1`,
          [`Race ${round} #%`],
        );
        return states.every((r) => r.state === 'published' || r.state === 'missed') ? states : undefined;
      });
      for (const row of rows) {
        const even = Number(row.text.split('#')[1]) % 2 === 0;
        expect({ text: row.text, state: row.state }).toEqual({ text: row.text, state: even ? 'published' : 'missed' });
        expect({ text: row.text, sent: x.tweets.filter((tweet) => tweet.text === row.text).length }).toEqual({ text: row.text, sent: even ? 1 : 0 });
      }
    }
  }, 120_000);
});
