// The X adapter through its real client code (twitter-api-v2, OAuth, multipart) against the local fake X.
import { ConfigService } from '@nestjs/config';
import { setTimeout as sleep } from 'node:timers/promises';
import { Clock } from '../src/common/clock';
import { NetworkPolicy } from '../src/common/network-policy';
import { validateEnv } from '../src/config/env';
import { PublishError, type PublishFailure, type PublishRequest } from '../src/publishers/publisher.port';
import { XPublisher } from '../src/publishers/x/x.publisher';
import { FakeXApi, TEST_PNG } from './fakes/x-api';
import { storedCredentials } from './support/stored-credentials';

const MB = 1024 * 1024;
let fake: FakeXApi;
let publisher: XPublisher;
let sends = 0;

beforeEach(async () => {
  fake = await FakeXApi.start();
  publisher = new XPublisher(new ConfigService(validateEnv({ X_API_URL: fake.url })), new Clock(), new NetworkPolicy({ allowPrivate: true }));
});

afterEach(async () => {
  await fake.close();
});

function send(overrides: Partial<PublishRequest> = {}): PublishRequest {
  sends++;
  return {
    deliveryId: `delivery-${sends}`,
    channel: { id: 'channel-x', platform: 'x', handle: '@holdfast_test' },
    credentials: fake.oauth2Credentials(),
    text: `Spring collection is here (${sends})`,
    imageUrls: [],
    link: null,
    ...overrides,
  };
}

