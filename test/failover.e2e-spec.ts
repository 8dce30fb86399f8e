// A Facebook outage, five simulated minutes long: the breaker stops the retry storm, auto failover sends to Mastodon and
// Telegram, the rest wait and publish after recovery; manual failover is confirmed by a person; a crisis still holds fallbacks.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Clock } from '../src/common/clock';
import { FakeGraphApi } from './fakes/facebook-graph-api';
import { FakeMastodonApi } from './fakes/mastodon-api';
import { FakeTelegramApi } from './fakes/telegram-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/**
 * Facebook going down in front of the fake Graph API: while `down`, every call gets what Graph answers
 * when it cannot serve one (HTTP 503, error code 2, is_transient); otherwise the call goes through.
 * Counts every request that reaches "Facebook", stamped with the service's (simulated) time.
 */
class GraphOutage {
  down = false;
  readonly seen: { path: string; at: number; down: boolean }[] = [];
  private readonly server: Server;

  private constructor(
    private readonly target: string,
    private readonly now: () => number,
  ) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.seen.push({ path: req.url ?? '', at: this.now(), down: this.down });
        if (this.down) {
          res.writeHead(503, { 'content-type': 'application/json; charset=UTF-8', 'www-authenticate': 'OAuth "Facebook Platform" "unknown_error"' });
          res.end(JSON.stringify({ error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', is_transient: true, code: 2, fbtrace_id: 'AbCdEf' } }));
          return;
        }
        const forward = httpRequest(`${this.target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        forward.on('error', () => res.destroy());
        forward.end(Buffer.concat(chunks));
      });
    });
  }

  static async start(target: string, now: () => number): Promise<GraphOutage> {
    const outage = new GraphOutage(target, now);
    await new Promise<void>((resolve) => outage.server.listen(0, '127.0.0.1', resolve));
    return outage;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  posts(): { path: string; at: number; down: boolean }[] {
    return this.seen.filter((request) => new URL(request.path, 'http://graph').pathname.endsWith('/feed'));
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

interface World {
  t: TestApp;
  graph: FakeGraphApi;
  outage: GraphOutage;
  mastodon: FakeMastodonApi;
  telegram: FakeTelegramApi;
  marketer: Caller;
  /** Moves the service's Clock ahead of real time. */
  advance: (ms: number) => void;
  channels: { mastodon: string; telegram: string; fbAuto: string; fbWait: string; fbManual: string };
  close: () => Promise<void>;
}

async function world(env: Record<string, string> = {}): Promise<World> {
  let offset = 0;
  const now = (): number => Date.now() + offset;
  const graph = await FakeGraphApi.start();
  const outage = await GraphOutage.start(graph.url, now);
  const mastodon = await FakeMastodonApi.start();
  const telegram = await FakeTelegramApi.start();
  const t = await TestApp.start({
    env: {
      META_GRAPH_URL: outage.url,
      TELEGRAM_API_URL: telegram.url,
      DISPATCH_TICK_MS: '100',
      DISPATCH_SEND_TIMEOUT_MS: '5000',
      FAILOVER_SWEEP_MS: '100',
      BREAKER_FAILURE_THRESHOLD: '3',
      BREAKER_COOLDOWN_SECONDS: '30',
      BREAKER_MAX_COOLDOWN_SECONDS: '120',
      ...env,
    },
  });
  jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now()));
  const create = async (body: object): Promise<string> => (await t.admin.post('/api/channels', body).expect(201)).body.id as string;
  const masto = await create({ platform: 'mastodon', name: 'Brand on Mastodon', handle: '@brand@fake.social', credentials: mastodon.credentials() });
  const tg = await create({ platform: 'telegram', name: 'Brand news', handle: '@brand_news', credentials: telegram.publicChannel('brand_news') });
  const page = (name: string, extra: object): Promise<string> =>
    create({ platform: 'facebook', name, handle: name, credentials: graph.addPage(name), ...extra });
  const fbAuto = await page('Bakery page', { fallbackChannelIds: [masto, tg], failoverPolicy: 'auto', failoverAfterMinutes: 2 });
  const fbWait = await page('Careers page', {});
  const fbManual = await page('Events page', { fallbackChannelIds: [masto], failoverPolicy: 'manual' });
  return {
    t,
    graph,
    outage,
    mastodon,
    telegram,
    marketer: await t.member('marketer'),
    advance: (ms) => (offset += ms),
    channels: { mastodon: masto, telegram: tg, fbAuto, fbWait, fbManual },
    close: async () => {
      await t.close();
      await Promise.all([outage.close(), graph.close(), mastodon.close(), telegram.close()]);
    },
  };
}

interface DeliveryRow {
  id: string;
  post_id: string;
  channel_id: string;
  platform: string;
  state: string;
  failover_of_id: string | null;
  last_error: string | null;
}

const deliveriesOf = (w: World, postIds: string[]): Promise<DeliveryRow[]> =>
  w.t.sql<DeliveryRow>(
    'SELECT id, post_id, channel_id, platform, state, failover_of_id, last_error FROM deliveries WHERE post_id = ANY($1) ORDER BY created_at, platform',
    [postIds],
  );

/** Lets simulated time pass in steps, giving the engine a little real time at each. */
async function pass(w: World, ms: number, stepMs = 10_000): Promise<void> {
  for (let done = 0; done < ms; done += stepMs) {
    w.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Six posts on Facebook, three on the page with auto failover, three on one without; then five minutes of outage. */
async function fiveMinuteOutage(w: World): Promise<{ autoPosts: string[]; waitPosts: string[] }> {
  w.outage.down = true;
  const autoPosts: string[] = [];
  const waitPosts: string[] = [];
  for (let i = 1; i <= 3; i++) {
    const res = await w.marketer
      .post('/api/posts', {
        text: `Bakery news ${i}: fresh sourdough every morning, see you at the shop`,
        platformText: { mastodon: `Bakery news ${i} (Mastodon): sourdough every morning #bread`, telegram: `Bakery news ${i} (Telegram): sourdough every morning` },
        channelIds: [w.channels.fbAuto],
        publishNow: true,
      })
      .expect(201);
    autoPosts.push(res.body.id);
    waitPosts.push((await w.marketer.post('/api/posts', { text: `We are hiring bakers, round ${i}`, channelIds: [w.channels.fbWait], publishNow: true }).expect(201)).body.id);
  }
  await waitFor('the first sends to fail', () => w.outage.posts().length >= 3 || undefined, 10_000, 20);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await pass(w, 5 * 60_000);
  w.outage.down = false;
  return { autoPosts, waitPosts };
}

describe('a five-minute Facebook outage', () => {
  let w: World;
  let autoPosts: string[];
  let waitPosts: string[];

  beforeAll(async () => {
    w = await world();
    ({ autoPosts, waitPosts } = await fiveMinuteOutage(w));
  }, 60_000);
  afterAll(() => w.close());

  it('opens the breaker after the first failures and sends no retry storm: one probe at a time, cool-downs apart', () => {
    const during = w.outage.posts().filter((request) => request.down);
    // The sends made before three had failed (the posts go out as they are written, so three or a few more);
    // after that, only probes.
    const [first] = during;
    const opening = during.filter((request) => request.at - first.at < 2000);
    const probes = during.slice(opening.length);
    expect(opening.length).toBeGreaterThanOrEqual(3);
    expect(opening.length).toBeLessThanOrEqual(6);
    expect(probes.length).toBeGreaterThanOrEqual(2);
    expect(probes.length).toBeLessThanOrEqual(4);
    // Probes at least one cool-down apart (30 s, then doubling to the 120 s cap).
    const gaps = probes.map((probe, i) => probe.at - (i === 0 ? first.at : probes[i - 1].at));
    expect(gaps.every((gap) => gap >= 30_000)).toBe(true);
    expect(gaps.slice(1).every((gap) => gap >= 60_000)).toBe(true);
    // Without a breaker these six would have been tried DISPATCH_MAX_ATTEMPTS (6) times each: 36 requests.
    expect(during.length).toBeLessThanOrEqual(10);
  });

  it("sends the auto channel's deliveries to Mastodon and Telegram with their own texts, linked, audited, the originals failed_over", async () => {
    await waitFor('the fallbacks published', async () => {
      const rows = await deliveriesOf(w, autoPosts);
      return rows.filter((row) => row.failover_of_id !== null && row.state === 'published').length === 6 || undefined;
    });
    const rows = await deliveriesOf(w, autoPosts);
    const originals = rows.filter((row) => row.failover_of_id === null);
    expect(originals.map((row) => row.state)).toEqual(['failed_over', 'failed_over', 'failed_over']);
    expect(originals[0].last_error).toContain('platform:facebook');
    for (const original of originals) {
      const fallbacks = rows.filter((row) => row.failover_of_id === original.id);
      expect(fallbacks.map((row) => row.channel_id).sort()).toEqual([w.channels.mastodon, w.channels.telegram].sort());
    }
    for (let i = 1; i <= 3; i++) {
      expect(w.mastodon.statuses.filter((s) => s.text === `Bakery news ${i} (Mastodon): sourdough every morning #bread`)).toHaveLength(1);
      expect(w.telegram.messages.filter((m) => m.text === `Bakery news ${i} (Telegram): sourdough every morning`)).toHaveLength(1);
      expect(w.graph.posts.some((p) => p.message?.startsWith(`Bakery news ${i}`))).toBe(false);
    }
    // The calendar shows them as the post's deliveries.
    const post = await w.marketer.get(`/api/posts/${autoPosts[0]}`).expect(200);
    expect(post.body.deliveries.map((d: { platform: string; state: string }) => `${d.platform}:${d.state}`).sort()).toEqual([
      'facebook:failed_over',
      'mastodon:published',
      'telegram:published',
    ]);
    const audit = await w.t.admin.get(`/api/audit?action=delivery.failed_over&targetId=${originals[0].id}`).expect(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ actorLabel: 'system', after: { state: 'failed_over', trigger: 'auto', degraded: expect.arrayContaining(['platform:facebook']) as string[] } });
    expect(audit.body.items[0].after.minutesLate).toBeGreaterThanOrEqual(2);
  });

  it('keeps the others waiting through the outage and publishes them once after recovery', async () => {
    const waiting = await deliveriesOf(w, waitPosts);
    expect(waiting.every((row) => row.state === 'scheduled' || row.state === 'publishing' || row.state === 'published')).toBe(true);
    await pass(w, 60_000);
    await waitFor('the waiting posts published', async () => ((await deliveriesOf(w, waitPosts)).every((row) => row.state === 'published') ? true : undefined));
    for (let i = 1; i <= 3; i++) {
      expect(w.graph.posts.filter((p) => p.message === `We are hiring bakers, round ${i}`)).toHaveLength(1);
    }
    const health = await w.marketer.get('/api/platforms/health').expect(200);
    expect(health.body.platforms.find((p: { platform: string }) => p.platform === 'facebook')).toMatchObject({ state: 'closed' });
    const metrics = await w.t.anonymous.get('/metrics').expect(200);
    expect(metrics.text).toContain('holdfast_failovers_total{platform="facebook",trigger="auto"} 3');
  });
});

