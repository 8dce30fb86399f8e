// The Instagram adapter (containers, status polling, media_publish) against the local fake Graph API, and through the dispatch engine.
import { ConfigService } from '@nestjs/config';
import { Clock } from '../src/common/clock';
import { validateEnv } from '../src/config/env';
import { InstagramPublisher } from '../src/publishers/instagram/instagram.publisher';
import { ContainerMemory } from '../src/publishers/instagram/instagram-container';
import { PublishError, type PublishFailure, type PublishRequest } from '../src/publishers/publisher.port';
import { FakeGraphApi } from './fakes/facebook-graph-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

let fake: FakeGraphApi;
let publisher: InstagramPublisher;
let credentials: { igUserId: string; accessToken: string };
let sends = 0;

function send(overrides: Partial<PublishRequest> = {}): PublishRequest {
  sends++;
  return {
    deliveryId: `delivery-${sends}`,
    channel: { id: 'channel-ig', platform: 'instagram', handle: '@holdfast_bakery' },
    credentials,
    text: `Morning bake #${sends}`,
    imageUrls: [fake.fixtureUrl()],
    link: null,
    ...overrides,
  };
}

async function failureOf(publishing: Promise<unknown>): Promise<PublishFailure> {
  const error: unknown = await publishing.then(
    () => new Error('expected the call to fail'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PublishError);
  return (error as PublishError).failure;
}

const routes = (): string[] => fake.requests.filter((r) => !r.path.startsWith('/fixtures/')).map((r) => r.route ?? `${r.method} ${r.path}`);

describe('the Instagram adapter', () => {
  beforeEach(async () => {
    fake = await FakeGraphApi.start();
    publisher = new InstagramPublisher(new ConfigService(validateEnv({ META_GRAPH_URL: fake.url })), new Clock());
    publisher.pollIntervalMs = 20;
    credentials = fake.addInstagramAccount();
  });

  afterEach(async () => {
    await fake.close();
  });

  describe('publishing', () => {
    it('makes a container with the image and caption, waits until it is FINISHED, publishes it and reads its permalink', async () => {
      fake.containerPolls = 2;

      const result = await publisher.publish(send({ text: 'Cinnamon rolls are back 🥐' }));

      expect(routes()).toEqual([
        'POST /{version}/{id}/media',
        'GET /{version}/{id}',
        'GET /{version}/{id}',
        'GET /{version}/{id}',
        'POST /{version}/{id}/media_publish',
        'GET /{version}/{id}',
      ]);
      expect(fake.requestsTo('POST /{version}/{id}/media')[0].body).toEqual({ image_url: fake.fixtureUrl(), caption: 'Cinnamon rolls are back 🥐' });
      expect(fake.requestsTo('GET /{version}/{id}')[0].query.get('fields')).toBe('status_code,status');
      const [container] = fake.containers.values();
      expect(fake.requestsTo('POST /{version}/{id}/media_publish')[0].body).toEqual({ creation_id: container.id });
      expect(fake.media).toEqual([expect.objectContaining({ id: result.platformPostId, caption: 'Cinnamon rolls are back 🥐', imageUrls: [fake.fixtureUrl()] })]);
      expect(result.url).toBe(fake.media[0].permalink);
      expect(result.url).toMatch(/^https:\/\/www\.instagram\.com\/p\/[\w-]+\/$/);
    });

    it('publishes several images as one carousel of item containers', async () => {
      const images = [fake.fixtureUrl(), fake.fixtureUrl(), fake.fixtureUrl()];

      const result = await publisher.publish(send({ text: 'Three ways to eat a croissant', imageUrls: images }));

      const creations = fake.requestsTo('POST /{version}/{id}/media').map((r) => r.body);
      expect(creations.slice(0, 3)).toEqual(images.map((url) => ({ image_url: url, is_carousel_item: true })));
      const items = [...fake.containers.values()].filter((c) => c.isCarouselItem).map((c) => c.id);
      expect(creations[3]).toEqual({ media_type: 'CAROUSEL', children: items.join(','), caption: 'Three ways to eat a croissant' });
      expect(fake.media).toEqual([expect.objectContaining({ id: result.platformPostId, imageUrls: images, caption: 'Three ways to eat a croissant' })]);
    });

    it('refuses a post without an image, asking nothing of Instagram', async () => {
      expect(await failureOf(publisher.publish(send({ imageUrls: [] })))).toEqual({ kind: 'permanent', reason: 'Instagram needs at least one image' });
      expect(fake.requests).toEqual([]);
    });

    it('stops polling at once when the send is aborted, and says nothing was published', async () => {
      fake.containerPolls = 1_000;
      publisher.pollIntervalMs = 10_000;
      const controller = new AbortController();
      const publishing = failureOf(publisher.publish(send({ signal: controller.signal })));
      await waitFor('the first status poll', () => fake.requestsTo('GET /{version}/{id}').length > 0, 5000, 10);

      controller.abort(new Error('send timed out after 60000 ms'));

      expect(await publishing).toEqual({ kind: 'retryable', reason: 'Aborted (send timed out after 60000 ms) before the post was sent to Instagram' });
      expect(fake.media).toEqual([]);
    });
  });

  describe('when Instagram says no', () => {
    it('is rate-limited until the business use case regains access (80002)', async () => {
      fake.failNext('POST /{version}/{id}/media', { code: 80002, message: '(#80002) There have been too many calls to this Instagram account.', regainAccessMinutes: 20 });

      const failure = await failureOf(publisher.publish(send()));

      expect(failure).toMatchObject({ kind: 'rate_limited' });
      expect((failure as { until: Date }).until.getTime()).toBeGreaterThan(Date.now() + 19 * 60_000);
    });

    it('is rate-limited for an hour when the 24-hour publishing limit is reached', async () => {
      fake.publishingLimit = 1;
      await publisher.publish(send());

      const failure = await failureOf(publisher.publish(send()));

      expect(failure).toMatchObject({ kind: 'rate_limited', reason: expect.stringContaining('publishing limit') });
      expect(fake.media).toHaveLength(1);
    });

    it("fails for good on an image Instagram refuses (2207004), with Instagram's message", async () => {
      fake.failNext('POST /{version}/{id}/media', { code: 9004, subcode: 2207004, message: 'The image is too large to download. It should be less than 8 MiB.' });

      expect(await failureOf(publisher.publish(send()))).toEqual({
        kind: 'permanent',
        reason: 'The image is too large to download. It should be less than 8 MiB.',
        platformCode: '9004/2207004',
      });
    });

    it('fails for good when Meta cannot download the image', async () => {
      const failure = await failureOf(publisher.publish(send({ imageUrls: [fake.fixtureUrl('gone.png')] })));

      expect(failure).toMatchObject({ kind: 'permanent', platformCode: '9004/2207052' });
    });

    it('retries when Instagram asks to (2207001)', async () => {
      fake.failNext('POST /{version}/{id}/media', { code: -2, subcode: 2207001, message: 'An unexpected error has occurred. Please retry your request later.' });

      expect(await failureOf(publisher.publish(send()))).toMatchObject({ kind: 'retryable' });
    });

    it('asks for a reconnection when the token has expired (190)', async () => {
      fake.expireToken(credentials.accessToken);

      expect(await failureOf(publisher.publish(send()))).toEqual({ kind: 'auth_expired', reason: expect.stringMatching(/^Instagram rejected the access token/) });
    });
  });

  describe('never publishing twice', () => {
    it('on a retry after an answered error, publishes the same FINISHED container instead of making a new one', async () => {
      fake.failNext('POST /{version}/{id}/media_publish', { code: 2, message: 'Service temporarily unavailable', isTransient: true });
      const request = send();

      expect(await failureOf(publisher.publish(request))).toMatchObject({ kind: 'retryable' });
      const result = await publisher.publish(request);

      expect(fake.requestsTo('POST /{version}/{id}/media')).toHaveLength(1);
      expect(fake.media).toEqual([expect.objectContaining({ id: result.platformPostId })]);
    });

    it('sends a delivery to a person when an error hid a publication: the container is PUBLISHED', async () => {
      fake.failNext('POST /{version}/{id}/media_publish', { code: 2, message: 'Service temporarily unavailable', isTransient: true, processAnyway: true });
      const request = send();

      const failure = await failureOf(publisher.publish(request));

      expect(failure).toEqual({ kind: 'unknown', reason: expect.stringContaining('the container is PUBLISHED: the post is out') });
      expect(fake.media).toHaveLength(1);
      expect(fake.requestsTo('POST /{version}/{id}/media_publish')).toHaveLength(1);
    });

    it('leaves a lost media_publish answer unknown, so the engine never repeats it', async () => {
      fake.failNext('POST /{version}/{id}/media_publish', { drop: true });

      expect(await failureOf(publisher.publish(send()))).toEqual({ kind: 'unknown', reason: expect.stringMatching(/^No answer from Instagram/) });
    });

    it('makes a new container when the kept one expired', async () => {
      fake.failNext('POST /{version}/{id}/media_publish', { code: 2, message: 'Service temporarily unavailable', isTransient: true });
      const request = send();
      await failureOf(publisher.publish(request));
      fake.expireContainer([...fake.containers.keys()][0]);

      await publisher.publish(request);

      expect(fake.requestsTo('POST /{version}/{id}/media')).toHaveLength(2);
      expect(fake.media).toHaveLength(1);
    });
  });

  describe('checking the connection', () => {
    it('reads the account the token reaches', async () => {
      const account = await publisher.verify({ channel: send().channel, credentials });

      expect(account).toEqual({ accountId: credentials.igUserId, handle: '@holdfast_bakery', displayName: 'Holdfast Bakery', url: 'https://www.instagram.com/holdfast_bakery/' });
      expect(fake.requestsTo('GET /{version}/{id}')[0].query.get('fields')).toBe('id,username,name');
    });

    it('reports an expired token', async () => {
      fake.expireToken(credentials.accessToken);

      expect(await failureOf(publisher.verify({ channel: send().channel, credentials }))).toMatchObject({ kind: 'auth_expired' });
    });
  });
});

describe('dispatch to Instagram', () => {
  let t: TestApp;
  let marketer: Caller;
  let channelId: string;

  beforeAll(async () => {
    fake = await FakeGraphApi.start();
    credentials = fake.addInstagramAccount();
    t = await TestApp.start({ env: { META_GRAPH_URL: fake.url, DISPATCH_TICK_MS: '100' } });
    marketer = await t.member('marketer');
    const channel = await t.admin.post('/api/channels', { platform: 'instagram', name: 'Bakery IG', handle: '@holdfast_bakery', credentials }).expect(201);
    channelId = channel.body.id;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  async function settled(postId: string): Promise<{ state: string; lastError: string | null; url: string | null; platformPostId: string | null; attempts: number }> {
    return waitFor(`post ${postId} to settle`, async () => {
      const res = await marketer.get(`/api/posts/${postId}`).expect(200);
      const [delivery] = res.body.deliveries;
      return ['published', 'failed', 'needs_verification'].includes(delivery.state) ? delivery : undefined;
    });
  }

  it('publishes a carousel once and records the media id and permalink', async () => {
    const imageUrls = [fake.fixtureUrl(), fake.fixtureUrl()];
    const res = await marketer.post('/api/posts', { text: 'Weekend specials', imageUrls, channelIds: [channelId], publishNow: true }).expect(201);

    const delivery = await settled(res.body.id);

    const media = fake.media.filter((m) => m.caption === 'Weekend specials');
    expect(media).toHaveLength(1);
    expect(delivery).toMatchObject({ state: 'published', attempts: 1, platformPostId: media[0].id, url: media[0].permalink });
  });

  it('retries an answered transient failure and still publishes once', async () => {
    fake.failNext('POST /{version}/{id}/media_publish', { code: 1, message: 'An unknown error occurred', isTransient: true });
    const res = await marketer.post('/api/posts', { text: 'Retry me', imageUrls: [fake.fixtureUrl()], channelIds: [channelId], publishNow: true }).expect(201);

    const delivery = await settled(res.body.id);

    expect(delivery).toMatchObject({ state: 'published', attempts: 2 });
    expect(fake.media.filter((m) => m.caption === 'Retry me')).toHaveLength(1);
  });

  it('keeps the container in the delivery, so a retry in another process reuses it instead of making a second one', async () => {
    fake.failNext('POST /{version}/{id}/media_publish', { code: 1, message: 'An unknown error occurred', isTransient: true });
    const res = await marketer.post('/api/posts', { text: 'Survives a restart', imageUrls: [fake.fixtureUrl()], channelIds: [channelId], publishNow: true }).expect(201);
    const kept = await waitFor('the failed attempt to keep its container', async () => {
      const [row] = await t.sql<{ state: string; progress: { instagramContainerId?: string } | null }>('SELECT state, progress FROM deliveries WHERE post_id = $1', [res.body.id]);
      return row.state === 'scheduled' && row.progress?.instagramContainerId ? row.progress.instagramContainerId : undefined;
    });
    // What a restart (or another instance taking the retry) has: no container remembered in memory.
    const publisher: { containers: ContainerMemory } = t.app.get<InstagramPublisher>(InstagramPublisher) as never;
    publisher.containers = new ContainerMemory();

    const delivery = await settled(res.body.id);

    expect(delivery).toMatchObject({ state: 'published', attempts: 2 });
    const made = [...fake.containers.values()].filter((c) => c.caption === 'Survives a restart');
    expect(made.map((c) => c.id)).toEqual([kept]);
    expect(fake.media.filter((m) => m.caption === 'Survives a restart')).toHaveLength(1);
  });

  it('puts a publication hidden behind an error in front of a person instead of posting it again', async () => {
    fake.failNext('POST /{version}/{id}/media_publish', { code: 2, message: 'Service temporarily unavailable', isTransient: true, processAnyway: true });
    const res = await marketer.post('/api/posts', { text: 'Hidden success', imageUrls: [fake.fixtureUrl()], channelIds: [channelId], publishNow: true }).expect(201);

    const delivery = await settled(res.body.id);

    expect(delivery).toMatchObject({ state: 'needs_verification', attempts: 1 });
    expect(delivery.lastError).toContain('the container is PUBLISHED');
    expect(fake.media.filter((m) => m.caption === 'Hidden success')).toHaveLength(1);
  });
});
