// The LinkedIn adapter (Posts API, Images API, little text, token refresh) against the local fake LinkedIn, and through the dispatch engine.
import { ConfigService } from '@nestjs/config';
import { Clock } from '../src/common/clock';
import { NetworkPolicy } from '../src/common/network-policy';
import { validateEnv } from '../src/config/env';
import { LINKEDIN_VERSION } from '../src/publishers/linkedin/linkedin-api';
import { LinkedInPublisher } from '../src/publishers/linkedin/linkedin.publisher';
import { PublishError, type PublishFailure, type PublishRequest } from '../src/publishers/publisher.port';
import { FakeLinkedInApi } from './fakes/linkedin-api';
import { TEST_PNG } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';
import { storedCredentials } from './support/stored-credentials';

let fake: FakeLinkedInApi;
let publisher: LinkedInPublisher;
let member: ReturnType<FakeLinkedInApi['addMember']>;
let sends = 0;

function organizationCredentials(overrides: Record<string, string> = {}): Record<string, string> {
  return { authorUrn: `urn:li:organization:${member.organizationId}`, accessToken: member.accessToken, ...overrides };
}

function send(overrides: Partial<PublishRequest> = {}): PublishRequest {
  sends++;
  return {
    deliveryId: `delivery-${sends}`,
    channel: { id: 'channel-li', platform: 'linkedin', handle: 'holdfast-bakery' },
    credentials: organizationCredentials(),
    text: `Hiring bakers, shift ${sends}`,
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

describe('the LinkedIn adapter', () => {
  beforeEach(async () => {
    fake = await FakeLinkedInApi.start();
    publisher = new LinkedInPublisher(new ConfigService(validateEnv({ LINKEDIN_API_URL: fake.url })), new Clock(), new NetworkPolicy({ allowPrivate: true }));
    member = fake.addMember();
  });

  afterEach(async () => {
    await fake.close();
  });

  describe('publishing', () => {
    it('creates a post as the organization with the versioned headers, and answers the URN from x-restli-id', async () => {
      const result = await publisher.publish(send({ text: 'We are hiring (bakers & baristas) #Bakery — apply at https://bakery.example/jobs_2026' }));

      const [request] = fake.requestsTo('POST /rest/posts');
      expect(request.headers['linkedin-version']).toBe(LINKEDIN_VERSION);
      expect(request.headers['x-restli-protocol-version']).toBe('2.0.0');
      expect(request.body).toEqual({
        author: `urn:li:organization:${member.organizationId}`,
        commentary: 'We are hiring \\(bakers & baristas\\) {hashtag|\\#|Bakery} — apply at https://bakery.example/jobs\\_2026',
        visibility: 'PUBLIC',
        distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
        lifecycleState: 'PUBLISHED',
        isReshareDisabledByAuthor: false,
      });
      // What a reader sees is the whole text: nothing was cut off at a reserved character.
      expect(fake.posts.map((post) => post.shownText)).toEqual(['We are hiring (bakers & baristas) #Bakery — apply at https://bakery.example/jobs_2026']);
      expect(result).toEqual({ platformPostId: fake.posts[0].urn, url: `https://www.linkedin.com/feed/update/${fake.posts[0].urn}/` });
    });

    it('posts as a member too', async () => {
      await publisher.publish(send({ credentials: organizationCredentials({ authorUrn: `urn:li:person:${member.memberId}` }) }));

      expect(fake.posts).toEqual([expect.objectContaining({ author: `urn:li:person:${member.memberId}` })]);
    });

    it('uploads an image through the Images API and attaches it as the media', async () => {
      await publisher.publish(send({ imageUrls: [fake.fixtureUrl()] }));

      expect(routes()).toEqual(['POST /rest/images', 'PUT /dms-uploads/{token}', 'POST /rest/posts']);
      expect(fake.requestsTo('POST /rest/images')[0].query.get('action')).toBe('initializeUpload');
      expect(fake.requestsTo('POST /rest/images')[0].body).toEqual({ initializeUploadRequest: { owner: `urn:li:organization:${member.organizationId}` } });
      const [image] = fake.images.values();
      expect(image.bytes).toEqual(TEST_PNG);
      expect(image.contentType).toBe('image/png');
      expect((fake.requestsTo('POST /rest/posts')[0].body as { content: unknown }).content).toEqual({ media: { id: image.urn } });
      expect(fake.posts[0].imageUrns).toEqual([image.urn]);
    });

    it('attaches several images as a multi-image post', async () => {
      await publisher.publish(send({ imageUrls: [fake.fixtureUrl(), fake.fixtureUrl()] }));

      const urns = [...fake.images.keys()];
      expect((fake.requestsTo('POST /rest/posts')[0].body as { content: unknown }).content).toEqual({ multiImage: { images: urns.map((id) => ({ id })) } });
    });
  });

  describe('authenticating', () => {
    it('refreshes an expired token once, hands the new one over, and posts with it', async () => {
      fake.expireToken(member.accessToken);
      const credentials = organizationCredentials({ refreshToken: member.refreshToken, clientId: member.clientId, clientSecret: member.clientSecret });
      const store = storedCredentials(credentials);

      await publisher.publish(send({ credentials, renewCredentials: store.renewCredentials }));

      expect(routes()).toEqual(['POST /rest/posts', 'POST /oauth/v2/accessToken', 'POST /rest/posts']);
      expect(fake.requestsTo('POST /oauth/v2/accessToken')[0].body).toEqual({
        grant_type: 'refresh_token',
        refresh_token: member.refreshToken,
        client_id: member.clientId,
        client_secret: member.clientSecret,
      });
      const refreshed = store.kept[0];
      // LinkedIn says how long the new token lives: its expiry is kept for the refresh-ahead job.
      expect(refreshed).toEqual({ ...credentials, accessToken: expect.not.stringMatching(member.accessToken), expiresAt: expect.any(String) });
      expect(Date.parse(refreshed.expiresAt) - Date.now()).toBeGreaterThan(59 * 86_400_000);
      expect(fake.posts).toEqual([expect.objectContaining({ postedWith: `Bearer ${refreshed.accessToken}` })]);
    });

    it('asks for a reconnection when the token expired and there is nothing to refresh it with', async () => {
      fake.expireToken(member.accessToken);

      const failure = await failureOf(publisher.publish(send()));

      expect(failure).toEqual({ kind: 'auth_expired', reason: expect.stringContaining('reconnect the channel') });
      expect(routes()).toEqual(['POST /rest/posts']);
    });

    it('asks for a reconnection when LinkedIn refuses the refresh token', async () => {
      fake.expireToken(member.accessToken);
      fake.revokeRefreshToken(member.refreshToken);
      const credentials = organizationCredentials({ refreshToken: member.refreshToken, clientId: member.clientId, clientSecret: member.clientSecret });

      const failure = await failureOf(publisher.publish(send({ credentials })));

      expect(failure).toEqual({
        kind: 'auth_expired',
        reason: 'LinkedIn refused to refresh the access token: The provided authorization grant or refresh token is invalid, expired or revoked.',
      });
      expect(fake.posts).toEqual([]);
    });
  });

  describe('when LinkedIn says no', () => {
    it('is rate-limited until midnight UTC once the daily limit is spent', async () => {
      fake.dailyPostLimit = 1;
      await publisher.publish(send());

      const failure = await failureOf(publisher.publish(send()));

      const now = new Date();
      expect(failure).toEqual({
        kind: 'rate_limited',
        reason: expect.stringContaining('DAY limit'),
        until: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)),
      });
    });

    it("fails for good when the token may not post for this organization (403), with LinkedIn's message", async () => {
      const other = fake.addMember('Someone Else');

      const failure = await failureOf(publisher.publish(send({ credentials: organizationCredentials({ authorUrn: `urn:li:organization:${other.organizationId}` }) })));

      expect(failure).toEqual({ kind: 'permanent', reason: `Not enough permissions to access: partnerApiPostsExternal.CREATE.${LINKEDIN_VERSION}`, platformCode: 'ACCESS_DENIED/100' });
    });

    it('fails for good on a 422, and reports a repeated text as a duplicate', async () => {
      fake.failNext('POST /rest/posts', { status: 422, message: 'ERROR :: /commentary :: length exceeds 3000' });
      const invalid = await failureOf(publisher.publish(send()));
      await publisher.publish(send({ text: 'Same words' }));
      const duplicate = await failureOf(publisher.publish(send({ text: 'Same words' })));

      expect(invalid).toEqual({ kind: 'permanent', reason: 'ERROR :: /commentary :: length exceeds 3000' });
      expect(duplicate).toEqual({ kind: 'duplicate', reason: expect.stringMatching(/^Content is a duplicate of urn:li:share:\d+$/) });
    });

    it('retries a 5xx, and says LinkedIn may have posted when the answer is lost', async () => {
      fake.failNext('POST /rest/posts', { status: 503, message: 'Service Unavailable' });
      const unavailable = await failureOf(publisher.publish(send()));
      fake.failNext('POST /rest/posts', { drop: true });
      const lost = await failureOf(publisher.publish(send()));

      expect(unavailable).toEqual({ kind: 'retryable', reason: 'LinkedIn answered 503: Service Unavailable' });
      expect(lost).toEqual({ kind: 'unknown', reason: expect.stringMatching(/^No answer from LinkedIn/) });
    });

    it('never repeats a credential in a reason', async () => {
      fake.failNext('POST /rest/posts', { status: 400, message: `Bad token ${member.accessToken}` });

      expect((await failureOf(publisher.publish(send()))).reason).toBe('Bad token [redacted]');
    });
  });

  describe('checking the connection', () => {
    it('reads the organization for an organization author', async () => {
      const account = await publisher.verify({ channel: send().channel, credentials: organizationCredentials() });

      expect(account).toEqual({
        accountId: `urn:li:organization:${member.organizationId}`,
        handle: `holdfast-bakery-${member.organizationId}`,
        displayName: 'Holdfast Bakery',
        url: `https://www.linkedin.com/company/holdfast-bakery-${member.organizationId}/`,
      });
    });

    it('reads userinfo for a member author, and refuses a token of someone else', async () => {
      const mine = await publisher.verify({ channel: send().channel, credentials: organizationCredentials({ authorUrn: `urn:li:person:${member.memberId}` }) });
      const other = fake.addMember('Someone Else');
      const theirs = await failureOf(
        publisher.verify({ channel: send().channel, credentials: organizationCredentials({ authorUrn: `urn:li:person:${member.memberId}`, accessToken: other.accessToken }) }),
      );

      expect(mine).toEqual({ accountId: `urn:li:person:${member.memberId}`, handle: 'holdfast-bakery', displayName: 'Mia Marketer', url: null });
      expect(theirs).toMatchObject({ kind: 'permanent', reason: expect.stringContaining('not to the channel') });
    });

    it('reports an expired token', async () => {
      fake.expireToken(member.accessToken);

      expect(await failureOf(publisher.verify({ channel: send().channel, credentials: organizationCredentials() }))).toMatchObject({ kind: 'auth_expired' });
    });
  });
});

