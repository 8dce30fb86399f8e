// Library media on LinkedIn (Images API uploads, alt text in the post's media) and Telegram (multipart sendPhoto and
// sendMediaGroup with attach:// parts): uploaded through POST /api/media, posted with mediaIds, received by the fakes.
import { ConfigService } from '@nestjs/config';
import sharp from 'sharp';
import { Clock } from '../src/common/clock';
import { NetworkPolicy } from '../src/common/network-policy';
import { type Env, validateEnv } from '../src/config/env';
import { LinkedInPublisher } from '../src/publishers/linkedin/linkedin.publisher';
import { PublishError, type PublishFailure, type PublishMedia, type PublishRequest } from '../src/publishers/publisher.port';
import { TelegramPublisher } from '../src/publishers/telegram/telegram.publisher';
import { FakeLinkedInApi } from './fakes/linkedin-api';
import { FakeTelegramApi } from './fakes/telegram-api';
import { TEST_PNG } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** A small image of one colour, distinct per call, so each upload's bytes can be told apart. */
let shade = 0;
function picture(format: 'png' | 'jpeg' | 'webp', width = 64, height = 48): Promise<Buffer> {
  shade += 37;
  const image = sharp({ create: { width, height, channels: 3, background: { r: shade % 256, g: (shade * 3) % 256, b: (shade * 7) % 256 } } });
  return (format === 'png' ? image.png() : format === 'jpeg' ? image.jpeg() : image.webp()).toBuffer();
}

interface Delivery {
  state: string;
  attempts: number;
  lastError: string | null;
  platformPostId: string | null;
  url: string | null;
}