async function failureOf(publishing: Promise<unknown>): Promise<PublishFailure> {
  const error: unknown = await publishing.then(
    () => new Error('expected the send to fail'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PublishError);
  return (error as PublishError).failure;
}

function routesCalled(): string[] {
  return fake.requests.map((request) => request.route ?? `${request.method} ${request.path}`);
}

describe('publishing a post to X', () => {
  it('posts exactly the text and answers the post id and its public URL', async () => {
    const request = send({ text: 'Doors open at 9 — see you there! 🌷' });

    const result = await publisher.publish(request);

    expect(fake.requestsTo('POST /2/tweets').map((received) => received.body)).toEqual([{ text: 'Doors open at 9 — see you there! 🌷' }]);
    expect(fake.tweets).toEqual([
      { id: result.platformPostId, text: request.text, mediaIds: [], postedWith: `Bearer ${request.credentials.accessToken}` },
    ]);
    expect(result.platformPostId).toMatch(/^[0-9]{1,19}$/);
    expect(result.url).toBe(`https://x.com/holdfast_test/status/${result.platformPostId}`);
  });

  it('uploads each image, then posts with both media ids', async () => {
    const result = await publisher.publish(send({ imageUrls: [fake.fixtureUrl(), fake.fixtureUrl()] }));

    const upload = ['POST /2/media/upload/initialize', 'POST /2/media/upload/{id}/append', 'POST /2/media/upload/{id}/finalize'];
    expect(routesCalled().filter((route) => route.startsWith('POST /2/'))).toEqual([...upload, ...upload, 'POST /2/tweets']);
    const mediaIds = [...fake.uploads.keys()];
    expect(mediaIds).toHaveLength(2);
    expect(fake.tweets).toEqual([expect.objectContaining({ id: result.platformPostId, mediaIds })]);
    expect(fake.requestsTo('POST /2/media/upload/initialize').map((received) => received.body)).toEqual([
      { media_type: 'image/png', total_bytes: TEST_PNG.length, media_category: 'tweet_image' },
      { media_type: 'image/png', total_bytes: TEST_PNG.length, media_category: 'tweet_image' },
    ]);
    for (const uploaded of fake.uploads.values()) {
      expect(uploaded.bytes).toEqual(TEST_PNG);
    }
    // The spec gives finalize no request body: nothing sent, and no Content-Type announcing one.
    const finalizes = fake.requestsTo('POST /2/media/upload/{id}/finalize');
    expect(finalizes.map((received) => ({ bytes: received.rawBody.length, type: received.headers['content-type'] }))).toEqual([
      { bytes: 0, type: undefined },
      { bytes: 0, type: undefined },
    ]);
  });

  it('is refused with a 415 by X for a finalize sent with a body', async () => {
    const token = fake.oauth2Credentials().accessToken;
    const init = await fetch(`${fake.url}/2/media/upload/initialize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ media_type: 'image/png', total_bytes: TEST_PNG.length }),
    });
    const { data } = (await init.json()) as { data: { id: string } };
    const finalize = await fetch(`${fake.url}/2/media/upload/${data.id}/finalize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(finalize.status).toBe(415);
  });

  it('uploads a large image in segments of 1 MB', async () => {
    const large = Buffer.concat([TEST_PNG, Buffer.alloc(Math.floor(1.5 * MB), 7)]);
    const url = fake.addFixture('large.png', 'image/png', large);

    await publisher.publish(send({ imageUrls: [url] }));

    const appends = fake.requestsTo('POST /2/media/upload/{id}/append');
    expect(appends.map((received) => (received.body as { segment_index: string }).segment_index)).toEqual(['0', '1']);
    const uploaded = [...fake.uploads.values()][0].bytes!;
    expect(uploaded.length).toBe(large.length);
    expect(uploaded.equals(large)).toBe(true); // toEqual compares a megabyte byte by byte, for seconds
  });

  it('waits while X processes an image before posting it', async () => {
    fake.mediaProcessingPolls = 2;

    await publisher.publish(send({ imageUrls: [fake.fixtureUrl()] }));

    expect(routesCalled().slice(-3)).toEqual(['GET /2/media/upload', 'GET /2/media/upload', 'POST /2/tweets']);
    expect(fake.requestsTo('GET /2/media/upload')[0].query.get('command')).toBe('STATUS');
    expect(fake.tweets).toHaveLength(1);
  });

  it('refuses an image URL that is not an image, without posting', async () => {
    const url = fake.addFixture('page.html', 'text/html', Buffer.from('<html>not an image</html>'));

    const failure = await failureOf(publisher.publish(send({ imageUrls: [url] })));

    expect(failure).toEqual({ kind: 'permanent', reason: expect.stringContaining('text/html') });
    expect(fake.requests.filter((received) => received.path.startsWith('/2/'))).toEqual([]);
  });

  it('refuses an image larger than 5 MB, without uploading it', async () => {
    const url = fake.addFixture('huge.png', 'image/png', Buffer.alloc(5 * MB + 1));

    const failure = await failureOf(publisher.publish(send({ imageUrls: [url] })));

    expect(failure).toEqual({ kind: 'permanent', reason: expect.stringContaining('larger than 5242880 bytes') });
    expect(fake.uploads.size).toBe(0);
    expect(fake.tweets).toEqual([]);
  });

  it('fails for good when an image URL answers 404, and retries when its host is unreachable', async () => {
    const missing = await failureOf(publisher.publish(send({ imageUrls: [fake.fixtureUrl('gone.png')] })));
    const unreachable = await failureOf(publisher.publish(send({ imageUrls: ['http://127.0.0.1:9/image.png?signature=s3cr3t'] })));

    expect(missing).toEqual({ kind: 'permanent', reason: `Image ${new URL(fake.url).host}/fixtures/gone.png answered HTTP 404` });
    expect(unreachable).toEqual({ kind: 'retryable', reason: expect.stringMatching(/^Image 127\.0\.0\.1:9\/image\.png could not be fetched \(.+\)$/) });
    expect(fake.tweets).toEqual([]);
  });

  it('takes a slow X in its stride', async () => {
    fake.failNext('POST /2/tweets', { delayMs: 300 });
    const started = Date.now();

    await publisher.publish(send());

    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(fake.tweets).toHaveLength(1);
  });
});

describe('authenticating to X', () => {
  it('signs with OAuth 1.0a user keys, for JSON, multipart and query requests alike', async () => {
    const credentials = fake.oauth1Credentials();
    fake.mediaProcessingPolls = 1;

    await publisher.publish(send({ credentials, imageUrls: [fake.fixtureUrl()] }));

    expect(fake.tweets).toEqual([expect.objectContaining({ postedWith: `OAuth1 ${credentials.accessToken}` })]);
    const apiCalls = fake.requests.filter((received) => received.path.startsWith('/2/'));
    expect(apiCalls.map((received) => received.route)).toEqual([
      'POST /2/media/upload/initialize',
      'POST /2/media/upload/{id}/append',
      'POST /2/media/upload/{id}/finalize',
      'GET /2/media/upload',
      'POST /2/tweets',
    ]);
    for (const call of apiCalls) {
      expect(call.headers.authorization).toMatch(/^OAuth .*oauth_signature="[^"]+"/);
    }
  });

  it('reports OAuth 1.0a keys that X does not accept as expired credentials', async () => {
    const credentials = { ...fake.oauth1Credentials(), accessSecret: 'not-the-secret' };

    const failure = await failureOf(publisher.publish(send({ credentials })));

    expect(failure).toEqual({ kind: 'auth_expired', reason: expect.stringContaining('Unauthorized') });
    expect(fake.tweets).toEqual([]);
  });

  it('refreshes an expired OAuth 2.0 token once, before posting, and hands over the new tokens', async () => {
    const credentials = fake.oauth2Credentials({ expiresAt: new Date(Date.now() - 60_000).toISOString() });
    const store = storedCredentials(credentials);

    await publisher.publish(send({ credentials, renewCredentials: store.renewCredentials }));

    expect(routesCalled()).toEqual(['POST /2/oauth2/token', 'POST /2/tweets']);
    expect(store.kept).toHaveLength(1);
    const refreshed = store.kept[0];
    expect(refreshed).toEqual({
      ...credentials,
      accessToken: expect.not.stringMatching(credentials.accessToken),
      refreshToken: expect.not.stringMatching(credentials.refreshToken),
      expiresAt: expect.any(String),
    });
    expect(Date.parse(refreshed.expiresAt)).toBeGreaterThan(Date.now() + 3_600_000);
    expect(fake.tweets).toEqual([expect.objectContaining({ postedWith: `Bearer ${refreshed.accessToken}` })]);
  });

  it('refreshes once when X rejects the token, then posts with the new one', async () => {
    const credentials = fake.oauth2Credentials({ accessToken: 'revoked-access-token' });
    const store = storedCredentials(credentials);

    const result = await publisher.publish(send({ credentials, renewCredentials: store.renewCredentials }));

    expect(routesCalled()).toEqual(['POST /2/tweets', 'POST /2/oauth2/token', 'POST /2/tweets']);
    expect(store.kept).toHaveLength(1);
    expect(fake.tweets).toEqual([
      expect.objectContaining({ id: result.platformPostId, postedWith: `Bearer ${store.kept[0].accessToken}` }),
    ]);
  });

  it('reports expired credentials when there is no refresh token to renew them', async () => {
    const credentials = { authType: 'oauth2', accessToken: 'revoked-access-token' };

    const failure = await failureOf(publisher.publish(send({ credentials })));

    expect(failure).toEqual({ kind: 'auth_expired', reason: expect.stringContaining('reconnect the channel') });
    expect(routesCalled()).toEqual(['POST /2/tweets']);
  });

  it('reports expired credentials when X refuses the refresh token', async () => {
    const credentials = fake.oauth2Credentials({ accessToken: 'revoked-access-token', refreshToken: 'already-rotated' });
    const store = storedCredentials(credentials);

    const failure = await failureOf(publisher.publish(send({ credentials, renewCredentials: store.renewCredentials })));

    expect(failure).toEqual({
      kind: 'auth_expired',
      reason: 'X refused to refresh the access token: Value passed for the token was invalid.',
    });
    expect(store.kept).toEqual([]);
    expect(fake.tweets).toEqual([]);
  });
});

describe('when X says no', () => {
  it('is rate-limited until the reset X announced', async () => {
    const reset = Math.floor(Date.now() / 1000) + 900;
    fake.failNext('POST /2/tweets', { status: 429, reset });

    const failure = await failureOf(publisher.publish(send()));

    expect(failure).toEqual({ kind: 'rate_limited', reason: expect.any(String), until: new Date(reset * 1000) });
    expect(fake.tweets).toEqual([]);
  });

  it('is rate-limited by the fake itself once the window is spent', async () => {
    fake.rateLimit = 1;
    await publisher.publish(send());

    const failure = await failureOf(publisher.publish(send()));

    expect(failure).toMatchObject({ kind: 'rate_limited' });
    expect((failure as { until: Date }).until.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
  });

  it('retries later when X is unavailable', async () => {
    fake.failNext('POST /2/tweets', { status: 503 });

    const failure = await failureOf(publisher.publish(send()));

    expect(failure).toEqual({ kind: 'retryable', reason: 'X answered 503: Service Unavailable' });
  });

  it('retries later when X cannot be reached', async () => {
    const request = send();
    await fake.close();

    const failure = await failureOf(publisher.publish(request));

    expect(failure).toEqual({ kind: 'retryable', reason: expect.stringMatching(/^X could not be reached: connect ECONNREFUSED/) });
    fake = await FakeXApi.start(); // for afterEach
  });

  it.each([
    [400, 'https://api.x.com/2/problems/invalid-request', 'Your Tweet text is too long.'],
    [403, 'about:blank', 'You are not permitted to perform this action.'],
  ])("fails for good on a %i, with X's detail", async (status, type, detail) => {
    fake.failNext('POST /2/tweets', { status, detail });

    const failure = await failureOf(publisher.publish(send()));

    expect(failure).toEqual({ kind: 'permanent', reason: detail, platformCode: type });
  });

  it('reports a duplicate when X says the content was already posted', async () => {
    fake.failNext('POST /2/tweets', { duplicate: true });

    const failure = await failureOf(publisher.publish(send()));

    expect(failure).toEqual({ kind: 'duplicate', reason: 'You are not allowed to create a Tweet with duplicate content.' });
  });

  it('reports a duplicate when the same text is posted twice', async () => {
    await publisher.publish(send({ text: 'We are aware of the outage and working on it.' }));

    const failure = await failureOf(publisher.publish(send({ text: 'We are aware of the outage and working on it.' })));

    expect(failure.kind).toBe('duplicate');
    expect(fake.tweets).toHaveLength(1);
  });

  it('never repeats a credential in a reason', async () => {
    const request = send();
    fake.failNext('POST /2/tweets', { status: 403, detail: `Token ${request.credentials.accessToken} is suspended` });

    const failure = await failureOf(publisher.publish(request));

    expect(failure.reason).toBe('Token [redacted] is suspended');
  });
});

describe('when the outcome is unknown', () => {
  it('stops a request X never answers, promptly, and says X may have published it', async () => {
    fake.failNext('POST /2/tweets', { hang: true });
    const controller = new AbortController();
    const publishing = failureOf(publisher.publish(send({ signal: controller.signal })));
    while (fake.requestsTo('POST /2/tweets').length === 0) {
      await sleep(10);
    }

    const abortedAt = Date.now();
    controller.abort(new Error('send timed out after 30000 ms'));
    const failure = await publishing;

    expect(Date.now() - abortedAt).toBeLessThan(500);
    expect(failure).toEqual({ kind: 'unknown', reason: 'Aborted (send timed out after 30000 ms) while X was creating the post' });
  });

  it('aborts only its own send when sends of one channel share a client', async () => {
    fake.failNext('POST /2/tweets', { hang: true });
    const controller = new AbortController();
    const hanging = failureOf(publisher.publish(send({ signal: controller.signal })));
    while (fake.requestsTo('POST /2/tweets').length === 0) {
      await sleep(10);
    }
    const alongside = publisher.publish(send({ signal: new AbortController().signal }));

    controller.abort(new Error('send timed out after 30000 ms'));

    expect((await hanging).kind).toBe('unknown');
    await expect(alongside).resolves.toMatchObject({ platformPostId: expect.any(String) });
    await expect(publisher.publish(send())).resolves.toMatchObject({ platformPostId: expect.any(String) });
    expect(fake.requestsTo('POST /2/tweets')).toHaveLength(3);
  });

  it('says X may have published it when the connection drops after the post was sent', async () => {
    fake.failNext('POST /2/tweets', { drop: true });

    const failure = await failureOf(publisher.publish(send()));

    expect(failure).toEqual({ kind: 'unknown', reason: expect.stringMatching(/^No answer from X \(.+\): X may have processed the request$/) });
  });

  it('retries when only an upload was lost: nothing can have been published', async () => {
    fake.failNext('POST /2/media/upload/initialize', { drop: true });

    const failure = await failureOf(publisher.publish(send({ imageUrls: [fake.fixtureUrl()] })));

    expect(failure).toEqual({ kind: 'retryable', reason: expect.stringMatching(/^No answer from X/) });
    expect(fake.requestsTo('POST /2/tweets')).toEqual([]);
  });

  it('retries, contacting nobody, when the send was aborted before it began', async () => {
    const failure = await failureOf(publisher.publish(send({ signal: AbortSignal.abort(), imageUrls: [fake.fixtureUrl()] })));

    expect(failure).toEqual({ kind: 'retryable', reason: 'Aborted (This operation was aborted) before the post was sent to X' });
    expect(fake.requests).toEqual([]);
  });
});

describe('the fake X', () => {
  it('refuses a body that the X API spec rejects, as X does', async () => {
    const { accessToken } = fake.oauth2Credentials();

    const response = await fetch(`${fake.url}/2/tweets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello', status: 'v1.1 field', media: { media_ids: [] } }),
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-rate-limit-remaining')).toMatch(/^\d+$/);
    expect(await response.json()).toEqual({
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.x.com/2/problems/invalid-request',
      status: 400,
      errors: [{ message: '$ must NOT have additional properties (status)' }, { message: '$.media.media_ids must NOT have fewer than 1 items' }],
    });
    expect(fake.tweets).toEqual([]);
  });

  it('refuses a request without valid credentials', async () => {
    const response = await fetch(`${fake.url}/2/users/me`, { headers: { authorization: 'Bearer nobody' } });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ title: 'Unauthorized', status: 401 });
  });
});
