// The Mastodon adapter through its real client code (axios, multipart, Idempotency-Key) against a local Mastodon instance, and through the dispatch engine.
import { Clock } from '../src/common/clock';
import { NetworkPolicy } from '../src/common/network-policy';
import { MastodonPublisher, type MastodonPublishRequest } from '../src/publishers/mastodon/mastodon.publisher';
import { PublishError, type PublishFailure } from '../src/publishers/publisher.port';
import { FakeMastodonApi } from './fakes/mastodon-api';
import { TEST_PNG } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

async function failureOf(publishing: Promise<unknown>): Promise<PublishFailure> {
  const error: unknown = await publishing.then(
    () => new Error('expected the call to fail'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PublishError);
  return (error as PublishError).failure;
}

describe('the Mastodon publisher', () => {
  let fake: FakeMastodonApi;
  let publisher: MastodonPublisher;
  let sends = 0;

  beforeEach(async () => {
    fake = await FakeMastodonApi.start();
    publisher = new MastodonPublisher(new Clock(), new NetworkPolicy({ allowPrivate: true }));
  });
  afterEach(async () => {
    await fake.close();
  });

  function send(overrides: Partial<MastodonPublishRequest> = {}): MastodonPublishRequest {
    sends++;
    return {
      deliveryId: `00000000-0000-4000-8000-${String(sends).padStart(12, '0')}`,
      channel: { id: 'channel-mastodon', platform: 'mastodon', handle: '@brand@mastodon.example' },
      credentials: fake.credentials(),
      text: `Autumn menu is out (${sends})`,
      imageUrls: [],
      link: null,
      ...overrides,
    };
  }

  describe('publishing', () => {
    it('posts the text as a public status with the delivery id as Idempotency-Key, and answers its id and URL', async () => {
      const request = send({ text: 'Café au lait ☕ is back — https://brand.example/menu' });

      const result = await publisher.publish(request);

      const [received] = fake.requestsTo('POST /api/v1/statuses');
      expect(received.body).toEqual({ status: 'Café au lait ☕ is back — https://brand.example/menu', visibility: 'public' });
      expect(received.headers['idempotency-key']).toBe(request.deliveryId);
      expect(received.headers.authorization).toBe(`Bearer ${request.credentials.accessToken}`);
      expect(fake.statuses).toEqual([expect.objectContaining({ id: result.platformPostId, text: request.text, idempotencyKey: request.deliveryId })]);
      expect(result.url).toBe(`${fake.url}/@brand/${result.platformPostId}`);
    });

    it('sets the visibility and the content warning when asked', async () => {
      await publisher.publish(send({ text: 'Spoilers for the finale', visibility: 'unlisted', contentWarning: 'TV spoilers' }));

      expect(fake.statuses).toEqual([expect.objectContaining({ visibility: 'unlisted', spoilerText: 'TV spoilers' })]);
    });

    it('uploads each image with its alt text, waits while Mastodon processes it, then attaches both', async () => {
      fake.mediaProcessingPolls = 2;

      const result = await publisher.publish(
        send({ imageUrls: [fake.fixtureUrl(), fake.fixtureUrl()], imageDescriptions: ['A steaming cup of coffee', 'The new menu board'] }),
      );

      const routes = fake.requests.filter((r) => r.path.startsWith('/api/')).map((r) => r.route);
      const upload = ['POST /api/v2/media', 'GET /api/v1/media/{id}', 'GET /api/v1/media/{id}'];
      expect(routes).toEqual([...upload, ...upload, 'POST /api/v1/statuses']);
      const media = [...fake.media.values()];
      expect(media.map((m) => [m.description, m.mediaType, m.bytes.equals(TEST_PNG)])).toEqual([
        ['A steaming cup of coffee', 'image/png', true],
        ['The new menu board', 'image/png', true],
      ]);
      expect(fake.statuses).toEqual([expect.objectContaining({ id: result.platformPostId, mediaIds: media.map((m) => m.id) })]);
    });

    it('posts an image without text', async () => {
      await publisher.publish(send({ text: '', imageUrls: [fake.fixtureUrl()] }));

      expect(fake.requestsTo('POST /api/v1/statuses')[0].body).toEqual({ visibility: 'public', media_ids: [...fake.media.keys()] });
    });

    it('refuses a fifth image without contacting the instance', async () => {
      const failure = await failureOf(publisher.publish(send({ imageUrls: Array.from({ length: 5 }, () => fake.fixtureUrl()) })));

      expect(failure).toEqual({ kind: 'permanent', reason: 'Mastodon takes at most 4 images per status' });
      expect(fake.requests).toEqual([]);
    });
  });

  describe('when Mastodon says no', () => {
    it('is rate-limited until the X-RateLimit-Reset instant', async () => {
      const reset = new Date(Date.now() + 4 * 60_000);
      reset.setMilliseconds(0);
      fake.failNext('POST /api/v1/statuses', { status: 429, reset });

      const failure = await failureOf(publisher.publish(send()));

      expect(failure).toEqual({ kind: 'rate_limited', reason: 'Mastodon rate limit reached: Too many requests', until: reset });
      expect(fake.statuses).toEqual([]);
    });

    it('is rate-limited by the fake itself once the 5-minute window is spent', async () => {
      fake.rateLimit = 1;
      const credentials = fake.credentials();
      await publisher.publish(send({ credentials }));

      const failure = await failureOf(publisher.publish(send({ credentials })));

      expect(failure).toMatchObject({ kind: 'rate_limited' });
      expect((failure as { until: Date }).until.getTime()).toBeGreaterThan(Date.now() + 4 * 60_000);
    });

    it("fails for good on a 422, with Mastodon's message", async () => {
      const failure = await failureOf(publisher.publish(send({ text: 'x'.repeat(501) })));

      expect(failure).toEqual({ kind: 'permanent', reason: 'Validation failed: Text character limit of 500 exceeded', platformCode: '422' });
    });

    it('reports a revoked token as expired credentials', async () => {
      const request = send();
      fake.revoke(request.credentials.accessToken);

      const failure = await failureOf(publisher.publish(request));

      expect(failure).toEqual({ kind: 'auth_expired', reason: "Mastodon rejected the channel's access token: The access token is invalid" });
    });

    it('retries later on a 503 and on a proxy error page', async () => {
      fake.failNext('POST /api/v1/statuses', { status: 503 });
      fake.failNext('POST /api/v1/statuses', { status: 502, html: true });

      expect(await failureOf(publisher.publish(send()))).toEqual({ kind: 'retryable', reason: 'Mastodon answered 503: Service Unavailable' });
      expect(await failureOf(publisher.publish(send()))).toEqual({ kind: 'retryable', reason: 'Mastodon answered 502: HTTP 502' });
    });

    it('never repeats the token in a reason', async () => {
      const request = send();
      fake.failNext('POST /api/v1/statuses', { status: 403, error: `Token ${request.credentials.accessToken} may not post here` });

      const failure = await failureOf(publisher.publish(request));

      expect(failure.reason).toBe('Token [redacted] may not post here');
    });
  });

  describe('when the answer is lost', () => {
    it('says the outcome is unknown, and a repeat with the same delivery returns the first status', async () => {
      const request = send();
      fake.failNext('POST /api/v1/statuses', { dropAfterHandling: true });

      const failure = await failureOf(publisher.publish(request));
      const repeated = await publisher.publish(request);

      expect(failure).toEqual({ kind: 'unknown', reason: expect.stringMatching(/^No answer from the Mastodon instance \(.+\): it may have processed the request$/) });
      expect(fake.requestsTo('POST /api/v1/statuses')).toHaveLength(2);
      expect(fake.statuses).toEqual([expect.objectContaining({ id: repeated.platformPostId, idempotencyKey: request.deliveryId })]);
    });

    it('retries when only an upload was lost: nothing can have been published', async () => {
      fake.failNext('POST /api/v2/media', { drop: true });

      const failure = await failureOf(publisher.publish(send({ imageUrls: [fake.fixtureUrl()] })));

      expect(failure).toEqual({ kind: 'retryable', reason: expect.stringMatching(/^No answer from the Mastodon instance/) });
      expect(fake.requestsTo('POST /api/v1/statuses')).toEqual([]);
    });
  });

  describe('checking the connection', () => {
    it("reports the account the token belongs to, with the instance's host in its handle", async () => {
      const account = await publisher.verify({ channel: send().channel, credentials: fake.credentials() });

      expect(account).toEqual({ accountId: fake.account.id, handle: `@brand@${new URL(fake.url).host}`, displayName: 'Brand Official', url: `${fake.url}/@brand` });
      expect(fake.requests.map((r) => r.route)).toEqual(['GET /api/v1/accounts/verify_credentials']);
    });

    it('reports a revoked token as expired credentials', async () => {
      const credentials = fake.credentials();
      fake.revoke(credentials.accessToken);

      const failure = await failureOf(publisher.verify({ channel: send().channel, credentials }));

      expect(failure).toMatchObject({ kind: 'auth_expired' });
    });
  });

  describe('the fake instance', () => {
    it('refuses a status body that the Mastodon API spec rejects', async () => {
      const { accessToken } = fake.credentials();

      const response = await fetch(`${fake.url}/api/v1/statuses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'hello', visibility: 'everyone' }),
      });

      expect(response.status).toBe(422);
      expect(((await response.json()) as { error: string }).error).toContain('$.visibility must be equal to one of the allowed values');
      expect(response.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(fake.statuses).toEqual([]);
    });
  });
});

describe('dispatch to Mastodon', () => {
  let fake: FakeMastodonApi;
  let t: TestApp;
  let marketer: Caller;
  let channelId: string;

  beforeAll(async () => {
    fake = await FakeMastodonApi.start();
    t = await TestApp.start({ env: { DISPATCH_TICK_MS: '100', DISPATCH_SEND_TIMEOUT_MS: '2000' } });
    marketer = await t.member('marketer');
    const channel = await t.admin
      .post('/api/channels', { platform: 'mastodon', name: 'Brand on Mastodon', handle: '@brand@mastodon.example', credentials: fake.credentials() })
      .expect(201);
    channelId = channel.body.id;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  async function publishNow(text: string): Promise<{ postId: string; deliveryId: string }> {
    const res = await marketer.post('/api/posts', { text, channelIds: [channelId], publishNow: true }).expect(201);
    return { postId: res.body.id, deliveryId: res.body.deliveries[0].id };
  }

  async function settled(postId: string): Promise<{ state: string; attempts: number; platformPostId: string | null; url: string | null; lastError: string | null }> {
    return waitFor(`post ${postId} to settle`, async () => {
      const res = await marketer.get(`/api/posts/${postId}`).expect(200);
      const [delivery] = res.body.deliveries;
      return ['published', 'failed', 'needs_verification'].includes(delivery.state) ? delivery : undefined;
    });
  }

  const attemptsOf = (text: string) => fake.requestsTo('POST /api/v1/statuses').filter((r) => (r.body as { status?: string }).status === text);

  it('publishes a due post once, recording the status id and URL', async () => {
    const { postId } = await publishNow('Hello from Holdfast');

    const delivery = await settled(postId);

    const [status] = fake.statuses.filter((s) => s.text === 'Hello from Holdfast');
    expect(delivery).toMatchObject({ state: 'published', attempts: 1, platformPostId: status.id, url: `${fake.url}/@brand/${status.id}` });
  });

  it('re-sends a send whose answer was lost with the same Idempotency-Key, and the instance keeps one status', async () => {
    fake.failNext('POST /api/v1/statuses', { dropAfterHandling: true });
    const { postId, deliveryId } = await publishNow('Lost in transit');

    const delivery = await settled(postId);

    const attempts = attemptsOf('Lost in transit');
    expect(attempts).toHaveLength(2);
    expect(attempts.map((r) => r.headers['idempotency-key'])).toEqual([deliveryId, deliveryId]);
    const statuses = fake.statuses.filter((s) => s.text === 'Lost in transit');
    expect(statuses).toHaveLength(1);
    expect(delivery).toMatchObject({ state: 'published', attempts: 2, platformPostId: statuses[0].id });
  });

  it('sends nothing before the rate-limit reset, then publishes', async () => {
    const reset = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000);
    fake.failNext('POST /api/v1/statuses', { status: 429, reset });
    const { postId } = await publishNow('After the reset');

    const delivery = await settled(postId);

    expect(delivery).toMatchObject({ state: 'published' });
    const attempts = attemptsOf('After the reset');
    expect(attempts).toHaveLength(2);
    expect(attempts[1].receivedAt).toBeGreaterThanOrEqual(reset.getTime());
  });

  it("fails at once on a 422, with Mastodon's reason", async () => {
    fake.failNext('POST /api/v1/statuses', { status: 422, error: 'Validation failed: Text contains a forbidden word' });
    const { postId } = await publishNow('Forbidden words');

    const delivery = await settled(postId);

    expect(delivery).toMatchObject({ state: 'failed', attempts: 1, lastError: 'Validation failed: Text contains a forbidden word' });
  });
});