describe('library media on LinkedIn and Telegram', () => {
  let linkedin: FakeLinkedInApi;
  let telegram: FakeTelegramApi;
  let t: TestApp;
  let marketer: Caller;
  let member: ReturnType<FakeLinkedInApi['addMember']>;
  let channels: { linkedin: string; telegram: string };
  let telegramChat: number;
  let texts = 0;

  beforeAll(async () => {
    [linkedin, telegram] = await Promise.all([FakeLinkedInApi.start(), FakeTelegramApi.start()]);
    t = await TestApp.start({ env: { LINKEDIN_API_URL: linkedin.url, TELEGRAM_API_URL: telegram.url, DISPATCH_TICK_MS: '100' } });
    marketer = await t.member('marketer');
    member = linkedin.addMember();
    const telegramCredentials = telegram.publicChannel('brand_media');
    telegramChat = telegram.chatFor(telegramCredentials.chatId)!.id;
    const connect = async (platform: string, credentials: Record<string, string>, handle: string): Promise<string> =>
      (await t.admin.post('/api/channels', { platform, name: `Brand on ${platform}`, handle, credentials }).expect(201)).body.id;
    channels = {
      linkedin: await connect(
        'linkedin',
        {
          authorUrn: `urn:li:organization:${member.organizationId}`,
          accessToken: member.accessToken,
          refreshToken: member.refreshToken,
          clientId: member.clientId,
          clientSecret: member.clientSecret,
        },
        'holdfast-bakery',
      ),
      telegram: await connect('telegram', telegramCredentials, '@brand_media'),
    };
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([linkedin?.close(), telegram?.close()]);
  });

  /** A library item: its id and the exact bytes uploaded. */
  async function library(format: 'png' | 'jpeg' | 'webp', name: string, altText?: string): Promise<{ id: string; bytes: Buffer }> {
    const bytes = await picture(format);
    const req = marketer.post('/api/media').attach('file', bytes, name);
    const res = await (altText === undefined ? req : req.field('altText', altText)).expect(201);
    return { id: res.body.id as string, bytes };
  }

  /** Posts now to one channel; answers the post's id and its (unique) text. */
  async function postNow(channel: keyof typeof channels, body: { mediaIds: string[]; imageUrls?: string[] }): Promise<{ postId: string; text: string }> {
    const text = `Fresh from the oven, batch ${++texts}`;
    const res = await marketer.post('/api/posts', { text, channelIds: [channels[channel]], publishNow: true, ...body }).expect(201);
    return { postId: res.body.id as string, text };
  }

  async function settled(postId: string): Promise<Delivery> {
    return waitFor(`post ${postId} to settle`, async () => {
      const [delivery] = (await marketer.get(`/api/posts/${postId}`).expect(200)).body.deliveries as Delivery[];
      return ['published', 'failed', 'needs_verification'].includes(delivery.state) ? delivery : undefined;
    });
  }

  const linkedInPosts = (text: string) => linkedin.posts.filter((post) => post.shownText === text);
  /** The messages one send made: a media group's are recorded together, the caption on the first. */
  const telegramMessages = (caption: string) => {
    const at = telegram.messages.findIndex((message) => message.chatId === telegramChat && message.caption === caption);
    if (at < 0) {
      return [];
    }
    const sent = [telegram.messages[at]];
    for (const next of telegram.messages.slice(at + 1)) {
      if (sent[0].method !== 'sendMediaGroup' || next.method !== 'sendMediaGroup' || next.chatId !== telegramChat || next.caption !== undefined) {
        break;
      }
      sent.push(next);
    }
    return sent;
  };

  describe('LinkedIn', () => {
    it('uploads one library image through the Images API and posts it with its alt text in content.media', async () => {
      const menu = await library('png', 'menu.png', 'The autumn menu board, three loaves');
      const { postId, text } = await postNow('linkedin', { mediaIds: [menu.id] });

      expect(await settled(postId)).toMatchObject({ state: 'published', attempts: 1 });
      const posts = linkedInPosts(text);
      expect(posts).toHaveLength(1);
      expect(posts[0].imageUrns).toHaveLength(1);
      expect(posts[0].altTexts).toEqual(['The autumn menu board, three loaves']);
      const image = linkedin.images.get(posts[0].imageUrns[0])!;
      expect(image).toMatchObject({ owner: `urn:li:organization:${member.organizationId}`, contentType: 'image/png' });
      expect(image.bytes!.equals(menu.bytes)).toBe(true);
      const sent = linkedin.requestsTo('POST /rest/posts').find((request) => (request.body as { commentary: string }).commentary === text)!;
      expect((sent.body as { content: unknown }).content).toEqual({ media: { id: image.urn, altText: 'The autumn menu board, three loaves' } });
    });

    it('posts several library images as a multiImage post, in order, each with its own alt text (none where the item has none)', async () => {
      const first = await library('jpeg', 'crust.jpg', 'A dark crust, close up');
      const second = await library('png', 'crumb.png');
      const third = await library('jpeg', 'oven.jpg', 'The wood-fired oven');
      const { postId, text } = await postNow('linkedin', { mediaIds: [first.id, second.id, third.id] });

      expect(await settled(postId)).toMatchObject({ state: 'published', attempts: 1 });
      const [post] = linkedInPosts(text);
      expect(linkedInPosts(text)).toHaveLength(1);
      expect(post.altTexts).toEqual(['A dark crust, close up', null, 'The wood-fired oven']);
      expect(post.imageUrns.map((urn) => linkedin.images.get(urn)!.bytes)).toEqual([first.bytes, second.bytes, third.bytes]);
      expect(post.imageUrns.map((urn) => linkedin.images.get(urn)!.contentType)).toEqual(['image/jpeg', 'image/png', 'image/jpeg']);
      const sent = linkedin.requestsTo('POST /rest/posts').find((request) => (request.body as { commentary: string }).commentary === text)!;
      expect((sent.body as { content: unknown }).content).toEqual({
        multiImage: {
          images: [
            { id: post.imageUrns[0], altText: 'A dark crust, close up' },
            { id: post.imageUrns[1] },
            { id: post.imageUrns[2], altText: 'The wood-fired oven' },
          ],
        },
      });
    });

    it('puts the URL images first and the library items after them', async () => {
      const item = await library('jpeg', 'shop.jpg', 'The shop front at dawn');
      const { postId, text } = await postNow('linkedin', { imageUrls: [linkedin.fixtureUrl()], mediaIds: [item.id] });

      expect(await settled(postId)).toMatchObject({ state: 'published' });
      const [post] = linkedInPosts(text);
      expect(post.imageUrns.map((urn) => linkedin.images.get(urn)!.bytes)).toEqual([TEST_PNG, item.bytes]);
      expect(post.altTexts).toEqual([null, 'The shop front at dawn']);
    });

    it('after an expired token, refreshes once and uploads the library image again with the new token: one post', async () => {
      const fresh = linkedin.addMember('Refreshing Rita');
      linkedin.expireToken(fresh.accessToken);
      const channelId = (
        await t.admin
          .post('/api/channels', {
            platform: 'linkedin',
            name: 'Rita on LinkedIn',
            handle: 'rita-bakes',
            credentials: { authorUrn: `urn:li:person:${fresh.memberId}`, accessToken: fresh.accessToken, refreshToken: fresh.refreshToken, clientId: fresh.clientId, clientSecret: fresh.clientSecret },
          })
          .expect(201)
      ).body.id as string;
      const item = await library('png', 'rye.png', 'Rye loaves cooling');
      const text = 'Rye day, after a refresh';
      const res = await marketer.post('/api/posts', { text, channelIds: [channelId], mediaIds: [item.id], publishNow: true }).expect(201);

      expect(await settled(res.body.id)).toMatchObject({ state: 'published', attempts: 1 });
      const posts = linkedInPosts(text);
      expect(posts).toHaveLength(1);
      expect(posts[0].altTexts).toEqual(['Rye loaves cooling']);
      expect(linkedin.images.get(posts[0].imageUrns[0])!.bytes!.equals(item.bytes)).toBe(true);
      expect(posts[0].postedWith).not.toBe(`Bearer ${fresh.accessToken}`);
    });

    it('retries a send whose image upload lost its answer (nothing was posted), and posts once', async () => {
      const item = await library('jpeg', 'baguette.jpg', 'Baguettes in a basket');
      linkedin.failNext('PUT /dms-uploads/{token}', { drop: true });
      const { postId, text } = await postNow('linkedin', { mediaIds: [item.id] });

      expect(await settled(postId)).toMatchObject({ state: 'published', attempts: 2 });
      expect(linkedInPosts(text)).toHaveLength(1);
      expect(linkedInPosts(text)[0].altTexts).toEqual(['Baguettes in a basket']);
    });

    it('does not repeat a post whose creation lost its answer: a person checks it', async () => {
      const item = await library('png', 'cake.png', 'A lemon cake');
      linkedin.failNext('POST /rest/posts', { drop: true });
      const before = linkedin.requestsTo('POST /rest/posts').length;
      const { postId } = await postNow('linkedin', { mediaIds: [item.id] });

      expect(await settled(postId)).toMatchObject({ state: 'needs_verification', attempts: 1 });
      expect(linkedin.requestsTo('POST /rest/posts')).toHaveLength(before + 1);
    });

    it('refuses a WebP library item for LinkedIn when the post is made, naming the types it takes', async () => {
      const item = await library('webp', 'tart.webp');
      const res = await marketer.post('/api/posts', { text: 'Tart', channelIds: [channels.linkedin], mediaIds: [item.id], publishNow: true }).expect(400);
      expect(res.body.message).toContain(`tart.webp (${item.id}) is a WEBP image; LinkedIn takes JPEG, PNG, GIF`);
    });
  });

  describe('Telegram', () => {
    it('sends one library image with sendPhoto, the file in the photo part and the text as its caption', async () => {
      const item = await library('jpeg', 'loaf.jpg', 'A sourdough loaf');
      const { postId, text } = await postNow('telegram', { mediaIds: [item.id] });

      expect(await settled(postId)).toMatchObject({ state: 'published', attempts: 1 });
      const messages = telegram.messages.filter((message) => message.caption === text);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ method: 'sendPhoto', chatId: telegramChat, photos: [item.bytes], files: [{ contentType: 'image/jpeg', filename: expect.stringMatching(/\.jpeg$/) }] });
      const request = telegram.requests.find((r) => r.route === 'POST /bot{token}/sendPhoto' && (r.body as { caption?: string }).caption === text)!;
      expect(String(request.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
      // Telegram takes no alt text: it is not sent anywhere.
      expect(request.rawBody.includes(Buffer.from('A sourdough loaf'))).toBe(false);
    });

    it('sends several library images as one media group of attach:// parts, in order, the caption on the first', async () => {
      const items = [await library('png', 'one.png'), await library('jpeg', 'two.jpg'), await library('webp', 'three.webp')];
      const { postId, text } = await postNow('telegram', { mediaIds: items.map((item) => item.id) });

      expect(await settled(postId)).toMatchObject({ state: 'published', attempts: 1 });
      const group = telegramMessages(text);
      expect(group).toHaveLength(3);
      expect(group.map((message) => message.method)).toEqual(['sendMediaGroup', 'sendMediaGroup', 'sendMediaGroup']);
      expect(group.map((message) => message.photos[0])).toEqual(items.map((item) => item.bytes));
      expect(group.map((message) => message.files[0].contentType)).toEqual(['image/png', 'image/jpeg', 'image/webp']);
      expect(group.map((message) => message.caption)).toEqual([text, undefined, undefined]);
      const requests = telegram.requestsTo('POST /bot{token}/sendMediaGroup').filter((r) => String((r.body as { media: string }).media).includes(text));
      expect(requests).toHaveLength(1);
      const media = JSON.parse((requests[0].body as { media: string }).media) as { type: string; media: string }[];
      expect(media.map((item) => item.media)).toEqual(['attach://photo0', 'attach://photo1', 'attach://photo2']);
    });

    it('mixes URL images and library items in one media group, URL images first', async () => {
      const item = await library('png', 'bun.png', 'Cinnamon buns');
      const { postId, text } = await postNow('telegram', { imageUrls: [telegram.fixtureUrl()], mediaIds: [item.id] });

      expect(await settled(postId)).toMatchObject({ state: 'published' });
      const group = telegramMessages(text);
      expect(group.map((message) => message.photos[0])).toEqual([TEST_PNG, item.bytes]);
      expect(group.map((message) => message.method)).toEqual(['sendMediaGroup', 'sendMediaGroup']);
    });

    it('counts library images for the caption limit: a 1,025-character text with one is refused when the post is made', async () => {
      const item = await library('jpeg', 'long.jpg');
      const res = await marketer.post('/api/posts', { text: 'a'.repeat(1025), channelIds: [channels.telegram], mediaIds: [item.id], publishNow: true }).expect(400);
      expect(JSON.stringify(res.body)).toContain('caption');
    });

    it('does not send a media group again after its answer was lost: a person checks it', async () => {
      const items = [await library('png', 'a.png'), await library('png', 'b.png')];
      telegram.failNext('POST /bot{token}/sendMediaGroup', { drop: true });
      const before = telegram.requestsTo('POST /bot{token}/sendMediaGroup').length;
      const { postId } = await postNow('telegram', { mediaIds: items.map((item) => item.id) });

      expect(await settled(postId)).toMatchObject({ state: 'needs_verification', attempts: 1 });
      expect(telegram.requestsTo('POST /bot{token}/sendMediaGroup')).toHaveLength(before + 1);
    });

    it('the fake refuses an attach:// reference to a part the request does not have, as Telegram does', async () => {
      const credentials = telegram.publicChannel();
      const form = new FormData();
      form.append('chat_id', credentials.chatId);
      form.append('media', JSON.stringify([{ type: 'photo', media: 'attach://photo0' }, { type: 'photo', media: 'attach://missing' }]));
      form.append('photo0', new File([TEST_PNG], 'photo0.png', { type: 'image/png' }));
      const answer = await fetch(`${telegram.url}/bot${credentials.botToken}/sendMediaGroup`, { method: 'POST', body: form });
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ ok: false, error_code: 400, description: expect.stringContaining('wrong file identifier/HTTP URL specified') });
      expect(telegram.messages.filter((message) => message.chatId === telegram.chatFor(credentials.chatId)!.id)).toEqual([]);
    });
  });
});