describe('the same outage without a breaker (threshold never reached)', () => {
  it('costs six attempts per delivery and fails them all: the storm the breaker prevents', async () => {
    const w = await world({ BREAKER_FAILURE_THRESHOLD: '1000', BREAKER_MIN_REQUESTS: '100000' });
    try {
      const { autoPosts, waitPosts } = await fiveMinuteOutage(w);
      const during = w.outage.posts().filter((request) => request.down);
      expect(during).toHaveLength(36);
      const rows = await deliveriesOf(w, [...autoPosts, ...waitPosts]);
      expect(rows.map((row) => row.state)).toEqual(Array(6).fill('failed'));
    } finally {
      await w.close();
    }
  }, 60_000);
});

describe('manual failover and the crisis switch', () => {
  let w: World;
  let approver: Caller;
  let lead: Caller;

  beforeAll(async () => {
    w = await world();
    approver = await w.t.member('approver');
    lead = await w.t.member('crisis_lead');
    w.outage.down = true;
  });
  afterAll(() => w.close());

  async function stuck(text: string, channelId: string): Promise<{ postId: string; deliveryId: string }> {
    const res = await w.marketer.post('/api/posts', { text, channelIds: [channelId], publishNow: true }).expect(201);
    return { postId: res.body.id, deliveryId: res.body.deliveries[0].id };
  }

  it('lists what a person may fail over, and refuses what they may not', async () => {
    const events = await stuck('Concert tonight at 8', w.channels.fbManual);
    await stuck('Apply by Friday', w.channels.fbWait);
    await stuck('Bread is back', w.channels.fbAuto);
    await waitFor('facebook degraded', async () =>
      (await w.t.sql<{ state: string }>(`SELECT state FROM platform_health WHERE scope = 'platform:facebook'`))[0]?.state === 'open' ? true : undefined,
    );
    const candidates = await w.marketer.get('/api/failover/candidates').expect(200);
    const manual = candidates.body.find((c: { deliveryId: string }) => c.deliveryId === events.deliveryId);
    expect(manual).toMatchObject({
      policy: 'manual',
      autoAt: null,
      degradedScopes: expect.arrayContaining(['platform:facebook']) as string[],
      fallbacks: [{ channelId: w.channels.mastodon, platform: 'mastodon', usable: true, refusal: null }],
    });
    const auto = candidates.body.find((c: { channelId: string }) => c.channelId === w.channels.fbAuto);
    expect(auto.policy).toBe('auto');
    expect(new Date(auto.autoAt).getTime() - new Date(auto.scheduledAt).getTime()).toBe(120_000);
    expect(candidates.body.some((c: { channelId: string }) => c.channelId === w.channels.fbWait)).toBe(false);

    const offDelivery = (await w.t.sql<{ id: string }>('SELECT id FROM deliveries WHERE channel_id = $1', [w.channels.fbWait]))[0].id;
    const refused = await w.marketer.post(`/api/deliveries/${offDelivery}/failover`, { reason: 'try' }).expect(409);
    expect(refused.body.message).toContain('failoverPolicy off');
    await w.marketer.post(`/api/deliveries/${events.deliveryId}/failover`, {}).expect(400);
    const stranger = await w.marketer.post(`/api/deliveries/${events.deliveryId}/failover`, { reason: 'x', channelIds: [w.channels.telegram] }).expect(400);
    expect(stranger.body.message).toContain('channelIds must name fallbacks');
    await (await w.t.member('viewer')).post(`/api/deliveries/${events.deliveryId}/failover`, { reason: 'x' }).expect(403);
    await (await w.t.member('marketer', await w.t.otherWorkspace())).post(`/api/deliveries/${events.deliveryId}/failover`, { reason: 'x' }).expect(404);
    expect((await deliveriesOf(w, [events.postId])).map((row) => row.state)).toEqual(['scheduled']);
  });

  it("holds a fallback the crisis holds (Mastodon in scope), until the crisis approvers sign it off", async () => {
    const { postId, deliveryId } = await stuck('Festival moved indoors', w.channels.fbManual);
    await waitFor('the delivery waiting on facebook', async () =>
      (await w.marketer.get('/api/failover/candidates').expect(200)).body.some((c: { deliveryId: string }) => c.deliveryId === deliveryId) || undefined,
    );
    await lead.post('/api/crisis/activate', { reason: 'Storm damage', level: 1, platforms: ['mastodon'], pauseAds: false }).expect(201);
    try {
      const res = await w.marketer.post(`/api/deliveries/${deliveryId}/failover`, { reason: 'Facebook is down; the festival news must go out' }).expect(200);
      expect(res.body).toMatchObject({ originalId: deliveryId, trigger: 'manual', fallbacks: [{ channelId: w.channels.mastodon, platform: 'mastodon' }], skipped: [] });
      const fallbackId = res.body.fallbacks[0].deliveryId as string;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(w.mastodon.statuses.some((s) => s.text === 'Festival moved indoors')).toBe(false);
      const rows = await deliveriesOf(w, [postId]);
      expect(rows.find((row) => row.id === fallbackId)).toMatchObject({ failover_of_id: deliveryId, platform: 'mastodon' });
      expect(['scheduled', 'held']).toContain(rows.find((row) => row.id === fallbackId)!.state);
      expect(rows.find((row) => row.id === deliveryId)!.state).toBe('failed_over');
      const audit = await w.t.admin.get(`/api/audit?action=delivery.failed_over&targetId=${deliveryId}`).expect(200);
      expect(audit.body.items[0]).toMatchObject({ actorId: w.marketer.memberId, reason: 'Facebook is down; the festival news must go out' });

      // In front of the approvers; their crisis sign-off lets it out.
      const queue = await approver.get('/api/approvals').expect(200);
      expect(queue.body.map((item: { post: { id: string } }) => item.post.id)).toContain(postId);
      await approver.post(`/api/posts/${postId}/approve`, {}).expect(200);
      await waitFor('the fallback published on Mastodon', () => w.mastodon.statuses.find((s) => s.text === 'Festival moved indoors'));
      expect(w.mastodon.statuses.filter((s) => s.text === 'Festival moved indoors')).toHaveLength(1);
      // A second confirmation finds nothing to do.
      await w.marketer.post(`/api/deliveries/${deliveryId}/failover`, { reason: 'again' }).expect(409);
    } finally {
      await lead.post('/api/crisis/deactivate', { note: 'test cleanup' }).expect(200);
    }
  });

  it('checks the fallback’s own limits: a text too long for Mastodon stays on Facebook', async () => {
    const long = `${'Long read about our festival. '.repeat(20)}`.trim();
    const { deliveryId } = await stuck(long, w.channels.fbManual);
    await waitFor('listed', async () => (await w.marketer.get('/api/failover/candidates').expect(200)).body.find((c: { deliveryId: string }) => c.deliveryId === deliveryId));
    const candidates = await w.marketer.get('/api/failover/candidates').expect(200);
    const candidate = candidates.body.find((c: { deliveryId: string }) => c.deliveryId === deliveryId);
    expect(candidate.fallbacks[0]).toMatchObject({ usable: false, refusal: expect.stringContaining('the limit is 500') as string });
    const res = await w.marketer.post(`/api/deliveries/${deliveryId}/failover`, { reason: 'try' }).expect(409);
    expect(res.body.message).toContain('No fallback can take');
    expect((await w.t.sql<{ state: string }>('SELECT state FROM deliveries WHERE id = $1', [deliveryId]))[0].state).toBe('scheduled');
  });
});