describe('dispatch to LinkedIn', () => {
  let t: TestApp;
  let marketer: Caller;

  beforeAll(async () => {
    fake = await FakeLinkedInApi.start();
    member = fake.addMember();
    t = await TestApp.start({ env: { LINKEDIN_API_URL: fake.url, DISPATCH_TICK_MS: '100' } });
    marketer = await t.member('marketer');
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  async function channelWith(credentials: Record<string, string>): Promise<string> {
    const res = await t.admin.post('/api/channels', { platform: 'linkedin', name: `LinkedIn ${++sends}`, handle: 'holdfast-bakery', credentials }).expect(201);
    return res.body.id;
  }

  async function settled(postId: string): Promise<{ state: string; lastError: string | null; url: string | null; platformPostId: string | null; attempts: number }> {
    return waitFor(`post ${postId} to settle`, async () => {
      const res = await marketer.get(`/api/posts/${postId}`).expect(200);
      const [delivery] = res.body.deliveries;
      return ['published', 'failed', 'needs_verification'].includes(delivery.state) ? delivery : undefined;
    });
  }

  it('publishes a post with an image and its link once, recording the URN and URL', async () => {
    const channelId = await channelWith(organizationCredentials());
    const res = await marketer
      .post('/api/posts', { text: 'Meet the team', link: 'https://bakery.example/team', imageUrls: [fake.fixtureUrl()], channelIds: [channelId], publishNow: true })
      .expect(201);

    const delivery = await settled(res.body.id);

    const posts = fake.posts.filter((post) => post.shownText === 'Meet the team\n\nhttps://bakery.example/team');
    expect(posts).toHaveLength(1);
    expect(posts[0].imageUrns).toHaveLength(1);
    expect(delivery).toMatchObject({ state: 'published', attempts: 1, platformPostId: posts[0].urn, url: `https://www.linkedin.com/feed/update/${posts[0].urn}/` });
  });

  it('keeps the refreshed token, so the next send uses it without refreshing again', async () => {
    const fresh = fake.addMember('Refreshing Rita');
    fake.expireToken(fresh.accessToken);
    const channelId = await channelWith({
      authorUrn: `urn:li:organization:${fresh.organizationId}`,
      accessToken: fresh.accessToken,
      refreshToken: fresh.refreshToken,
      clientId: fresh.clientId,
      clientSecret: fresh.clientSecret,
    });

    for (const text of ['First after expiry', 'Second after expiry']) {
      const res = await marketer.post('/api/posts', { text, channelIds: [channelId], publishNow: true }).expect(201);
      expect(await settled(res.body.id)).toMatchObject({ state: 'published' });
    }

    expect(fake.requestsTo('POST /oauth/v2/accessToken')).toHaveLength(1);
    const audit = await t.admin.get(`/api/audit?targetId=${channelId}`).expect(200);
    expect(audit.body.items.map((item: { action: string }) => item.action)).toContain('channel.credentials_refreshed');
  });
});