/** A library item as the dispatcher hands it over, counting how often its bytes were read. */
function item(bytes: Buffer, mimeType: string, altText: string | null = null): PublishMedia & { reads: number } {
  const media = { id: `media-${++shade}`, kind: 'image' as const, mimeType, byteSize: bytes.length, width: 1, height: 1, altText, reads: 0, read: () => Promise.resolve(bytes) };
  media.read = () => {
    media.reads++;
    return Promise.resolve(bytes);
  };
  return media;
}

async function failureOf(publishing: Promise<unknown>): Promise<PublishFailure> {
  const error: unknown = await publishing.then(
    () => new Error('expected the send to fail'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PublishError);
  return (error as PublishError).failure;
}

describe('the LinkedIn and Telegram adapters, given library media', () => {
  let linkedin: FakeLinkedInApi;
  let telegram: FakeTelegramApi;
  let linkedInPublisher: LinkedInPublisher;
  let telegramPublisher: TelegramPublisher;
  let sends = 0;

  beforeEach(async () => {
    [linkedin, telegram] = await Promise.all([FakeLinkedInApi.start(), FakeTelegramApi.start()]);
    const config = new ConfigService<Env, true>(validateEnv({ LINKEDIN_API_URL: linkedin.url, TELEGRAM_API_URL: telegram.url }));
    const network = new NetworkPolicy({ allowPrivate: true });
    linkedInPublisher = new LinkedInPublisher(config, new Clock(), network);
    telegramPublisher = new TelegramPublisher(config, new Clock(), network);
  });
  afterEach(async () => {
    await Promise.all([linkedin.close(), telegram.close()]);
  });

  const send = (platform: 'linkedin' | 'telegram', credentials: Record<string, string>, overrides: Partial<PublishRequest> = {}): PublishRequest => ({
    deliveryId: `delivery-${++sends}`,
    channel: { id: `channel-${platform}`, platform, handle: '@brand' },
    credentials,
    text: `Batch ${sends}`,
    imageUrls: [],
    link: null,
    ...overrides,
  });

  it('LinkedIn: refuses more than 20 images counting URL and library ones, before uploading anything', async () => {
    const member = linkedin.addMember();
    const credentials = { authorUrn: `urn:li:organization:${member.organizationId}`, accessToken: member.accessToken };
    const media = Array.from({ length: 19 }, () => item(TEST_PNG, 'image/png'));

    const failure = await failureOf(linkedInPublisher.publish(send('linkedin', credentials, { imageUrls: [linkedin.fixtureUrl(), linkedin.fixtureUrl()], media })));

    expect(failure).toEqual({ kind: 'permanent', reason: 'LinkedIn takes at most 20 images per post' });
    expect(linkedin.requests).toEqual([]);
  });

  it('LinkedIn: reads each library item once, even when a refresh runs the uploads again', async () => {
    const member = linkedin.addMember();
    linkedin.expireToken(member.accessToken);
    const credentials = { authorUrn: `urn:li:person:${member.memberId}`, accessToken: member.accessToken, refreshToken: member.refreshToken, clientId: member.clientId, clientSecret: member.clientSecret };
    const jpeg = await picture('jpeg');
    const media = [item(jpeg, 'image/jpeg', 'One'), item(TEST_PNG, 'image/png', 'Two')];

    await linkedInPublisher.publish(send('linkedin', credentials, { media }));

    expect(media.map((m) => m.reads)).toEqual([1, 1]);
    expect(linkedin.posts).toHaveLength(1);
    expect(linkedin.posts[0].altTexts).toEqual(['One', 'Two']);
    expect(linkedin.posts[0].imageUrns.map((urn) => linkedin.images.get(urn)!.bytes)).toEqual([jpeg, TEST_PNG]);
  });

  it('Telegram: refuses more than 10 images and a caption over 1,024 characters with library media, sending nothing', async () => {
    const credentials = telegram.publicChannel();
    const eleven = Array.from({ length: 11 }, () => item(TEST_PNG, 'image/png'));
    expect(await failureOf(telegramPublisher.publish(send('telegram', credentials, { media: eleven })))).toEqual({ kind: 'permanent', reason: 'Telegram takes at most 10 images per message' });
    const long = await failureOf(telegramPublisher.publish(send('telegram', credentials, { text: 'é'.repeat(1025), media: [item(TEST_PNG, 'image/png')] })));
    expect(long).toEqual({ kind: 'permanent', reason: 'A Telegram caption takes at most 1024 characters' });
    expect(telegram.messages).toEqual([]);
  });

  it('Telegram: a group that became a supergroup gets the same library photos once, in the new chat', async () => {
    const credentials = telegram.chatWithBot({ type: 'group', member: { status: 'member' } });
    const newId = telegram.migrate(credentials.chatId);
    const media = [item(TEST_PNG, 'image/png'), item(await picture('jpeg'), 'image/jpeg')];

    await telegramPublisher.publish(send('telegram', credentials, { media }));

    expect(telegram.messages.map((message) => message.chatId)).toEqual([newId, newId]);
    expect(telegram.messages.map((message) => message.files[0].contentType)).toEqual(['image/png', 'image/jpeg']);
    expect(media.map((m) => m.reads)).toEqual([1, 1]);
  });
});
