// The API as a new user tries it (issue 16, item 4): wall-clock times read in a zone, answers in the post's zone beside
// UTC, deliveries that name their post, and a post status that says what its deliveries came to.
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** The last Sunday of a month (Europe's clock changes: March forward, October back), as YYYY-MM-DD. */
function lastSunday(year: number, month: number): string {
  const last = new Date(Date.UTC(year, month, 0));
  last.setUTCDate(last.getUTCDate() - last.getUTCDay());
  return last.toISOString().slice(0, 10);
}

// Next year's clock changes, so the dates never fall into the past.
const YEAR = new Date().getUTCFullYear() + 1;
const SPRING = lastSunday(YEAR, 3);
const AUTUMN = lastSunday(YEAR, 10);

describe('the API as people use it: times and statuses', () => {
  let fake: FakeXApi;
  let t: TestApp;
  let marketer: Caller;
  let viewer: Caller;
  let x: string;
  let x2: string;

  beforeAll(async () => {
    fake = await FakeXApi.start();
    fake.rateLimit = 1_000_000;
    t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100' } });
    marketer = await t.member('marketer');
    viewer = await t.member('viewer');
    x = (await t.admin.post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
    x2 = (await t.admin.post('/api/channels', { platform: 'x', name: 'Brand support on X', handle: '@brandhelp', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const postCount = async (): Promise<number> => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM posts'))[0].n;

  it('reads a scheduledAt without an offset in timeZone, and answers the time in that zone beside UTC', async () => {
    const res = await marketer.post('/api/posts', { text: 'Spring menu', channelIds: [x], scheduledAt: `${SPRING}T09:30`, timeZone: 'Europe/Madrid' }).expect(201);
    // Madrid is on summer time (+02:00) from 02:00 that morning.
    expect(res.body).toMatchObject({ scheduledAt: `${SPRING}T07:30:00.000Z`, scheduledAtLocal: `${SPRING}T09:30:00+02:00`, timeZone: 'Europe/Madrid' });
    expect(res.body.deliveries).toEqual([
      expect.objectContaining({ postId: res.body.id, dueAt: `${SPRING}T07:30:00.000Z`, dueAtLocal: `${SPRING}T09:30:00+02:00`, publishedAtLocal: null }),
    ]);
    // The day before, the same wall-clock time is an hour later in UTC (+01:00).
    const before = await marketer.post('/api/posts', { text: 'Eve of spring', channelIds: [x], scheduledAt: `${SPRING.slice(0, 8)}${String(Number(SPRING.slice(8)) - 1).padStart(2, '0')}T09:30`, timeZone: 'Europe/Madrid' }).expect(201);
    expect(before.body.scheduledAtLocal).toMatch(/T09:30:00\+01:00$/);
    expect(new Date(res.body.scheduledAt).getTime() - new Date(before.body.scheduledAt).getTime()).toBe(23 * 3600_000);
    const read = await viewer.get(`/api/posts/${res.body.id}`).expect(200);
    expect(read.body).toMatchObject({ scheduledAtLocal: `${SPRING}T09:30:00+02:00`, deliveries: [expect.objectContaining({ postId: res.body.id })] });
    // The deliveries list shows each in its own post's zone too.
    const listed = await viewer.get('/api/deliveries?state=scheduled&limit=200').expect(200);
    expect(listed.body.find((d: { postId: string }) => d.postId === res.body.id)).toMatchObject({ dueAtLocal: `${SPRING}T09:30:00+02:00` });
  });

  it('keeps taking an instant with its offset, answering it in the post zone too', async () => {
    const res = await marketer
      .post('/api/posts', { text: 'With an offset', channelIds: [x], scheduledAt: `${SPRING}T07:30:00Z`, timeZone: 'America/New_York' })
      .expect(201);
    expect(res.body).toMatchObject({ scheduledAt: `${SPRING}T07:30:00.000Z`, scheduledAtLocal: `${SPRING}T03:30:00-04:00` });
    const utc = await marketer.post('/api/posts', { text: 'In UTC', channelIds: [x], scheduledAt: `${SPRING}T09:30:00+02:00` }).expect(201);
    expect(utc.body).toMatchObject({ timeZone: 'UTC', scheduledAtLocal: `${SPRING}T07:30:00+00:00` });
  });

  it('refuses a time the clocks skip, naming the nearest valid times before and after, and writes nothing', async () => {
    const before = await postCount();
    const res = await marketer.post('/api/posts', { text: 'In the gap', channelIds: [x], scheduledAt: `${SPRING}T02:30`, timeZone: 'Europe/Madrid' }).expect(400);
    expect(res.body.message).toContain(`scheduledAt ${SPRING}T02:30 does not exist in Europe/Madrid`);
    expect(res.body.message).toContain(`${SPRING}T01:59:00+01:00 and ${SPRING}T03:00:00+02:00`);
    expect(await postCount()).toBe(before);
  });

  it('takes the earlier instant of a time the clocks show twice', async () => {
    // Madrid goes back from 03:00 (+02:00) to 02:00 (+01:00): 02:30 comes twice, at 00:30Z and at 01:30Z.
    const res = await marketer.post('/api/posts', { text: 'In the overlap', channelIds: [x], scheduledAt: `${AUTUMN}T02:30`, timeZone: 'Europe/Madrid' }).expect(201);
    expect(res.body).toMatchObject({ scheduledAt: `${AUTUMN}T00:30:00.000Z`, scheduledAtLocal: `${AUTUMN}T02:30:00+02:00` });
  });

  it('requires timeZone with a wall-clock scheduledAt, saying so', async () => {
    const before = await postCount();
    const res = await marketer.post('/api/posts', { text: 'No zone', channelIds: [x], scheduledAt: `${SPRING}T09:30` }).expect(400);
    expect(res.body.message).toContain('timeZone is required when scheduledAt has no offset');
    const bad = await marketer.post('/api/posts', { text: 'Bad zone', channelIds: [x], scheduledAt: `${SPRING}T09:30`, timeZone: 'Europe/Atlantis' }).expect(400);
    expect(bad.body.message).toContain('timeZone "Europe/Atlantis" is not an IANA time zone');
    expect(await postCount()).toBe(before);
  });

  it("reads a rescheduled wall-clock time in the post's zone, or in the one given with it", async () => {
    const post = await marketer.post('/api/posts', { text: 'Moved', channelIds: [x], scheduledAt: `${SPRING}T09:30`, timeZone: 'Europe/Madrid' }).expect(201);
    const moved = await marketer.patch(`/api/posts/${post.body.id}`, { scheduledAt: `${AUTUMN}T18:00` }).expect(200);
    expect(moved.body).toMatchObject({ scheduledAt: `${AUTUMN}T17:00:00.000Z`, scheduledAtLocal: `${AUTUMN}T18:00:00+01:00` });
    expect(moved.body.deliveries).toEqual([expect.objectContaining({ dueAt: `${AUTUMN}T17:00:00.000Z`, dueAtLocal: `${AUTUMN}T18:00:00+01:00` })]);
    const elsewhere = await marketer.patch(`/api/posts/${post.body.id}`, { scheduledAt: `${AUTUMN}T18:00`, timeZone: 'Asia/Tokyo' }).expect(200);
    expect(elsewhere.body).toMatchObject({ scheduledAt: `${AUTUMN}T09:00:00.000Z`, scheduledAtLocal: `${AUTUMN}T18:00:00+09:00`, timeZone: 'Asia/Tokyo' });
    await marketer.patch(`/api/posts/${post.body.id}`, { scheduledAt: `${SPRING}T02:30`, timeZone: 'Europe/Madrid' }).expect(400);
    expect((await viewer.get(`/api/posts/${post.body.id}`).expect(200)).body).toMatchObject({ timeZone: 'Asia/Tokyo', scheduledAt: `${AUTUMN}T09:00:00.000Z` });
  });

  it('reads published once every delivery published, with the time it went out in the post zone', async () => {
    const post = await marketer.post('/api/posts', { text: 'Out now', channelIds: [x], publishNow: true, timeZone: 'Europe/Madrid' }).expect(201);
    const done = await waitFor(
      'published',
      async () => {
        const read = await viewer.get(`/api/posts/${post.body.id}`).expect(200);
        return read.body.status === 'published' ? read.body : undefined;
      },
      20_000,
    );
    expect(done.deliveries).toEqual([expect.objectContaining({ state: 'published', postId: post.body.id })]);
    expect(done.deliveries[0].publishedAtLocal).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/);
    expect(new Date(done.deliveries[0].publishedAtLocal).getTime()).toBe(Math.floor(new Date(done.deliveries[0].publishedAt).getTime() / 1000) * 1000);
  }, 30_000);

  it('reads partly_published when one delivery published and the other failed, and failed when none did', async () => {
    fake.failNext('POST /2/tweets', { status: 400, detail: 'Your Tweet text is not allowed' });
    const partly = await marketer.post('/api/posts', { text: 'Two accounts', channelIds: [x, x2], publishNow: true }).expect(201);
    const read = await waitFor(
      'partly published',
      async () => {
        const body = (await viewer.get(`/api/posts/${partly.body.id}`).expect(200)).body;
        return body.status === 'partly_published' ? body : undefined;
      },
      20_000,
    );
    expect(read.deliveries.map((d: { state: string }) => d.state).sort()).toEqual(['failed', 'published']);

    fake.failNext('POST /2/tweets', { status: 400, detail: 'Your Tweet text is not allowed' });
    const failed = await marketer.post('/api/posts', { text: 'Refused', channelIds: [x], publishNow: true }).expect(201);
    await waitFor('failed', async () => ((await viewer.get(`/api/posts/${failed.body.id}`).expect(200)).body.status === 'failed' ? true : undefined), 20_000);
    // The calendar reads the same status as the post view.
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const calendar = await viewer.get(`/api/posts?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`).expect(200);
    const statuses = new Map(calendar.body.items.map((p: { id: string; status: string }) => [p.id, p.status]));
    expect([statuses.get(partly.body.id), statuses.get(failed.body.id)]).toEqual(['partly_published', 'failed']);
  }, 60_000);

  it('documents the statuses and the local times in the OpenAPI document', async () => {
    const doc = (await viewer.get('/docs-json').expect(200)).body;
    const post = doc.components.schemas.PostView.properties;
    expect(post.status.enum).toEqual(expect.arrayContaining(['scheduled', 'published', 'partly_published', 'failed']));
    expect(post.scheduledAtLocal).toBeDefined();
    expect(doc.components.schemas.CreatePostDto.properties.scheduledAt.description).toContain('the earlier of the two instants');
    expect(doc.components.schemas.DeliveryView.properties.postId).toBeDefined();
  });
});
