// The delivery.failed_over webhook: when a delivery moves to its fallback channels (a person's or the auto sweep's
// failover), the subscribed receiver gets one signed event saying where it went; a refused failover sends nothing.
import { Clock } from '../src/common/clock';
import { FakeMastodonApi } from './fakes/mastodon-api';
import { FakeTelegramApi } from './fakes/telegram-api';
import { FakeWebhookReceiver } from './fakes/webhook-receiver';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface Payload {
  id: string;
  type: string;
  workspaceId: string;
  data: Record<string, unknown>;
}

describe('the delivery.failed_over webhook', () => {
  let receiver: FakeWebhookReceiver;
  let mastodon: FakeMastodonApi;
  let telegram: FakeTelegramApi;
  let t: TestApp;
  let marketer: Caller;
  let offset = 0;
  let hook: { id: string; secret: string };
  let fallback: string;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    mastodon = await FakeMastodonApi.start();
    telegram = await FakeTelegramApi.start();
    t = await TestApp.start({
      env: {
        TELEGRAM_API_URL: telegram.url,
        DISPATCH_TICK_MS: '100',
        FAILOVER_SWEEP_MS: '100',
        WEBHOOK_TICK_MS: '100',
        // One failure degrades Mastodon, and it stays degraded for the whole test.
        BREAKER_FAILURE_THRESHOLD: '1',
        BREAKER_COOLDOWN_SECONDS: '3600',
        BREAKER_MAX_COOLDOWN_SECONDS: '3600',
      },
    });
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(Date.now() + offset));
    marketer = await t.member('marketer');
    const res = await t.admin.post('/api/webhooks', { url: receiver.endpoint('failover'), eventTypes: ['delivery.failed_over'] }).expect(201);
    hook = { id: res.body.id, secret: res.body.secret };
    fallback = (await t.admin.post('/api/channels', { platform: 'telegram', name: 'Brand news', handle: '@brand_news', credentials: telegram.publicChannel('brand_news') }).expect(201))
      .body.id;
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([receiver.close(), mastodon.close(), telegram.close()]);
  });

  /** A Mastodon channel falling back to the Telegram one, and a post on it that Mastodon's outage keeps waiting. */
  async function stuckOnMastodon(policy: object, text: string): Promise<{ channelId: string; postId: string; deliveryId: string }> {
    const channel = await t.admin
      .post('/api/channels', { platform: 'mastodon', name: `Brand on Mastodon ${text}`, handle: '@brand@fake.social', credentials: mastodon.credentials(), fallbackChannelIds: [fallback], ...policy })
      .expect(201);
    mastodon.failNext('POST /api/v1/statuses', { status: 503, html: true });
    const post = await marketer.post('/api/posts', { text, channelIds: [channel.body.id], publishNow: true }).expect(201);
    const deliveryId = post.body.deliveries[0].id as string;
    await waitFor('the delivery waiting on degraded Mastodon', async () =>
      (await marketer.get('/api/failover/candidates').expect(200)).body.some((c: { deliveryId: string }) => c.deliveryId === deliveryId) || undefined,
    );
    return { channelId: channel.body.id, postId: post.body.id, deliveryId };
  }

  const events = (): Payload[] => receiver.received('failover').map((request) => JSON.parse(request.rawBody.toString('utf8')) as Payload);

  it('tells the receiver where a delivery a person failed over went, signed, once; a refused failover sends nothing', async () => {
    const stuck = await stuckOnMastodon({ failoverPolicy: 'manual' }, 'Doors open at 9 tomorrow');
    const answer = await marketer.post(`/api/deliveries/${stuck.deliveryId}/failover`, { reason: 'Mastodon is down; the opening time must go out' }).expect(200);

    const [request] = await waitFor('the failover event', () => (receiver.received('failover').length > 0 ? receiver.received('failover') : undefined));
    expect(FakeWebhookReceiver.verifies(request, hook.secret)).toBe(true);
    const [payload] = events();
    expect(payload).toMatchObject({ type: 'delivery.failed_over', workspaceId: t.admin.workspaceId });
    expect(payload.data).toEqual({
      deliveryId: stuck.deliveryId,
      postId: stuck.postId,
      channelId: stuck.channelId,
      platform: 'mastodon',
      trigger: 'manual',
      degraded: expect.arrayContaining(['platform:mastodon']) as string[],
      minutesLate: 0,
      fallbacks: [{ deliveryId: answer.body.fallbacks[0].deliveryId, channelId: fallback, platform: 'telegram' }],
      skipped: [],
      reason: 'Mastodon is down; the opening time must go out',
    });
    expect(request.headers['holdfast-event-id']).toBe(payload.id);
    // The fallback it names is the one that goes out.
    await waitFor('the fallback published on Telegram', () => telegram.messages.find((m) => m.text === 'Doors open at 9 tomorrow'));

    // Confirmed again: nothing to fail over (409), so no second event.
    await marketer.post(`/api/deliveries/${stuck.deliveryId}/failover`, { reason: 'again' }).expect(409);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.received('failover')).toHaveLength(1);
    const log = await t.admin.get(`/api/webhooks/${hook.id}/deliveries`).expect(200);
    expect(log.body.items).toEqual([expect.objectContaining({ eventType: 'delivery.failed_over', state: 'delivered', attempts: 1 })]);
  });

  it('announces an auto failover too, with trigger auto and how late the post was', async () => {
    const stuck = await stuckOnMastodon({ failoverPolicy: 'auto', failoverAfterMinutes: 2 }, 'Storm update: we open at noon');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events().filter((e) => e.data.deliveryId === stuck.deliveryId)).toEqual([]);
    offset += 3 * 60_000;
    const payload = await waitFor('the auto failover event', () => events().find((e) => e.data.deliveryId === stuck.deliveryId));
    expect(payload.data).toMatchObject({
      postId: stuck.postId,
      channelId: stuck.channelId,
      trigger: 'auto',
      fallbacks: [expect.objectContaining({ channelId: fallback, platform: 'telegram' })],
      reason: expect.stringContaining('auto failover: mastodon degraded') as string,
    });
    expect(payload.data.minutesLate).toBeGreaterThanOrEqual(2);
    const [row] = await t.sql<{ state: string }>('SELECT state FROM deliveries WHERE id = $1', [stuck.deliveryId]);
    expect(row.state).toBe('failed_over');
  });
});