describe('failover policy on channels', () => {
  it('is validated, shown and audited', async () => {
    const t = await TestApp.start({ env: { DISPATCH_ENABLED: 'false' } });
    try {
      const mastodon = await FakeMastodonApi.start();
      try {
        const target = await t.admin.post('/api/channels', { platform: 'mastodon', name: 'M', handle: '@m@x', credentials: mastodon.credentials() }).expect(201);
        expect(target.body).toMatchObject({ failoverPolicy: 'off', failoverAfterMinutes: null });
        const base = { platform: 'mastodon', name: 'N', handle: '@n@x', credentials: mastodon.credentials() };
        for (const [extra, message] of [
          [{ failoverPolicy: 'auto', fallbackChannelIds: [target.body.id] }, 'failoverAfterMinutes is required'],
          [{ failoverPolicy: 'manual' }, 'needs fallbackChannelIds'],
          [{ failoverPolicy: 'sometimes' }, 'failoverPolicy must be one of off, manual, auto'],
          [{ failoverPolicy: 'auto', failoverAfterMinutes: 0, fallbackChannelIds: [target.body.id] }, 'failoverAfterMinutes must be a whole number'],
          [{ failoverPolicy: 'manual', failoverAfterMinutes: 5, fallbackChannelIds: [target.body.id] }, 'applies to failoverPolicy auto only'],
        ] as const) {
          const res = await t.admin.post('/api/channels', { ...base, ...extra }).expect(400);
          expect(JSON.stringify(res.body)).toContain(message);
        }
        const created = await t.admin
          .post('/api/channels', { ...base, fallbackChannelIds: [target.body.id], failoverPolicy: 'auto', failoverAfterMinutes: 10 })
          .expect(201);
        expect(created.body).toMatchObject({ failoverPolicy: 'auto', failoverAfterMinutes: 10, fallbackChannelIds: [target.body.id] });
        const id = created.body.id as string;
        await t.admin.patch(`/api/channels/${id}`, { fallbackChannelIds: [] }).expect(400);
        const manual = await t.admin.patch(`/api/channels/${id}`, { failoverPolicy: 'manual' }).expect(200);
        expect(manual.body).toMatchObject({ failoverPolicy: 'manual', failoverAfterMinutes: null });
        const audit = await t.admin.get(`/api/audit?targetId=${id}&action=channel.updated`).expect(200);
        expect(audit.body.items[0]).toMatchObject({ before: { failoverPolicy: 'auto', failoverAfterMinutes: 10 }, after: { failoverPolicy: 'manual' } });
      } finally {
        await mastodon.close();
      }
    } finally {
      await t.close();
    }
  });
});
