// Degraded platforms: a circuit breaker per platform and per channel, shared by every instance, seen in the API, metrics and webhooks.
import { Clock } from '../src/common/clock';
import { FakeGraphApi } from './fakes/facebook-graph-api';
import { FakeWebhookReceiver } from './fakes/webhook-receiver';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const FEED = 'POST /{version}/{id}/feed';
/** What Graph answers when Facebook cannot serve the call: code 2, transient. */
const UNAVAILABLE = { status: 503, code: 2, isTransient: true, message: 'An unexpected error has occurred. Please retry your request later.' };

interface HealthBody {
  platforms: { platform: string; state: string; degradedSince: string | null; nextProbeAt: string | null; consecutiveFailures: number }[];
  channels: { channelId: string; platform: string; state: string; lastError: string | null }[];
}

/** Moves the app's Clock (the service's only "now") ahead of real time; the database's clock is left alone. */
function simulateClock(...apps: TestApp[]): { advance: (ms: number) => void; now: () => Date } {
  let offset = 0;
  for (const app of apps) {
    jest.spyOn(app.app.get(Clock), 'now').mockImplementation(() => new Date(Date.now() + offset));
  }
  return { advance: (ms) => (offset += ms), now: () => new Date(Date.now() + offset) };
}

const ENV = {
  DISPATCH_TICK_MS: '100',
  DISPATCH_SEND_TIMEOUT_MS: '5000',
  BREAKER_FAILURE_THRESHOLD: '3',
  BREAKER_COOLDOWN_SECONDS: '30',
  BREAKER_MAX_COOLDOWN_SECONDS: '120',
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_TICK_MS: '100',
};

describe('platform health', () => {
  let graph: FakeGraphApi;
  let receiver: FakeWebhookReceiver;
  let t: TestApp;
  let clock: ReturnType<typeof simulateClock>;
  let marketer: Caller;
  let channelId: string;

  beforeAll(async () => {
    graph = await FakeGraphApi.start();
    receiver = await FakeWebhookReceiver.start();
    t = await TestApp.start({ env: { ...ENV, META_GRAPH_URL: graph.url } });
    clock = simulateClock(t);
    marketer = await t.member('marketer');
    const channel = await t.admin
      .post('/api/channels', { platform: 'facebook', name: 'Bakery page', handle: 'Holdfast Bakery', credentials: graph.addPage() })
      .expect(201);
    channelId = channel.body.id;
    await t.admin.post('/api/webhooks', { url: receiver.endpoint('ops'), eventTypes: ['platform.degraded', 'platform.recovered'] }).expect(201);
  });
  afterAll(async () => {
    await t.close();
    await graph.close();
    await receiver.close();
  });

  const health = async (caller: Caller = marketer): Promise<HealthBody> => (await caller.get('/api/platforms/health').expect(200)).body as HealthBody;
  const facebook = (body: HealthBody): HealthBody['platforms'][number] => body.platforms.find((p) => p.platform === 'facebook')!;
  const events = (): { type: string; data: Record<string, unknown> }[] =>
    receiver.received('ops').map((request) => request.body as { type: string; data: Record<string, unknown> });
  const states = async (postIds: string[]): Promise<string[]> =>
    (await t.sql<{ state: string }>('SELECT state FROM deliveries WHERE post_id = ANY($1) ORDER BY created_at', [postIds])).map((r) => r.state);

  it('reports every platform closed before anything failed', async () => {
    const body = await health();
    expect(body.platforms.map((p) => p.platform).sort()).toEqual(['bluesky', 'facebook', 'instagram', 'linkedin', 'mastodon', 'telegram', 'x']);
    expect(body.platforms.every((p) => p.state === 'closed')).toBe(true);
  });

  it('opens after 3 retryable failures in a row, lets nothing out until the cool-down, probes once, then recovers and sends the rest', async () => {
    for (let i = 0; i < 3; i++) {
      graph.failNext(FEED, UNAVAILABLE);
    }
    const before = graph.requestsTo(FEED).length;
    const postIds: string[] = [];
    for (const text of ['Fresh bread at 8', 'Croissants at 9', 'Closing at 6']) {
      postIds.push((await marketer.post('/api/posts', { text, channelIds: [channelId], publishNow: true }).expect(201)).body.id);
    }
    const opened = await waitFor('the facebook breaker to open', async () => {
      const body = await health();
      return facebook(body).state === 'open' ? body : undefined;
    });
    expect(facebook(opened)).toMatchObject({ consecutiveFailures: 3 });
    const openedAt = new Date(facebook(opened).degradedSince!).getTime();
    expect(new Date(facebook(opened).nextProbeAt!).getTime() - openedAt).toBe(30_000);
    expect(opened.channels).toEqual([
      expect.objectContaining({ channelId, platform: 'facebook', state: 'open', lastError: expect.stringContaining('temporary error') as string }),
    ]);
    await waitFor('platform.degraded', () => events().find((e) => e.type === 'platform.degraded' && e.data.scope === 'platform'));
    expect(events().find((e) => e.type === 'platform.degraded' && e.data.scope === 'channel')?.data).toMatchObject({ channelId, platform: 'facebook' });
    const metrics = await t.anonymous.get('/metrics').expect(200);
    expect(metrics.text).toContain('holdfast_platform_breaker_state{platform="facebook"} 2');
    expect(metrics.text).toContain('holdfast_channel_breakers{platform="facebook",state="open"} 1');

    // Their retries fall due within 2 s; the open breaker keeps them waiting, however long.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(graph.requestsTo(FEED).length - before).toBe(3);
    expect(await states(postIds)).toEqual(['scheduled', 'scheduled', 'scheduled']);

    // The cool-down passes (simulated): one probe, it succeeds, and the rest follow.
    clock.advance(31_000);
    await waitFor('all three published', async () => ((await states(postIds)).every((s) => s === 'published') ? true : undefined));
    expect(graph.requestsTo(FEED).length - before).toBe(6);
    const recovered = await health();
    expect(facebook(recovered)).toMatchObject({ state: 'closed', degradedSince: null });
    expect(recovered.channels[0]).toMatchObject({ channelId, state: 'closed' });
    await waitFor('platform.recovered', () => events().find((e) => e.type === 'platform.recovered' && e.data.scope === 'platform'));
    expect(events().filter((e) => e.type === 'platform.recovered' && e.data.scope === 'platform')).toHaveLength(1);
  });

  it('shows the shared platform breakers to other workspaces, but not this workspace’s channels; needs a key', async () => {
    const other = await t.otherWorkspace();
    const body = await health(other);
    expect(body.platforms).toHaveLength(7);
    expect(body.channels).toEqual([]);
    await health(await t.member('viewer'));
    await t.anonymous.get('/api/platforms/health').expect(401);
  });
});

