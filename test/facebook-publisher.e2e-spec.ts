// The Facebook Pages adapter through its real client code (axios, Graph API) against the local fake Graph API, and through the dispatch engine.
import { ConfigService } from '@nestjs/config';
import { Clock } from '../src/common/clock';
import { validateEnv } from '../src/config/env';
import { FacebookPublisher } from '../src/publishers/facebook/facebook.publisher';
import { GRAPH_API_VERSION } from '../src/publishers/meta-graph/graph-api';
import { PublishError, type PublishFailure, type PublishRequest } from '../src/publishers/publisher.port';
import { FakeGraphApi } from './fakes/facebook-graph-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

let fake: FakeGraphApi;
let publisher: FacebookPublisher;
let credentials: { pageId: string; pageAccessToken: string };
let sends = 0;

function send(overrides: Partial<PublishRequest> = {}): PublishRequest {
  sends++;
  return {
    deliveryId: `delivery-${sends}`,
    channel: { id: 'channel-fb', platform: 'facebook', handle: 'Holdfast Bakery' },
    credentials,
    text: `Fresh bread at 7 (${sends})`,
    imageUrls: [],
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

describe('the Facebook adapter', () => {
beforeEach(async () => {
  fake = await FakeGraphApi.start();
  publisher = new FacebookPublisher(new ConfigService(validateEnv({ META_GRAPH_URL: fake.url })), new Clock());
  credentials = fake.addPage();
});

afterEach(async () => {
  await fake.close();
});

describe('publishing to a Facebook Page', () => {
  it('posts the text and link to the feed with the page token, and answers the post id and its permalink', async () => {
    const result = await publisher.publish(send({ text: 'Autumn menu is out 🍂', link: 'https://bakery.example/menu' }));

    const [request] = fake.requestsTo('POST /{version}/{id}/feed');
    expect(request.path).toBe(`/${GRAPH_API_VERSION}/${credentials.pageId}/feed`);
    expect(request.headers.authorization).toBe(`Bearer ${credentials.pageAccessToken}`);
    expect(request.query.get('access_token')).toBeNull(); // never in the URL
    expect(fake.posts).toEqual([
      { id: result.platformPostId, pageId: credentials.pageId, message: 'Autumn menu is out 🍂', link: 'https://bakery.example/menu', photoIds: [] },
    ]);
    expect(result.platformPostId).toMatch(new RegExp(`^${credentials.pageId}_\\d+$`));
    expect(result.url).toBe(`https://www.facebook.com/${result.platformPostId}`);
  });

  it('posts one image as a photo, with the text and link as its caption', async () => {
    const result = await publisher.publish(send({ text: 'New loaf', link: 'https://bakery.example', imageUrls: [fake.fixtureUrl()] }));

    expect(routes()).toEqual(['POST /{version}/{id}/photos']);
    expect(fake.requestsTo('POST /{version}/{id}/photos')[0].body).toEqual({ url: fake.fixtureUrl(), caption: 'New loaf\n\nhttps://bakery.example' });
    const [photo] = fake.photos.values();
    expect(photo).toMatchObject({ published: true, caption: 'New loaf\n\nhttps://bakery.example' });
    expect(fake.posts).toEqual([expect.objectContaining({ id: result.platformPostId, photoIds: [photo.id] })]);
  });

  it('posts several images as unpublished photos attached to one feed post', async () => {
    const result = await publisher.publish(send({ text: 'Three loaves', imageUrls: [fake.fixtureUrl(), fake.fixtureUrl(), fake.fixtureUrl()] }));

    expect(routes()).toEqual(['POST /{version}/{id}/photos', 'POST /{version}/{id}/photos', 'POST /{version}/{id}/photos', 'POST /{version}/{id}/feed']);
    const photoIds = [...fake.photos.keys()];
    expect([...fake.photos.values()].every((photo) => !photo.published)).toBe(true);
    expect(fake.posts).toEqual([{ id: result.platformPostId, pageId: credentials.pageId, message: 'Three loaves', link: undefined, photoIds }]);
  });

  it('fails for good when Meta cannot fetch the image, with its message', async () => {
    const failure = await failureOf(publisher.publish(send({ imageUrls: [fake.fixtureUrl('missing.png')] })));

    expect(failure).toEqual({ kind: 'permanent', reason: '(#324) Missing or invalid image file', platformCode: '324' });
    expect(fake.posts).toEqual([]);
  });
});

describe('when Facebook says no', () => {
  it('is rate-limited until the business use case regains access', async () => {
    fake.failNext('POST /{version}/{id}/feed', { code: 32, message: '(#32) Page request limit reached', regainAccessMinutes: 9 });
    const before = Date.now();

    const failure = await failureOf(publisher.publish(send()));

    expect(failure).toMatchObject({ kind: 'rate_limited', reason: expect.stringContaining('(#32) Page request limit reached') });
    const until = (failure as { until: Date }).until.getTime();
    expect(until).toBeGreaterThanOrEqual(before + 9 * 60_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 9 * 60_000);
  });

  it('is rate-limited by the fake itself once the hourly calls are spent', async () => {
    fake.callLimit = 1;
    await publisher.publish(send());

    const failure = await failureOf(publisher.publish(send()));

    expect(failure).toMatchObject({ kind: 'rate_limited' });
    expect((failure as { until: Date }).until.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(fake.posts).toHaveLength(1);
  });

  it.each([
    [200, '(#200) Requires pages_manage_posts permission to manage the object'],
    [368, 'The action attempted has been deemed abusive or is otherwise disallowed'],
    [100, '(#100) Invalid parameter'],
  ])('fails for good on code %i, with the message', async (code, message) => {
    fake.failNext('POST /{version}/{id}/feed', { code, message });

    const failure = await failureOf(publisher.publish(send()));

    expect(failure).toEqual({ kind: 'permanent', reason: message, platformCode: String(code) });
  });

  it('reports the same text posted twice as a duplicate (506)', async () => {
    await publisher.publish(send({ text: 'We are open today' }));

    const failure = await failureOf(publisher.publish(send({ text: 'We are open today' })));

    expect(failure).toEqual({ kind: 'duplicate', reason: '(#506) Duplicate status message' });
    expect(fake.posts).toHaveLength(1);
  });

  it('asks for a reconnection when the page token has expired (190)', async () => {
    fake.expireToken(credentials.pageAccessToken);

    const failure = await failureOf(publisher.publish(send()));

    expect(failure).toEqual({ kind: 'auth_expired', reason: expect.stringMatching(/^Facebook rejected the access token: Error validating access token/) });
  });

  it('retries a transient error', async () => {
    fake.failNext('POST /{version}/{id}/feed', { code: 2, message: 'Service temporarily unavailable', isTransient: true });

    expect(await failureOf(publisher.publish(send()))).toMatchObject({ kind: 'retryable' });
  });

  it('says Facebook may have published it when the answer to the post is lost, but retries a lost photo upload', async () => {
    fake.failNext('POST /{version}/{id}/feed', { drop: true });
    const lost = await failureOf(publisher.publish(send()));
    fake.failNext('POST /{version}/{id}/photos', { drop: true });
    const upload = await failureOf(publisher.publish(send({ imageUrls: [fake.fixtureUrl(), fake.fixtureUrl()] })));

    expect(lost).toEqual({ kind: 'unknown', reason: expect.stringMatching(/^No answer from Facebook .*may have processed the request$/) });
    expect(upload).toMatchObject({ kind: 'retryable' });
    expect(fake.requestsTo('POST /{version}/{id}/feed')).toHaveLength(1);
  });

  it('never repeats the page token in a reason', async () => {
    fake.failNext('POST /{version}/{id}/feed', { code: 100, message: `(#100) Bad token ${credentials.pageAccessToken}` });

    const failure = await failureOf(publisher.publish(send()));

    expect(failure.reason).toBe('(#100) Bad token [redacted]');
  });
});

describe('checking a Facebook connection', () => {
  it('reads the Page the token reaches', async () => {
    const account = await publisher.verify({ channel: send().channel, credentials });

    expect(account).toEqual({ accountId: credentials.pageId, handle: 'Holdfast Bakery', displayName: 'Holdfast Bakery', url: `https://www.facebook.com/${credentials.pageId}` });
    expect(fake.requestsTo('GET /{version}/{id}')[0].query.get('fields')).toBe('id,name,link');
    expect(fake.posts).toEqual([]);
  });

  it('reports an expired token', async () => {
    fake.expireToken(credentials.pageAccessToken);

    expect(await failureOf(publisher.verify({ channel: send().channel, credentials }))).toMatchObject({ kind: 'auth_expired' });
  });
});

});

describe('dispatch to Facebook', () => {
  let t: TestApp;
  let marketer: Caller;
  let channelId: string;

  beforeAll(async () => {
    fake = await FakeGraphApi.start();
    credentials = fake.addPage();
    t = await TestApp.start({ env: { META_GRAPH_URL: fake.url, DISPATCH_TICK_MS: '100' } });
    marketer = await t.member('marketer');
    const channel = await t.admin.post('/api/channels', { platform: 'facebook', name: 'Bakery Page', handle: 'Holdfast Bakery', credentials }).expect(201);
    channelId = channel.body.id;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  async function settled(postId: string, states: string[]): Promise<{ state: string; lastError: string | null; url: string | null; platformPostId: string | null; attempts: number }> {
    return waitFor(`post ${postId} to settle`, async () => {
      const res = await marketer.get(`/api/posts/${postId}`).expect(200);
      const [delivery] = res.body.deliveries;
      return states.includes(delivery.state) ? delivery : undefined;
    });
  }

  it('publishes a due post with its link, once, and records the id and permalink', async () => {
    const res = await marketer.post('/api/posts', { text: 'Open house Saturday', link: 'https://bakery.example/open', channelIds: [channelId], publishNow: true }).expect(201);

    const delivery = await settled(res.body.id, ['published', 'failed', 'needs_verification']);

    const posts = fake.posts.filter((post) => post.message === 'Open house Saturday');
    expect(posts).toEqual([expect.objectContaining({ link: 'https://bakery.example/open' })]);
    expect(delivery).toMatchObject({ state: 'published', attempts: 1, platformPostId: posts[0].id, url: `https://www.facebook.com/${posts[0].id}` });
  });

  it("waits for the throttle's estimated end, without spending an attempt", async () => {
    fake.failNext('POST /{version}/{id}/feed', { code: 80001, message: '(#80001) There have been too many calls to this Page account', regainAccessMinutes: 30 });
    const res = await marketer.post('/api/posts', { text: 'Throttled', channelIds: [channelId], publishNow: true }).expect(201);

    const delivery = await waitFor('the throttled delivery to be rescheduled', async () => {
      const rows = await t.sql<{ state: string; due_at: Date; attempts: number; last_error: string | null }>(
        'SELECT state, due_at, attempts, last_error FROM deliveries WHERE post_id = $1',
        [res.body.id],
      );
      return rows[0].last_error ? rows[0] : undefined;
    });

    expect(delivery).toMatchObject({ state: 'scheduled', attempts: 0, last_error: expect.stringContaining('rate limited until') });
    expect(new Date(delivery.due_at).getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    // The channel's wait is noted just after the delivery's outcome is recorded (outcome-recorder.ts, afterWrite).
    const channel = await waitFor('the channel to wait for the throttle too', async () => {
      const [row] = await t.sql<{ send_not_before: Date | null }>('SELECT send_not_before FROM channels WHERE id = $1', [channelId]);
      return row.send_not_before ? row : undefined;
    });
    expect(new Date(channel.send_not_before!).getTime()).toBe(new Date(delivery.due_at).getTime());
    await t.sql('UPDATE channels SET send_not_before = NULL WHERE id = $1', [channelId]);
    await t.sql(`UPDATE deliveries SET state = 'cancelled' WHERE post_id = $1`, [res.body.id]);
  });

  it("fails at once on a permission error, with Facebook's message", async () => {
    fake.failNext('POST /{version}/{id}/feed', { code: 200, message: '(#200) Requires pages_manage_posts permission' });
    const res = await marketer.post('/api/posts', { text: 'Not allowed', channelIds: [channelId], publishNow: true }).expect(201);

    const delivery = await settled(res.body.id, ['published', 'failed', 'needs_verification']);

    expect(delivery).toMatchObject({ state: 'failed', attempts: 1, lastError: '(#200) Requires pages_manage_posts permission' });
  });
});
