// The Telegram adapter through its real client code (axios, JSON and multipart) against a local Bot API, and through the dispatch engine.
import { ConfigService } from '@nestjs/config';
import { Clock } from '../src/common/clock';
import { NetworkPolicy } from '../src/common/network-policy';
import { validateEnv } from '../src/config/env';
import { PublishError, type PublishFailure } from '../src/publishers/publisher.port';
import { TelegramPublisher, type TelegramPublishRequest } from '../src/publishers/telegram/telegram.publisher';
import { FakeTelegramApi } from './fakes/telegram-api';
import { TEST_PNG } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';
import { storedCredentials } from './support/stored-credentials';

async function failureOf(publishing: Promise<unknown>): Promise<PublishFailure> {
  const error: unknown = await publishing.then(
    () => new Error('expected the call to fail'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PublishError);
  return (error as PublishError).failure;
}

describe('the Telegram publisher', () => {
  let fake: FakeTelegramApi;
  let publisher: TelegramPublisher;
  let sends = 0;

  beforeEach(async () => {
    fake = await FakeTelegramApi.start();
    publisher = new TelegramPublisher(new ConfigService(validateEnv({ TELEGRAM_API_URL: fake.url })), new Clock(), new NetworkPolicy({ allowPrivate: true }));
  });
  afterEach(async () => {
    await fake.close();
  });

  function send(overrides: Partial<TelegramPublishRequest> = {}): TelegramPublishRequest {
    sends++;
    return {
      deliveryId: `delivery-${sends}`,
      channel: { id: 'channel-telegram', platform: 'telegram', handle: '@brand' },
      credentials: fake.publicChannel(),
      text: `Autumn menu is out (${sends})`,
      imageUrls: [],
      link: null,
      ...overrides,
    };
  }

  describe('publishing', () => {
    it("sends the text to the channel and answers the message id and the channel's public link", async () => {
      const request = send({ text: 'Café au lait ☕ is back: https://brand.example/menu' });

      const result = await publisher.publish(request);

      const [received] = fake.requestsTo('POST /bot{token}/sendMessage');
      expect(received.body).toEqual({ chat_id: request.credentials.chatId, text: 'Café au lait ☕ is back: https://brand.example/menu' });
      const [message] = fake.messages;
      expect(message).toMatchObject({ method: 'sendMessage', text: request.text });
      expect(result).toEqual({ platformPostId: String(message.messageId), url: `https://t.me/${request.credentials.chatId.slice(1)}/${message.messageId}` });
    });

    it('sends formatted text with the parse mode asked for', async () => {
      await publisher.publish(send({ text: '<b>Sale</b> ends <i>tonight</i>', parseMode: 'HTML' }));

      expect(fake.messages).toEqual([expect.objectContaining({ text: '<b>Sale</b> ends <i>tonight</i>', parseMode: 'HTML' })]);
    });

    it('sends one image as a photo with the text as its caption', async () => {
      const result = await publisher.publish(send({ text: 'Our new menu board', imageUrls: [fake.fixtureUrl()] }));

      expect(fake.messages).toEqual([expect.objectContaining({ method: 'sendPhoto', caption: 'Our new menu board', photos: [TEST_PNG] })]);
      expect(result.platformPostId).toBe(String(fake.messages[0].messageId));
    });

    it('sends several images as one album, captioned on the first photo', async () => {
      const result = await publisher.publish(send({ text: 'Two views', imageUrls: [fake.fixtureUrl(), fake.fixtureUrl()] }));

      expect(fake.messages.map((m) => [m.method, m.caption])).toEqual([
        ['sendMediaGroup', 'Two views'],
        ['sendMediaGroup', undefined],
      ]);
      expect(result.platformPostId).toBe(String(fake.messages[0].messageId));
    });

    it('refuses a caption over 1,024 characters before contacting Telegram', async () => {
      const failure = await failureOf(publisher.publish(send({ text: 'é'.repeat(1025), imageUrls: [fake.fixtureUrl()] })));

      expect(failure).toEqual({ kind: 'permanent', reason: 'A Telegram caption takes at most 1024 characters' });
      expect(fake.requests.filter((r) => r.path.startsWith('/bot'))).toEqual([]);
    });

    it('has no public link for a private channel', async () => {
      const result = await publisher.publish(send({ credentials: fake.privateChannel() }));

      expect(result.url).toBeNull();
    });

    it('follows a group upgraded to a supergroup, and keeps its new chat id', async () => {
      const credentials = fake.privateChannel();
      const newId = fake.migrate(credentials.chatId);
      const store = storedCredentials(credentials);

      await publisher.publish(send({ credentials, renewCredentials: store.renewCredentials }));

      expect(fake.requestsTo('POST /bot{token}/sendMessage').map((r) => (r.body as { chat_id: string }).chat_id)).toEqual([credentials.chatId, String(newId)]);
      expect(fake.messages).toEqual([expect.objectContaining({ chatId: newId })]);
      expect(store.kept).toEqual([{ ...credentials, chatId: String(newId) }]);
    });
  });

  describe('when Telegram says no', () => {
    it('is rate-limited for retry_after seconds', async () => {
      fake.failNext('POST /bot{token}/sendMessage', { status: 429, retryAfter: 35 });
      const before = Date.now();

      const failure = await failureOf(publisher.publish(send()));

      expect(failure).toMatchObject({ kind: 'rate_limited', reason: 'Telegram rate limit reached: Too Many Requests: retry after 35' });
      const until = (failure as { until: Date }).until.getTime();
      expect(until).toBeGreaterThanOrEqual(before + 35_000);
      expect(until).toBeLessThanOrEqual(Date.now() + 35_000);
      expect(fake.messages).toEqual([]);
    });

    it("is rate-limited by the fake's own flood control after 20 messages a minute to one chat", async () => {
      const credentials = fake.publicChannel();
      for (let i = 0; i < 20; i++) {
        await publisher.publish(send({ credentials }));
      }

      const failure = await failureOf(publisher.publish(send({ credentials })));

      expect(failure).toMatchObject({ kind: 'rate_limited' });
      expect(fake.messages).toHaveLength(20);
    });

    it("fails for good when the bot was removed from the channel (403), with Telegram's description", async () => {
      const request = send();
      fake.kick(request.credentials);

      const failure = await failureOf(publisher.publish(request));

      expect(failure).toEqual({ kind: 'permanent', reason: 'Forbidden: bot is not a member of the channel chat', platformCode: '403' });
    });

    it("fails for good on text Telegram cannot parse, with Telegram's description", async () => {
      const failure = await failureOf(publisher.publish(send({ text: 'Sale ends tonight.', parseMode: 'MarkdownV2' })));

      expect(failure).toEqual({
        kind: 'permanent',
        reason: "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
        platformCode: '400',
      });
    });

    it('reports a revoked bot token as expired credentials, and never repeats the token', async () => {
      const request = send();
      fake.revoke(request.credentials.botToken);

      const failure = await failureOf(publisher.publish(request));

      expect(failure).toEqual({ kind: 'auth_expired', reason: 'Telegram does not accept the bot token: Unauthorized' });
    });

    it('retries later when Telegram is unavailable', async () => {
      fake.failNext('POST /bot{token}/sendMessage', { status: 502, description: 'Bad Gateway' });

      expect(await failureOf(publisher.publish(send()))).toEqual({ kind: 'retryable', reason: 'Telegram answered 502: Bad Gateway' });
    });

    it('says the outcome is unknown when the connection drops after the message was sent, without the token in the reason', async () => {
      const request = send();
      fake.failNext('POST /bot{token}/sendMessage', { drop: true });

      const failure = await failureOf(publisher.publish(request));

      expect(failure).toEqual({ kind: 'unknown', reason: expect.stringMatching(/^No answer from Telegram \(.+\): Telegram may have processed the request$/) });
      expect(JSON.stringify(failure)).not.toContain(request.credentials.botToken.split(':')[1]);
    });
  });

  describe('checking the connection', () => {
    it("reports the channel the bot posts to, with its public link", async () => {
      const credentials = fake.publicChannel('brand_news');

      const account = await publisher.verify({ channel: send().channel, credentials });

      const chat = fake.chatFor('@brand_news')!;
      expect(account).toEqual({ accountId: String(chat.id), handle: '@brand_news', displayName: 'Brand News', url: 'https://t.me/brand_news' });
      expect(fake.requests.map((r) => r.route)).toEqual(['POST /bot{token}/getMe', 'POST /bot{token}/getChat']);
    });

    it('reports a chat the bot cannot see, and a revoked token', async () => {
      const credentials = fake.publicChannel();
      const missing = await failureOf(publisher.verify({ channel: send().channel, credentials: { ...credentials, chatId: '@nobody_here' } }));
      fake.revoke(credentials.botToken);
      const revoked = await failureOf(publisher.verify({ channel: send().channel, credentials }));

      expect(missing).toEqual({ kind: 'permanent', reason: 'Bad Request: chat not found', platformCode: '400' });
      expect(revoked).toMatchObject({ kind: 'auth_expired' });
    });
  });
});

describe('dispatch to Telegram', () => {
  let fake: FakeTelegramApi;
  let t: TestApp;
  let marketer: Caller;
  let channelId: string;
  let credentials: Record<string, string>;

  beforeAll(async () => {
    fake = await FakeTelegramApi.start();
    t = await TestApp.start({ env: { TELEGRAM_API_URL: fake.url, DISPATCH_TICK_MS: '100', DISPATCH_SEND_TIMEOUT_MS: '2000' }, captureLogs: true });
    marketer = await t.member('marketer');
    credentials = fake.publicChannel('brand_dispatch');
    const channel = await t.admin.post('/api/channels', { platform: 'telegram', name: 'Brand on Telegram', handle: '@brand_dispatch', credentials }).expect(201);
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

  const attemptsOf = (text: string) => fake.requestsTo('POST /bot{token}/sendMessage').filter((r) => (r.body as { text?: string }).text === text);

  it('publishes a due post once, recording the message id and link', async () => {
    const postId = await publishNow('Hello from Holdfast');

    const delivery = await settled(postId);

    const [message] = fake.messages.filter((m) => m.text === 'Hello from Holdfast');
    expect(delivery).toMatchObject({ state: 'published', attempts: 1, platformPostId: String(message.messageId), url: `https://t.me/brand_dispatch/${message.messageId}` });
  });

  it('sends nothing before retry_after has passed, then publishes', async () => {
    fake.failNext('POST /bot{token}/sendMessage', { status: 429, retryAfter: 2 });
    const postId = await publishNow('After the flood wait');

    const delivery = await settled(postId);

    expect(delivery.state).toBe('published');
    const attempts = attemptsOf('After the flood wait');
    expect(attempts).toHaveLength(2);
    expect(attempts[1].receivedAt - attempts[0].receivedAt).toBeGreaterThanOrEqual(2000);
  });

  it('fails at once when the bot was removed from the channel', async () => {
    fake.failNext('POST /bot{token}/sendMessage', { status: 403, description: 'Forbidden: bot was kicked from the channel chat' });
    const postId = await publishNow('Nobody can read this');

    const delivery = await settled(postId);

    expect(delivery).toMatchObject({ state: 'failed', attempts: 1, lastError: 'Forbidden: bot was kicked from the channel chat' });
  });

  it('never writes the bot token to the logs', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    expect(t.logs.join('\n')).not.toContain(credentials.botToken);
    expect(t.logs.join('\n')).not.toContain(credentials.botToken.split(':')[1]);
  });
});
