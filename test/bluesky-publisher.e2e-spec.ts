// The Bluesky adapter through its real client code (@atproto/api sessions, XRPC) against a local PDS, and through the dispatch engine.
import { ConfigService } from '@nestjs/config';
import { crc32, deflateSync } from 'node:zlib';
import { Clock } from '../src/common/clock';
import { validateEnv } from '../src/config/env';
import { NetworkPolicy } from '../src/common/network-policy';
import { BlueskyPublisher, type BlueskyPublishRequest } from '../src/publishers/bluesky/bluesky.publisher';
import { PublishError, type PublishFailure } from '../src/publishers/publisher.port';
import { FakeBlueskyPds } from './fakes/bluesky-pds';
import { TEST_PNG } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** A real w×h PNG (white pixels), so the fake's image header says a non-square size. */
function pngOf(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.concat(Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 255)])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function failureOf(publishing: Promise<unknown>): Promise<PublishFailure> {
  const error: unknown = await publishing.then(
    () => new Error('expected the call to fail'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PublishError);
  return (error as PublishError).failure;
}

describe('the Bluesky publisher', () => {
  let fake: FakeBlueskyPds;
  let publisher: BlueskyPublisher;
  let sends = 0;

  beforeEach(async () => {
    fake = await FakeBlueskyPds.start();
    publisher = new BlueskyPublisher(new Clock(), new NetworkPolicy({ allowPrivate: true }), new ConfigService(validateEnv({})));
  });
  afterEach(async () => {
    await fake.close();
  });

  function send(overrides: Partial<BlueskyPublishRequest> = {}): BlueskyPublishRequest {
    sends++;
    return {
      deliveryId: `delivery-${sends}`,
      channel: { id: `channel-bluesky-${sends}`, platform: 'bluesky', handle: '@brand.bsky.social' },
      credentials: fake.account(),
      text: `Autumn menu is out (${sends})`,
      imageUrls: [],
      link: null,
      ...overrides,
    };
  }

  const routes = (): string[] => fake.requests.filter((r) => r.path.startsWith('/xrpc/')).map((r) => r.path.slice(6));

  describe('publishing', () => {
    it('opens a session with the app password and creates an app.bsky.feed.post record; answers its at:// URI and bsky.app URL', async () => {
      const request = send({ text: 'Hello from Holdfast' });

      const result = await publisher.publish(request);

      expect(routes()).toEqual(['com.atproto.server.createSession', 'com.atproto.repo.createRecord']);
      expect(fake.requests[0].body).toEqual({ identifier: request.credentials.identifier, password: request.credentials.appPassword });
      const account = fake.accountFor(request.credentials.identifier)!;
      const [created] = fake.records;
      expect(created.record).toEqual({
        $type: 'app.bsky.feed.post',
        text: 'Hello from Holdfast',
        createdAt: expect.stringMatching(/^\d{4}-.+Z$/),
        langs: ['en'], // BLUESKY_LANGS by default
      });
      expect(fake.requestsTo('POST /xrpc/com.atproto.repo.createRecord')[0].body).toMatchObject({ repo: account.did, collection: 'app.bsky.feed.post' });
      expect(result).toEqual({ platformPostId: created.uri, url: `https://bsky.app/profile/${account.handle}/post/${created.rkey}` });
      expect(created.rkey).toMatch(/^[234567a-j][234567a-z]{12}$/);
    });

    it('places link and mention facets at the right UTF-8 byte offsets after emoji and accented characters', async () => {
      const friend = fake.account('alice.bsky.social');
      const text = 'Café ☕️ & crème brûlée 🎉👩‍👩‍👧 with @alice.bsky.social — https://brand.example/menu';

      await publisher.publish(send({ text }));

      expect(fake.requestsTo('GET /xrpc/com.atproto.identity.resolveHandle').map((r) => r.query.get('handle'))).toEqual(['alice.bsky.social']);
      const { facets } = fake.records[0].record;
      const bytes = Buffer.from(text);
      expect(facets!.map((facet) => [bytes.subarray(facet.index.byteStart, facet.index.byteEnd).toString(), facet.features])).toEqual([
        ['@alice.bsky.social', [{ $type: 'app.bsky.richtext.facet#mention', did: fake.accountFor(friend.identifier)!.did }]],
        ['https://brand.example/menu', [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://brand.example/menu' }]],
      ]);
    });

    it('makes each hashtag a tag facet, beside mentions and links, at UTF-8 offsets after multi-byte text', async () => {
      const friend = fake.account('alice.bsky.social');
      const text = 'Crème brûlée 🍮👩‍👩‍👧 #Dessert with @alice.bsky.social, #été2026! https://brand.example/menu#today';

      await publisher.publish(send({ text }));

      const { facets } = fake.records[0].record;
      const bytes = Buffer.from(text);
      expect(facets!.map((facet) => [bytes.subarray(facet.index.byteStart, facet.index.byteEnd).toString(), facet.features])).toEqual([
        ['#Dessert', [{ $type: 'app.bsky.richtext.facet#tag', tag: 'Dessert' }]],
        ['@alice.bsky.social', [{ $type: 'app.bsky.richtext.facet#mention', did: fake.accountFor(friend.identifier)!.did }]],
        ['#été2026', [{ $type: 'app.bsky.richtext.facet#tag', tag: 'été2026' }]],
        ['https://brand.example/menu#today', [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://brand.example/menu#today' }]],
      ]);
    });

    it("labels the record with the post's languages when given, else BLUESKY_LANGS", async () => {
      await publisher.publish(send({ languages: ['es', 'ca'] }));
      const configured = new BlueskyPublisher(new Clock(), new NetworkPolicy({ allowPrivate: true }), new ConfigService(validateEnv({ BLUESKY_LANGS: 'pt-BR' })));
      await configured.publish(send());
      const unlabelled = new BlueskyPublisher(new Clock(), new NetworkPolicy({ allowPrivate: true }), new ConfigService(validateEnv({ BLUESKY_LANGS: '' })));
      await unlabelled.publish(send());

      expect(fake.records.map((created) => created.record.langs)).toEqual([['es', 'ca'], ['pt-BR'], undefined]);
      expect(() => validateEnv({ BLUESKY_LANGS: 'english please' })).toThrow('BLUESKY_LANGS must be up to 3 comma-separated BCP 47 language tags');
    });

    it("gives each image its aspect ratio, read from the image's header", async () => {
      const wide = fake.addFixture('wide.png', 'image/png', pngOf(12, 5));
      const tall = fake.addFixture('tall.png', 'image/png', pngOf(2, 7));

      await publisher.publish(send({ imageUrls: [wide, tall] }));

      expect(fake.records[0].record.embed!.images.map((image) => image.aspectRatio)).toEqual([
        { width: 12, height: 5 },
        { width: 2, height: 7 },
      ]);
    });

    it('leaves a mention of a handle nobody holds as plain text', async () => {
      await publisher.publish(send({ text: 'Hi @nobody.example.com' }));

      expect(fake.records[0].record.facets).toBeUndefined();
    });

    it('uploads each image as a blob, then embeds them with their alt text', async () => {
      await publisher.publish(send({ imageUrls: [fake.fixtureUrl(), fake.fixtureUrl()], imageDescriptions: ['A cup of coffee'] }));

      expect(routes()).toEqual(['com.atproto.server.createSession', 'com.atproto.repo.uploadBlob', 'com.atproto.repo.uploadBlob', 'com.atproto.repo.createRecord']);
      expect(fake.requestsTo('POST /xrpc/com.atproto.repo.uploadBlob')[0].headers['content-type']).toBe('image/png');
      const [cid] = [...fake.blobs.keys()];
      expect(fake.blobs.get(cid)!.bytes.equals(TEST_PNG)).toBe(true);
      expect(fake.records[0].record.embed).toEqual({
        $type: 'app.bsky.embed.images',
        images: [
          { image: { $type: 'blob', ref: { $link: cid }, mimeType: 'image/png', size: TEST_PNG.length }, alt: 'A cup of coffee', aspectRatio: { width: 1, height: 1 } },
          { image: { $type: 'blob', ref: { $link: cid }, mimeType: 'image/png', size: TEST_PNG.length }, alt: '', aspectRatio: { width: 1, height: 1 } },
        ],
      });
    });

    it('refuses an image over 1,000,000 bytes and text over 300 graphemes before posting', async () => {
      const big = fake.addFixture('big.png', 'image/png', Buffer.concat([TEST_PNG, Buffer.alloc(1_000_000)]));

      const tooBig = await failureOf(publisher.publish(send({ imageUrls: [big] })));
      const tooLong = await failureOf(publisher.publish(send({ text: '👩‍👩‍👧'.repeat(301) })));

      expect(tooBig).toEqual({ kind: 'permanent', reason: expect.stringContaining('larger than 1000000 bytes') });
      expect(tooLong).toEqual({ kind: 'permanent', reason: 'A Bluesky post takes at most 300 graphemes (3000 bytes)' });
      expect(fake.records).toEqual([]);
    });
  });

  describe('sessions', () => {
    it('keeps the session between sends instead of logging in each time', async () => {
      const request = send();
      await publisher.publish(request);
      await publisher.publish({ ...request, text: 'Second post' });

      expect(routes().filter((route) => route === 'com.atproto.server.createSession')).toHaveLength(1);
      expect(fake.records).toHaveLength(2);
    });

    it('refreshes an expired access token (ExpiredToken) and creates the record once', async () => {
      const request = send();
      await publisher.publish(request);
      fake.expireAccessTokens();

      await publisher.publish({ ...request, text: 'After the refresh' });

      expect(routes()).toEqual([
        'com.atproto.server.createSession',
        'com.atproto.repo.createRecord',
        'com.atproto.repo.createRecord',
        'com.atproto.server.refreshSession',
        'com.atproto.server.getSession', // the library reads back what refreshSession does not carry (emailConfirmed)
        'com.atproto.repo.createRecord',
      ]);
      expect(fake.records.map((r) => r.record.text)).toEqual([request.text, 'After the refresh']);
    });

    it('logs in again when the refresh token is dead too', async () => {
      const request = send();
      await publisher.publish(request);
      fake.expireAccessTokens();
      fake.expireRefreshTokens();

      await publisher.publish({ ...request, text: 'After a new login' });

      expect(routes().slice(2)).toEqual(['com.atproto.repo.createRecord', 'com.atproto.server.refreshSession', 'com.atproto.server.createSession', 'com.atproto.repo.createRecord']);
      expect(fake.records.map((r) => r.record.text)).toEqual([request.text, 'After a new login']);
    });

    it('reports a revoked app password as expired credentials, without repeating it', async () => {
      const request = send();
      fake.revoke(request.credentials);

      const failure = await failureOf(publisher.publish(request));

      expect(failure).toEqual({ kind: 'auth_expired', reason: "Bluesky refused the channel's session: AuthenticationRequired: Invalid identifier or password" });
    });
  });

  describe('when Bluesky says no', () => {
    it('is rate-limited until ratelimit-reset', async () => {
      const reset = Math.floor(Date.now() / 1000) + 1800;
      fake.failNext('POST /xrpc/com.atproto.repo.createRecord', { status: 429, reset });

      const failure = await failureOf(publisher.publish(send()));

      expect(failure).toEqual({ kind: 'rate_limited', reason: 'Bluesky rate limit reached: RateLimitExceeded: Rate Limit Exceeded', until: new Date(reset * 1000) });
    });

    it("is rate-limited by the fake's own write budget once fewer than 3 points are left", async () => {
      const request = send();
      await publisher.publish(request);
      fake.setRemainingPoints(request.credentials, 2);

      const failure = await failureOf(publisher.publish({ ...request, text: 'One too many' }));

      expect(failure).toMatchObject({ kind: 'rate_limited' });
      expect((failure as { until: Date }).until.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    });

    it("fails for good on InvalidRequest, with the PDS's message", async () => {
      fake.failNext('POST /xrpc/com.atproto.repo.createRecord', { status: 400, error: 'InvalidRequest', message: 'Invalid app.bsky.feed.post record' });

      const failure = await failureOf(publisher.publish(send()));

      expect(failure).toEqual({ kind: 'permanent', reason: 'InvalidRequest: Invalid app.bsky.feed.post record', platformCode: 'InvalidRequest' });
    });

    it('retries later on a 502', async () => {
      fake.failNext('POST /xrpc/com.atproto.repo.createRecord', { status: 502, error: 'UpstreamFailure', message: 'Upstream Failure' });

      expect(await failureOf(publisher.publish(send()))).toEqual({ kind: 'retryable', reason: 'Bluesky answered 502: UpstreamFailure: Upstream Failure' });
    });

    it('says the outcome is unknown when the connection drops after createRecord was sent', async () => {
      fake.failNext('POST /xrpc/com.atproto.repo.createRecord', { drop: true });

      const failure = await failureOf(publisher.publish(send()));

      expect(failure).toEqual({ kind: 'unknown', reason: expect.stringMatching(/^No answer from Bluesky \(.+\): Bluesky may have processed the request$/) });
    });

    it('retries when only an upload was lost', async () => {
      fake.failNext('POST /xrpc/com.atproto.repo.uploadBlob', { drop: true });

      const failure = await failureOf(publisher.publish(send({ imageUrls: [fake.fixtureUrl()] })));

      expect(failure.kind).toBe('retryable');
      expect(fake.records).toEqual([]);
    });
  });

  describe('checking the connection', () => {
    it('opens a session and reads it back with getSession', async () => {
      const credentials = fake.account('brand.bsky.social');

      const account = await publisher.verify({ channel: send().channel, credentials });

      expect(account).toEqual({ accountId: fake.accountFor('brand.bsky.social')!.did, handle: '@brand.bsky.social', displayName: null, url: 'https://bsky.app/profile/brand.bsky.social' });
      expect(routes()).toEqual(['com.atproto.server.createSession', 'com.atproto.server.getSession']);
    });

    it('reports a wrong app password as expired credentials', async () => {
      const credentials = { ...fake.account(), appPassword: 'aaaa-bbbb-cccc-dddd' };

      expect(await failureOf(publisher.verify({ channel: send().channel, credentials }))).toMatchObject({ kind: 'auth_expired' });
    });
  });

  describe('the fake PDS', () => {
    async function createRecord(record: Record<string, unknown>): Promise<Response> {
      const credentials = fake.account();
      const login = await fetch(`${fake.url}/xrpc/com.atproto.server.createSession`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: credentials.identifier, password: credentials.appPassword }),
      });
      const { accessJwt, did } = (await login.json()) as { accessJwt: string; did: string };
      return fetch(`${fake.url}/xrpc/com.atproto.repo.createRecord`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessJwt}` },
        body: JSON.stringify({ repo: did, collection: 'app.bsky.feed.post', record: { $type: 'app.bsky.feed.post', createdAt: new Date().toISOString(), ...record } }),
      });
    }

    it.each([
      [{ text: 'hi', langs: ['not a language'] }, 'Record/langs/0 must be a well-formed BCP 47 language tag'],
      [{ text: 'hi #a', facets: [{ index: { byteStart: 3, byteEnd: 5 }, features: [{ $type: 'app.bsky.richtext.facet#tag' }] }] }, 'Record/facets/0/features/0 must have the property "tag"'],
      [{ text: 'hi #a', facets: [{ index: { byteStart: 3, byteEnd: 5 }, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'b' }] }] }, 'not the hashtag #b'],
      [{ text: 42 }, 'Record/text must be a string'],
    ])('refuses a record the app.bsky.feed.post lexicon does not allow (%j)', async (record, message) => {
      const response = await createRecord(record);

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'InvalidRecord', message: expect.stringContaining(message) });
      expect(fake.records).toEqual([]);
    });

    it('refuses an image whose aspect ratio is not at least 1×1', async () => {
      const upload = await publisher.publish(send({ imageUrls: [fake.fixtureUrl()] }));
      const { embed } = fake.records[0].record;
      expect(upload.platformPostId).toMatch(/^at:\/\//);

      const response = await createRecord({ text: 'again', embed: { ...embed, images: [{ ...embed!.images[0], aspectRatio: { width: 0, height: 1 } }] } });

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'InvalidRecord', message: expect.stringContaining('aspectRatio/width can not be less than 1') });
    });

    it('refuses a facet whose byte range does not slice its link (UTF-16 offsets, say)', async () => {
      const credentials = fake.account();
      const login = await fetch(`${fake.url}/xrpc/com.atproto.server.createSession`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: credentials.identifier, password: credentials.appPassword }),
      });
      const { accessJwt, did } = (await login.json()) as { accessJwt: string; did: string };
      const text = 'Café 🎉 https://brand.example';
      const utf16Start = text.indexOf('https');

      const response = await fetch(`${fake.url}/xrpc/com.atproto.repo.createRecord`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessJwt}` },
        body: JSON.stringify({
          repo: did,
          collection: 'app.bsky.feed.post',
          record: {
            $type: 'app.bsky.feed.post',
            text,
            createdAt: new Date().toISOString(),
            facets: [{ index: { byteStart: utf16Start, byteEnd: text.length }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://brand.example' }] }],
          },
        }),
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'InvalidRecord', message: expect.stringContaining('not its link https://brand.example') });
      expect(fake.records).toEqual([]);
    });
  });
});

describe('dispatch to Bluesky', () => {
  let fake: FakeBlueskyPds;
  let t: TestApp;
  let marketer: Caller;
  let channelId: string;

  beforeAll(async () => {
    fake = await FakeBlueskyPds.start();
    t = await TestApp.start({ env: { DISPATCH_TICK_MS: '100', DISPATCH_SEND_TIMEOUT_MS: '2000' } });
    marketer = await t.member('marketer');
    const credentials = fake.account('brand.bsky.social');
    const channel = await t.admin.post('/api/channels', { platform: 'bluesky', name: 'Brand on Bluesky', handle: '@brand.bsky.social', credentials }).expect(201);
    channelId = channel.body.id;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  async function publishNow(text: string): Promise<string> {
    const res = await marketer.post('/api/posts', { text, channelIds: [channelId], publishNow: true }).expect(201);
    return res.body.id;
  }

  async function settled(postId: string): Promise<{ state: string; attempts: number; platformPostId: string | null; url: string | null; lastError: string | null }> {
    return waitFor(`post ${postId} to settle`, async () => {
      const res = await marketer.get(`/api/posts/${postId}`).expect(200);
      const [delivery] = res.body.deliveries;
      return ['published', 'failed', 'needs_verification'].includes(delivery.state) ? delivery : undefined;
    });
  }

  const attemptsOf = (text: string) =>
    fake.requestsTo('POST /xrpc/com.atproto.repo.createRecord').filter((r) => (r.body as { record?: { text?: string } }).record?.text === text);

  it('publishes a due post once, with facets, recording its URI and URL', async () => {
    const postId = await publishNow('Crème brûlée 🍮 is back: https://brand.example/menu');

    const delivery = await settled(postId);

    const [created] = fake.records;
    expect(delivery).toMatchObject({ state: 'published', attempts: 1, platformPostId: created.uri, url: `https://bsky.app/profile/brand.bsky.social/post/${created.rkey}` });
    expect(created.record.facets).toHaveLength(1);
  });

  it('sends nothing before ratelimit-reset, then publishes', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 2;
    fake.failNext('POST /xrpc/com.atproto.repo.createRecord', { status: 429, reset });
    const postId = await publishNow('After the reset');

    const delivery = await settled(postId);

    expect(delivery.state).toBe('published');
    const attempts = attemptsOf('After the reset');
    expect(attempts).toHaveLength(2);
    expect(attempts[1].receivedAt).toBeGreaterThanOrEqual(reset * 1000);
  });

  it('never re-sends a createRecord whose answer was lost (no idempotency): a person verifies it', async () => {
    fake.failNext('POST /xrpc/com.atproto.repo.createRecord', { drop: true });
    const postId = await publishNow('Lost answer');

    const delivery = await settled(postId);

    expect(delivery).toMatchObject({ state: 'needs_verification', attempts: 1 });
    expect(attemptsOf('Lost answer')).toHaveLength(1);
  });

  it('waits for a reconnection, sending nothing more, when the app password was revoked', async () => {
    fake.revoke({ identifier: 'brand.bsky.social' });
    fake.expireAccessTokens();
    fake.expireRefreshTokens();
    const postId = await publishNow('Nobody home');

    const delivery = await waitFor(`post ${postId} to wait`, async () => {
      const [d] = (await marketer.get(`/api/posts/${postId}`).expect(200)).body.deliveries;
      return d.waitingForReconnectionSince ? d : undefined;
    });

    expect(delivery).toMatchObject({ state: 'scheduled', attempts: 0 });
    expect(delivery.lastError).toContain('waiting for the channel to be reconnected');
    // The one request that met the revocation, and none after it while the channel waits.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(attemptsOf('Nobody home')).toHaveLength(1);
  });
});
