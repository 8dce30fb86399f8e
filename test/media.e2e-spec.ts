// The media library: uploads judged by their bytes, each platform's limits checked when a post uses an item,
// Bluesky's 1 MB met by resizing, and alt text carried to X, Mastodon and Bluesky by the real publishers.
import sharp from 'sharp';
import { FakeBlueskyPds } from './fakes/bluesky-pds';
import { FakeMastodonApi } from './fakes/mastodon-api';
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** Random pixels: what photographs look like to a compressor (a flat colour would shrink to nothing). */
function noise(width: number, height: number): sharp.Sharp {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i += 4096) {
    pixels.writeUInt32LE((Math.random() * 0xffffffff) >>> 0, Math.min(i, pixels.length - 4));
  }
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] = (pixels[i] + Math.floor(Math.random() * 256)) & 0xff;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

describe('the media library', () => {
  let x: FakeXApi;
  let mastodon: FakeMastodonApi;
  let pds: FakeBlueskyPds;
  let t: TestApp;
  let marketer: Caller;
  let channels: { x: string; mastodon: string; bluesky: string; instagram: string };
  let sixMegabytePng: Buffer;
  let threeMegabyteJpeg: Buffer;

  beforeAll(async () => {
    [x, mastodon, pds] = await Promise.all([FakeXApi.start(), FakeMastodonApi.start(), FakeBlueskyPds.start()]);
    t = await TestApp.start({ env: { X_API_URL: x.url, DISPATCH_TICK_MS: '100' } });
    marketer = await t.member('marketer');
    const connect = async (platform: string, credentials: Record<string, string>, handle = '@brand'): Promise<string> =>
      (await t.admin.post('/api/channels', { platform, name: `Brand on ${platform}`, handle, credentials }).expect(201)).body.id;
    channels = {
      x: await connect('x', x.oauth2Credentials()),
      mastodon: await connect('mastodon', mastodon.credentials(), '@brand@mastodon.test'),
      bluesky: await connect('bluesky', pds.account(), '@brand.bsky.social'),
      instagram: await connect('instagram', { igUserId: '17841400000000001', accessToken: 'ig-token-000000000000' }),
    };
    sixMegabytePng = await noise(1450, 1450).png({ compressionLevel: 0 }).toBuffer();
    threeMegabyteJpeg = await noise(1500, 1500).jpeg({ quality: 100 }).toBuffer();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([x?.close(), mastodon?.close(), pds?.close()]);
  });

  const upload = (file: Buffer, name: string, altText?: string, by: Caller = marketer) => {
    const req = by.post('/api/media').attach('file', file, name);
    return altText === undefined ? req : req.field('altText', altText);
  };

  it('takes a PNG with its alt text, and serves it back with its type read from its bytes', async () => {
    const png = await noise(40, 30).png().toBuffer();
    const res = await upload(png, 'logo.jpg', 'Our logo: a lighthouse').expect(201);
    expect(res.body).toMatchObject({ kind: 'image', mimeType: 'image/png', width: 40, height: 30, byteSize: png.length, altText: 'Our logo: a lighthouse', name: 'logo.jpg' });
    const content = await marketer.get(res.body.contentUrl).expect(200);
    expect(content.headers['content-type']).toBe('image/png');
    expect(content.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(content.body as Buffer, png)).toBe(0);
    const list = await marketer.get('/api/media').expect(200);
    expect(list.body[0].id).toBe(res.body.id);
    const edited = await marketer.patch(`/api/media/${res.body.id}`, { altText: 'A lighthouse at dusk' }).expect(200);
    expect(edited.body.altText).toBe('A lighthouse at dusk');
  });

  it('refuses a file renamed .png that is not one, naming what it is', async () => {
    const res = await upload(Buffer.from('%PDF-1.7\n1 0 obj\n'), 'photo.png').expect(415);
    expect(res.body.message).toBe("photo.png is not a JPEG, PNG, WebP, GIF or MP4 file (its content is a PDF document); the type is read from the file's content, not its name");
    const text = await upload(Buffer.from('hello, this is plainly text'), 'image.png').expect(415);
    expect(text.body.message).toContain('its content is text');
    // A PNG signature with nothing readable after it.
    const damaged = await upload(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]), 'broken.png').expect(400);
    expect(damaged.body.message).toContain('cannot be read as one');
    await marketer.post('/api/media', { altText: 'no file' }).expect(400);
  });

  it('refuses a 6 MB PNG for X with a message naming the limit, and takes it for Mastodon', async () => {
    expect(sixMegabytePng.length).toBeGreaterThan(6_000_000);
    const item = (await upload(sixMegabytePng, 'banner.png').expect(201)).body;
    const refused = await marketer.post('/api/posts', { text: 'Big banner', channelIds: [channels.x], mediaIds: [item.id], publishNow: true }).expect(400);
    expect(refused.body.message).toBe(`The post's media do not fit its platforms: banner.png (${item.id}) is ${(sixMegabytePng.length / 1048576).toFixed(1)} MB; X takes images up to 5.0 MB`);
    await marketer.post('/api/posts', { text: 'Big banner on Mastodon', channelIds: [channels.mastodon], mediaIds: [item.id], scheduledAt: new Date(Date.now() + 3_600_000).toISOString() }).expect(201);
  });

  it('resizes a 3 MB JPEG under Bluesky’s 1,000,000 bytes and posts it with its alt text', async () => {
    expect(threeMegabyteJpeg.length).toBeGreaterThan(2_500_000);
    const item = (await upload(threeMegabyteJpeg, 'crowd.jpg', 'The crowd at the launch').expect(201)).body;
    const post = await marketer.post('/api/posts', { text: 'Launch day', channelIds: [channels.bluesky], mediaIds: [item.id], publishNow: true }).expect(201);
    await waitFor('the Bluesky post', async () => ((await marketer.get(`/api/posts/${post.body.id}`).expect(200)).body.deliveries[0].state === 'published' ? true : undefined));
    const record = pds.records.find((r) => r.record.text === 'Launch day')!;
    const embed = record.record.embed as { images: { alt: string; image: { ref: { $link: string } }; aspectRatio?: { width: number; height: number } }[] };
    expect(embed.images).toHaveLength(1);
    expect(embed.images[0].alt).toBe('The crowd at the launch');
    const blob = pds.blobs.get(embed.images[0].image.ref.$link)!;
    expect(blob.bytes.length).toBeLessThan(1_000_000);
    const meta = await sharp(blob.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width / meta.height).toBeCloseTo(1, 2);
    // The variant is kept: the library holds it beside the original.
    const variants = await t.sql<{ variant: string; n: number }>(`SELECT variant, length(bytes) AS n FROM media_blobs WHERE media_id = $1 ORDER BY variant`, [item.id]);
    expect(variants.map((v) => v.variant)).toEqual(['bluesky', 'original']);
  });

  it('carries alt text to X and Mastodon with the image', async () => {
    const png = await noise(120, 80).png().toBuffer();
    const item = (await upload(png, 'menu.png', 'The autumn menu, three dishes').expect(201)).body;
    const post = await marketer.post('/api/posts', { text: 'Autumn menu, with alt text', channelIds: [channels.x, channels.mastodon], mediaIds: [item.id], publishNow: true }).expect(201);
    await waitFor('both deliveries published', async () => {
      const deliveries = (await marketer.get(`/api/posts/${post.body.id}`).expect(200)).body.deliveries as { state: string }[];
      return deliveries.every((d) => d.state === 'published') ? true : undefined;
    });
    const tweet = x.tweets.find((tw) => tw.text === 'Autumn menu, with alt text')!;
    expect(tweet.mediaIds).toHaveLength(1);
    expect(x.uploads.get(tweet.mediaIds[0])).toMatchObject({ mediaType: 'image/png', altText: 'The autumn menu, three dishes' });
    expect(x.uploads.get(tweet.mediaIds[0])!.bytes!.length).toBe(png.length);
    const status = mastodon.statuses.find((s) => s.text === 'Autumn menu, with alt text')!;
    expect(status.mediaIds).toHaveLength(1);
    expect(mastodon.media.get(status.mediaIds[0])).toMatchObject({ description: 'The autumn menu, three dishes' });
  });

  it('refuses library media a platform does not take, rather than posting without them', async () => {
    const png = await noise(100, 100).png().toBuffer();
    const item = (await upload(png, 'square.png').expect(201)).body;
    const res = await marketer.post('/api/posts', { text: 'Square', channelIds: [channels.instagram], mediaIds: [item.id], publishNow: true }).expect(400);
    expect(res.body.message).toBe(`The post's media do not fit its platforms: square.png (${item.id}) is a PNG image; Instagram takes JPEG`);
  });

  it('keeps media inside their workspace, and an item a planned post uses cannot be deleted', async () => {
    const png = await noise(20, 20).png().toBuffer();
    const item = (await upload(png, 'kept.png').expect(201)).body;
    const other = await t.otherWorkspace();
    await other.get(`/api/media/${item.id}`).expect(404);
    await other.get(`/api/media/${item.id}/content`).expect(404);
    const theirs = await other.post('/api/channels', { platform: 'x', name: 'Theirs', handle: '@theirs', credentials: x.oauth2Credentials() }).expect(201);
    const theirMarketer = await t.member('marketer', other);
    const refused = await theirMarketer.post('/api/posts', { text: 'Not mine', channelIds: [theirs.body.id], mediaIds: [item.id], publishNow: true }).expect(400);
    expect(refused.body.message).toContain(`no media item ${item.id} in this workspace's library`);

    const post = await marketer.post('/api/posts', { text: 'Uses kept.png', channelIds: [channels.mastodon], mediaIds: [item.id], scheduledAt: new Date(Date.now() + 3_600_000).toISOString() }).expect(201);
    const conflict = await marketer.delete(`/api/media/${item.id}`).expect(409);
    expect(conflict.body.message).toContain(post.body.id);
    await marketer.delete(`/api/posts/${post.body.id}`).expect(200);
    await marketer.delete(`/api/media/${item.id}`).expect(204);
    await marketer.get(`/api/media/${item.id}`).expect(404);
  });

  it('lets viewers look but not upload, and refuses over-long alt text with the rule', async () => {
    const viewer = await t.member('viewer');
    const png = await noise(10, 10).png().toBuffer();
    await upload(png, 'x.png', undefined, viewer).expect(403);
    await viewer.get('/api/media').expect(200);
    const res = await upload(png, 'long.png', 'a'.repeat(1501)).expect(400);
    expect(res.body.message).toContain('the library keeps up to 1500');
  });
});
