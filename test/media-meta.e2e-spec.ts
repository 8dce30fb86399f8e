// Library media to Facebook Pages (bytes uploaded as `source`, alt text as alt_text_custom) and Instagram (a signed,
// expiring Holdfast URL that the fake Graph API really fetches), through the API, the dispatcher and the real publishers.
import { ConfigService } from '@nestjs/config';
import { createServer } from 'node:net';
import sharp from 'sharp';
import { Clock } from '../src/common/clock';
import { validateEnv } from '../src/config/env';
import { MediaUrlSigner } from '../src/media/media-url';
import { InstagramPublisher } from '../src/publishers/instagram/instagram.publisher';
import { PublishError, type PublishMedia } from '../src/publishers/publisher.port';
import { FakeGraphApi } from './fakes/facebook-graph-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A small image of one colour, so each upload's bytes are its own. */
const image = (r: number, g: number, b: number, format: 'jpeg' | 'png' = 'jpeg', width = 60, height = 60): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: { r, g, b } } })[format]().toBuffer();

describe('library media to Facebook and Instagram', () => {
  let graph: FakeGraphApi;
  let t: TestApp;
  let marketer: Caller;
  let page: { pageId: string; pageAccessToken: string };
  let ig: { igUserId: string; accessToken: string };
  let channels: { facebook: string; instagram: string };
  let signer: MediaUrlSigner;
  let publicUrl: string;

  beforeAll(async () => {
    graph = await FakeGraphApi.start();
    graph.instagramJpegOnly = true;
    page = graph.addPage();
    ig = graph.addInstagramAccount();
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    t = await TestApp.start({ env: { META_GRAPH_URL: graph.url, DISPATCH_TICK_MS: '100', PUBLIC_URL: publicUrl } });
    // Meta fetches image_url itself: the service listens on loopback, at PUBLIC_URL, for the fake to reach it.
    await t.app.listen(port, '127.0.0.1');
    marketer = await t.member('marketer');
    const connect = async (platform: string, credentials: Record<string, string>, handle: string): Promise<string> =>
      (await t.admin.post('/api/channels', { platform, name: `Bakery on ${platform}`, handle, credentials }).expect(201)).body.id;
    channels = { facebook: await connect('facebook', page, 'Holdfast Bakery'), instagram: await connect('instagram', ig, '@holdfast_bakery') };
    signer = t.app.get(MediaUrlSigner);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await graph?.close();
  });

  const upload = async (file: Buffer, name: string, altText?: string): Promise<{ id: string }> => {
    const req = marketer.post('/api/media').attach('file', file, name);
    return (await (altText === undefined ? req : req.field('altText', altText)).expect(201)).body;
  };
  const settled = (postId: string): Promise<{ state: string; attempts: number; lastError: string | null; platformPostId: string | null }> =>
    waitFor(`post ${postId} to settle`, async () => {
      const [delivery] = (await marketer.get(`/api/posts/${postId}`).expect(200)).body.deliveries;
      return ['published', 'failed', 'needs_verification'].includes(delivery.state) ? delivery : undefined;
    });
  const photosOfPost = (postId: string) => {
    const post = graph.posts.find((p) => p.id === postId)!;
    return post.photoIds.map((id) => graph.photos.get(id)!);
  };

  describe('Facebook', () => {
    it('uploads one library image as the photo bytes, with its alt text and the caption', async () => {
      const jpeg = await image(200, 40, 40);
      const item = await upload(jpeg, 'tart.jpg', 'A cherry tart on a blue plate');
      const res = await marketer.post('/api/posts', { text: 'Cherry tarts today', channelIds: [channels.facebook], mediaIds: [item.id], publishNow: true }).expect(201);

      const delivery = await settled(res.body.id);

      expect(delivery).toMatchObject({ state: 'published', attempts: 1 });
      const [photo] = photosOfPost(delivery.platformPostId!);
      expect(photo).toMatchObject({ published: true, caption: 'Cherry tarts today', contentType: 'image/jpeg', altText: 'A cherry tart on a blue plate', url: undefined });
      expect(Buffer.compare(photo.bytes, jpeg)).toBe(0);
      expect(graph.posts.filter((p) => p.message === 'Cherry tarts today')).toHaveLength(1);
    });

    it('uploads several library images unpublished, each with its alt text, and attaches them in order to one feed post', async () => {
      const files = [await image(10, 200, 10), await image(10, 10, 200, 'png'), await image(200, 200, 10)];
      const items = [await upload(files[0], 'a.jpg', 'Rye loaf'), await upload(files[1], 'b.png', 'Spelt loaf'), await upload(files[2], 'c.jpg')];
      const res = await marketer.post('/api/posts', { text: 'Three loaves', channelIds: [channels.facebook], mediaIds: items.map((i) => i.id), publishNow: true }).expect(201);

      const delivery = await settled(res.body.id);

      expect(delivery).toMatchObject({ state: 'published', attempts: 1 });
      const photos = photosOfPost(delivery.platformPostId!);
      expect(photos.map((p) => [p.published, p.contentType, p.altText])).toEqual([
        [false, 'image/jpeg', 'Rye loaf'],
        [false, 'image/png', 'Spelt loaf'],
        [false, 'image/jpeg', undefined],
      ]);
      photos.forEach((photo, i) => expect(Buffer.compare(photo.bytes, files[i])).toBe(0));
      expect(graph.posts.filter((p) => p.message === 'Three loaves')).toHaveLength(1);
    });

    it('puts image URLs first, then library items, in one post', async () => {
      const jpeg = await image(90, 30, 160);
      const item = await upload(jpeg, 'plum.jpg', 'Plum cake, sliced');
      const res = await marketer
        .post('/api/posts', { text: 'Mixed', imageUrls: [graph.fixtureUrl()], channelIds: [channels.facebook], mediaIds: [item.id], publishNow: true })
        .expect(201);

      const delivery = await settled(res.body.id);

      expect(delivery).toMatchObject({ state: 'published' });
      const photos = photosOfPost(delivery.platformPostId!);
      expect(photos.map((p) => [p.url, p.altText])).toEqual([
        [graph.fixtureUrl(), undefined],
        [undefined, 'Plum cake, sliced'],
      ]);
      expect(Buffer.compare(photos[1].bytes, jpeg)).toBe(0);
    });

    it('refuses a photo with neither url nor source, as Graph does', async () => {
      const res = await fetch(`${graph.url}/v25.0/${page.pageId}/photos`, {
        method: 'POST',
        headers: { authorization: `Bearer ${page.pageAccessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ caption: 'nothing' }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(324);
    });

    it('retries a lost answer to an unpublished upload and still publishes once', async () => {
      const files = [await image(1, 100, 100), await image(100, 1, 100)];
      const items = [await upload(files[0], 'x.jpg', 'First'), await upload(files[1], 'y.jpg', 'Second')];
      graph.failNext('POST /{version}/{id}/photos', { drop: true });
      const res = await marketer.post('/api/posts', { text: 'Lost upload answer', channelIds: [channels.facebook], mediaIds: items.map((i) => i.id), publishNow: true }).expect(201);

      const delivery = await settled(res.body.id);

      expect(delivery).toMatchObject({ state: 'published', attempts: 2 });
      const posts = graph.posts.filter((p) => p.message === 'Lost upload answer');
      expect(posts).toHaveLength(1);
      expect(photosOfPost(posts[0].id).map((p) => p.altText)).toEqual(['First', 'Second']);
    });

    it('does not post a single library photo twice when the answer to it is lost: a person checks', async () => {
      const item = await upload(await image(30, 60, 90), 'one.jpg', 'One');
      graph.failNext('POST /{version}/{id}/photos', { drop: true });
      const res = await marketer.post('/api/posts', { text: 'Lost photo answer', channelIds: [channels.facebook], mediaIds: [item.id], publishNow: true }).expect(201);

      const delivery = await settled(res.body.id);

      expect(delivery).toMatchObject({ state: 'needs_verification', attempts: 1 });
      expect(graph.requestsTo('POST /{version}/{id}/photos').filter((r) => (r.body as { caption?: string }).caption === 'Lost photo answer')).toHaveLength(1);
    });

    it('does not post library photos twice when the answer to the feed post is lost', async () => {
      const items = [await upload(await image(5, 5, 5), 'p.jpg'), await upload(await image(250, 250, 250), 'q.jpg')];
      graph.failNext('POST /{version}/{id}/feed', { drop: true });
      const res = await marketer.post('/api/posts', { text: 'Lost feed answer', channelIds: [channels.facebook], mediaIds: items.map((i) => i.id), publishNow: true }).expect(201);

      const delivery = await settled(res.body.id);

      expect(delivery).toMatchObject({ state: 'needs_verification', attempts: 1 });
      expect(graph.requestsTo('POST /{version}/{id}/feed').filter((r) => (r.body as { message?: string }).message === 'Lost feed answer')).toHaveLength(1);
    });
  });

  describe('Instagram', () => {
    it('publishes one library JPEG that Meta fetched from its signed URL, with its alt text', async () => {
      const jpeg = await image(220, 120, 20);
      const item = await upload(jpeg, 'croissant.jpg', 'A croissant, golden and flaky');
      const res = await marketer.post('/api/posts', { text: 'Croissants 🥐', channelIds: [channels.instagram], mediaIds: [item.id], publishNow: true }).expect(201);

      const delivery = await settled(res.body.id);

      expect(delivery).toMatchObject({ state: 'published', attempts: 1 });
      const published = graph.media.filter((m) => m.caption === 'Croissants 🥐');
      expect(published).toHaveLength(1);
      const container = graph.containers.get(published[0].containerId)!;
      expect(container).toMatchObject({ mediaType: 'IMAGE', altText: 'A croissant, golden and flaky', imageContentType: 'image/jpeg' });
      expect(container.imageUrl).toMatch(new RegExp(`^${publicUrl}/api/media/public/${item.id}\\?exp=\\d+&sig=[0-9a-f]{64}$`));
      expect(Buffer.compare(container.imageBytes!, jpeg)).toBe(0);
      // The container is kept in the delivery, as for URL images.
      const [row] = await t.sql<{ progress: { instagramContainerId?: string } }>('SELECT progress FROM deliveries WHERE post_id = $1', [res.body.id]);
      expect(row.progress.instagramContainerId).toBe(container.id);
    });

    it('publishes a carousel of an image URL and library items, in order, each with its alt text', async () => {
      const jpegUrl = graph.addFixture('bun.jpg', 'image/jpeg', await image(40, 40, 40));
      const files = [await image(240, 10, 90), await image(10, 240, 90)];
      const items = [await upload(files[0], 'red.jpg', 'Red velvet'), await upload(files[1], 'green.jpg')];
      const res = await marketer
        .post('/api/posts', { text: 'Carousel', imageUrls: [jpegUrl], channelIds: [channels.instagram], mediaIds: items.map((i) => i.id), publishNow: true })
        .expect(201);

      const delivery = await settled(res.body.id);

      expect(delivery).toMatchObject({ state: 'published', attempts: 1 });
      const [published] = graph.media.filter((m) => m.caption === 'Carousel');
      const carousel = graph.containers.get(published.containerId)!;
      const children = carousel.children.map((id) => graph.containers.get(id)!);
      expect(children.map((c) => [c.isCarouselItem, c.altText])).toEqual([
        [true, undefined],
        [true, 'Red velvet'],
        [true, undefined],
      ]);
      expect(children[0].imageUrl).toBe(jpegUrl);
      expect(Buffer.compare(children[1].imageBytes!, files[0])).toBe(0);
      expect(Buffer.compare(children[2].imageBytes!, files[1])).toBe(0);
    });

    it('is refused by Meta when the image it fetches is not a JPEG', async () => {
      const res = await marketer.post('/api/posts', { text: 'A PNG', imageUrls: [graph.fixtureUrl()], channelIds: [channels.instagram], publishNow: true }).expect(201);

      const delivery = await settled(res.body.id);

      expect(delivery).toMatchObject({ state: 'failed' });
      expect(delivery.lastError).toContain('only JPEG images can be published');
    });

    it('is refused by Meta when the signed URL no longer works (Meta cannot fetch it)', async () => {
      const item = await upload(await image(1, 2, 3), 'late.jpg');
      const publisher = new InstagramPublisher(new ConfigService(validateEnv({ META_GRAPH_URL: graph.url })), new Clock());
      const media: PublishMedia = {
        id: item.id,
        kind: 'image',
        mimeType: 'image/jpeg',
        byteSize: 1,
        width: 60,
        height: 60,
        altText: null,
        read: () => Promise.reject(new Error('not read for Instagram')),
        publicUrl: () => signer.url(item.id, new Date(Date.now() - 2 * 3_600_000)),
      };
      const error = await publisher
        .publish({ deliveryId: 'd-late', channel: { id: 'c', platform: 'instagram', handle: '@h' }, credentials: ig, text: 'Late', imageUrls: [], link: null, media: [media] })
        .catch((thrown: unknown) => thrown);

      expect(error).toBeInstanceOf(PublishError);
      expect((error as PublishError).failure).toMatchObject({ kind: 'permanent', reason: expect.stringContaining('Media download has failed') });
      expect((error as PublishError).failure.reason).toContain("Meta fetches library media from Holdfast's PUBLIC_URL: it must be reachable from the internet");
      expect(graph.media.filter((m) => m.caption === 'Late')).toHaveLength(0);
    });
  });

  describe('the signed media URL', () => {
    let item: { id: string };
    let png: Buffer;
    beforeAll(async () => {
      png = await image(70, 80, 90, 'png');
      item = await upload(png, 'signed.png');
    });
    const path = (url: string): string => url.slice(publicUrl.length);

    it('serves the bytes with their type to anyone holding a valid link', async () => {
      const res = await t.anonymous.get(path(signer.url(item.id, new Date()))).expect(200);
      expect(res.headers['content-type']).toBe('image/png');
      expect(Buffer.compare(res.body as Buffer, png)).toBe(0);
    });

    it('refuses a tampered signature, a changed expiry and another item, never giving the bytes', async () => {
      const url = new URL(signer.url(item.id, new Date()));
      const sig = url.searchParams.get('sig')!;
      const exp = url.searchParams.get('exp')!;
      const other = await upload(await image(1, 1, 1), 'other.jpg');
      const flipped = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
      for (const bad of [
        `/api/media/public/${item.id}?exp=${exp}&sig=${flipped}`,
        `/api/media/public/${item.id}?exp=${Number(exp) + 3600}&sig=${sig}`,
        `/api/media/public/${other.id}?exp=${exp}&sig=${sig}`,
        `/api/media/public/${item.id}?exp=${exp}`,
        `/api/media/public/${item.id}`,
      ]) {
        const res = await t.anonymous.get(bad).expect(403);
        expect(res.headers['content-type']).toContain('application/json');
        expect(res.body.message).toContain('This media link is not valid');
      }
    });

    it('refuses an expired link with 410', async () => {
      const res = await t.anonymous.get(path(signer.url(item.id, new Date(Date.now() - 3_601_000)))).expect(410);
      expect(res.body.message).toBe('This media link has expired: links to library media work for one hour');
    });

    it('answers 404 for a deleted item even with a valid link', async () => {
      const gone = await upload(await image(9, 9, 9), 'gone.jpg');
      const url = signer.url(gone.id, new Date());
      await marketer.delete(`/api/media/${gone.id}`).expect(204);
      await t.anonymous.get(path(url)).expect(404);
    });
  });
});