describe('a half-open breaker across two instances', () => {
  it('lets exactly one probe out, whichever instance claims first', async () => {
    const graph = await FakeGraphApi.start();
    const env = { ...ENV, META_GRAPH_URL: graph.url, BREAKER_FAILURE_THRESHOLD: '2' };
    const a = await TestApp.start({ env });
    const b = await TestApp.start({ env, sameDatabaseAs: a });
    try {
      const clock = simulateClock(a, b);
      const marketer = await a.member('marketer');
      const channel = await a.admin
        .post('/api/channels', { platform: 'facebook', name: 'Page', handle: 'Page', credentials: graph.addPage() })
        .expect(201);
      graph.failNext(FEED, UNAVAILABLE);
      graph.failNext(FEED, UNAVAILABLE);
      const postIds: string[] = [];
      for (let i = 0; i < 2; i++) {
        postIds.push((await marketer.post('/api/posts', { text: `Before ${i}`, channelIds: [channel.body.id], publishNow: true }).expect(201)).body.id);
      }
      await waitFor('open', async () => ((await a.sql<{ state: string }>(`SELECT state FROM platform_health WHERE scope = 'platform:facebook'`))[0]?.state === 'open' ? true : undefined));
      // Ten more wait behind it; the probe will hang for a second, so a second probe would show.
      for (let i = 0; i < 10; i++) {
        postIds.push((await marketer.post('/api/posts', { text: `During ${i}`, channelIds: [channel.body.id], publishNow: true }).expect(201)).body.id);
      }
      graph.failNext(FEED, { delayMs: 1500 });
      const before = graph.requestsTo(FEED).length;
      clock.advance(31_000);
      await waitFor('the probe', () => graph.requests.length > 0 && graph.requestsTo(FEED).length > before, 5000, 10);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(graph.requestsTo(FEED).length - before).toBe(1);
      const [row] = await a.sql<{ state: string; probe_owner: string }>(`SELECT state, probe_owner FROM platform_health WHERE scope = 'platform:facebook'`);
      expect(row.state).toBe('half_open');
      // The probe succeeds: everything goes out, once.
      await waitFor(
        'all published',
        async () => ((await a.sql<{ n: string }>(`SELECT count(*) AS n FROM deliveries WHERE state = 'published'`))[0].n === '12' ? true : undefined),
        20_000,
      );
      expect(graph.posts.filter((post) => post.message?.startsWith('During'))).toHaveLength(10);
    } finally {
      await b.close();
      await a.close();
      await graph.close();
    }
  }, 60_000);
});
