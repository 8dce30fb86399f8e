// The content calendar: planning posts, checking them when they are planned, and reading the calendar.
import { channelBody } from './support/factories';
import { Caller, TestApp } from './support/test-app';

const inOneHour = (): string => new Date(Date.now() + 3600_000).toISOString();

describe('posts', () => {
  let t: TestApp;
  let marketer: Caller;
  let viewer: Caller;
  let channels: Record<string, string>;

  beforeAll(async () => {
    t = await TestApp.start();
    marketer = await t.member('marketer');
    viewer = await t.member('viewer');
    channels = {};
    for (const platform of ['x', 'mastodon', 'bluesky', 'instagram', 'linkedin', 'telegram'] as const) {
      const res = await t.admin.post('/api/channels', channelBody(platform)).expect(201);
      channels[platform] = res.body.id;
    }
  });
  afterAll(() => t.close());

  it('schedules a post with one delivery per channel when no approval is needed', async () => {
    const res = await marketer
      .post('/api/posts', { text: 'Autumn menu', channelIds: [channels.x, channels.mastodon], scheduledAt: inOneHour(), timeZone: 'Europe/Madrid', labels: ['autumn'] })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'scheduled', timeZone: 'Europe/Madrid', labels: ['autumn'], contentVersion: 1, authorId: marketer.memberId });
    expect(res.body.deliveries.map((d: { platform: string; state: string }) => `${d.platform}:${d.state}`).sort()).toEqual([
      'mastodon:scheduled',
      'x:scheduled',
    ]);
    const read = await viewer.get(`/api/posts/${res.body.id}`).expect(200);
    expect(read.body).toEqual({ ...res.body, decisions: [] });
  });

  it('accepts an instant with any offset and stores the instant', async () => {
    const res = await marketer.post('/api/posts', { text: 'Offset', channelIds: [channels.x], scheduledAt: '2031-06-01T09:00:00+02:00' }).expect(201);
    expect(res.body.scheduledAt).toBe('2031-06-01T07:00:00.000Z');
    expect(res.body.timeZone).toBe('UTC');
  });

  describe('refuses at scheduling time, with a 400 naming the channel and the limit', () => {
    it('text over X weighted length', async () => {
      const res = await marketer.post('/api/posts', { text: 'a'.repeat(281), channelIds: [channels.x], scheduledAt: inOneHour() }).expect(400);
      expect(res.body.message).toContain(`channel Brand on x (${channels.x})`);
      expect(res.body.message).toContain('280');
    });

    it('text over the Bluesky grapheme limit, but not when a shorter Bluesky text is given', async () => {
      const long = 'é'.repeat(301);
      const res = await marketer.post('/api/posts', { text: long, channelIds: [channels.bluesky, channels.linkedin], scheduledAt: inOneHour() }).expect(400);
      expect(res.body.message).toContain('300');
      expect(res.body.message).not.toContain('linkedin');
      await marketer.post('/api/posts', { text: long, platformText: { bluesky: 'short' }, channelIds: [channels.bluesky, channels.linkedin], scheduledAt: inOneHour() }).expect(201);
    });

    it('Instagram without an image', async () => {
      const res = await marketer.post('/api/posts', { text: 'No picture', channelIds: [channels.instagram], scheduledAt: inOneHour() }).expect(400);
      expect(res.body.message).toContain('instagram');
      await marketer
        .post('/api/posts', { text: 'Picture', imageUrls: ['https://cdn.example.com/a.jpg'], channelIds: [channels.instagram], scheduledAt: inOneHour() })
        .expect(201);
    });

    it.each([
      ['a past instant', { scheduledAt: '2020-01-01T00:00:00Z' }, /in the past; send publishNow/],
      ['a time without offset or timeZone', { scheduledAt: '2030-01-01T09:00:00' }, /timeZone is required when scheduledAt has no offset/],
      ['a date-time of neither shape', { scheduledAt: '2030-01-01 09:00' }, /with an offset .* or without one and a timeZone/],
      ['no instant at all', { scheduledAt: undefined }, /scheduledAt is required unless publishNow/],
      ['an unknown time zone', { timeZone: 'Mars/Olympus' }, /not an IANA time zone/],
      ['an unknown platform text', { platformText: { myspace: 'hi' } }, /platformText.myspace is not a platform/],
      ['a channel of nobody', { channelIds: ['00000000-0000-4000-8000-000000000000'] }, /do not exist in this workspace/],
      ['no channel', { channelIds: [] }, /channelIds must name at least one channel/],
      ['a bad image URL', { imageUrls: ['ftp://x'] }, /each of imageUrls must be an http\(s\) URL/],
    ])('%s', async (_name, override, message) => {
      const before = await t.sql<{ n: string }>('SELECT (SELECT count(*) FROM posts) + (SELECT count(*) FROM deliveries) AS n');
      const body = { text: 'Hello', channelIds: [channels.mastodon], scheduledAt: inOneHour(), ...override };
      const res = await marketer.post('/api/posts', body).expect(400);
      expect(res.body.message).toMatch(message);
      const after = await t.sql<{ n: string }>('SELECT (SELECT count(*) FROM posts) + (SELECT count(*) FROM deliveries) AS n');
      expect(after[0].n).toBe(before[0].n);
    });

    it("another workspace's channel", async () => {
      const other = await t.otherWorkspace();
      const theirs = await other.post('/api/channels', channelBody('mastodon')).expect(201);
      await marketer.post('/api/posts', { text: 'x', channelIds: [theirs.body.id], scheduledAt: inOneHour() }).expect(400);
    });
  });

  it('publishes now when asked, whatever scheduledAt says', async () => {
    const res = await marketer.post('/api/posts', { text: 'Now', channelIds: [channels.mastodon], publishNow: true }).expect(201);
    expect(Math.abs(Date.parse(res.body.scheduledAt) - Date.now())).toBeLessThan(5000);
  });

  it('lets only marketers write, anyone in the workspace read, and hides other workspaces', async () => {
    await viewer.post('/api/posts', { text: 'x', channelIds: [channels.x], scheduledAt: inOneHour() }).expect(403);
    const res = await marketer.post('/api/posts', { text: 'Mine', channelIds: [channels.x], scheduledAt: inOneHour() }).expect(201);
    const other = await t.otherWorkspace();
    await other.get(`/api/posts/${res.body.id}`).expect(404);
    await viewer.patch(`/api/posts/${res.body.id}`, { text: 'hijack' }).expect(403);
  });

  describe('editing', () => {
    it('reschedules, relabels and retargets until the post is being published', async () => {
      const created = await marketer.post('/api/posts', { text: 'Edit me', channelIds: [channels.x, channels.mastodon], scheduledAt: inOneHour() }).expect(201);
      const later = new Date(Date.now() + 7200_000).toISOString();
      const edited = await marketer
        .patch(`/api/posts/${created.body.id}`, { scheduledAt: later, labels: ['moved'], channelIds: [channels.mastodon, channels.linkedin] })
        .expect(200);
      expect(Date.parse(edited.body.scheduledAt)).toBe(Date.parse(later));
      expect(edited.body.labels).toEqual(['moved']);
      const states = edited.body.deliveries.map((d: { platform: string; state: string }) => `${d.platform}:${d.state}`).sort();
      expect(states).toEqual(['linkedin:scheduled', 'mastodon:scheduled', 'x:cancelled']);
      expect(edited.body.deliveries.filter((d: { state: string }) => d.state === 'scheduled').every((d: { dueAt: string }) => Date.parse(d.dueAt) === Date.parse(later))).toBe(true);
      expect(edited.body.contentVersion).toBe(2);

      const back = await marketer.patch(`/api/posts/${created.body.id}`, { channelIds: [channels.x, channels.mastodon] }).expect(200);
      expect(back.body.deliveries.filter((d: { state: string }) => d.state !== 'cancelled').map((d: { platform: string }) => d.platform).sort()).toEqual(['mastodon', 'x']);

      await t.sql(`UPDATE deliveries SET state = 'publishing' WHERE post_id = $1 AND platform = 'x' AND state = 'scheduled'`, [created.body.id]);
      const refused = await marketer.patch(`/api/posts/${created.body.id}`, { text: 'Too late' }).expect(409);
      expect(refused.body.message).toContain('publishing on x');
    });

    it('cancels a whole post, or one delivery', async () => {
      const created = await marketer.post('/api/posts', { text: 'Cancel me', channelIds: [channels.x, channels.mastodon], scheduledAt: inOneHour() }).expect(201);
      const xDelivery = created.body.deliveries.find((d: { platform: string }) => d.platform === 'x');
      const one = await marketer.delete(`/api/posts/${created.body.id}/deliveries/${xDelivery.id}`).expect(200);
      expect(one.body.deliveries.map((d: { platform: string; state: string }) => `${d.platform}:${d.state}`).sort()).toEqual(['mastodon:scheduled', 'x:cancelled']);
      await marketer.delete(`/api/posts/${created.body.id}/deliveries/${xDelivery.id}`).expect(409);
      const all = await marketer.delete(`/api/posts/${created.body.id}`).expect(200);
      expect(all.body.status).toBe('cancelled');
      expect(all.body.deliveries.map((d: { state: string }) => d.state)).toEqual(['cancelled', 'cancelled']);
      await marketer.patch(`/api/posts/${created.body.id}`, { text: 'revive' }).expect(409);
      await marketer.delete(`/api/posts/${created.body.id}/deliveries/not-a-uuid`).expect(400);
    });
  });
});

describe('the calendar', () => {
  let t: TestApp;
  let marketer: Caller;
  let channelX: string;
  let channelM: string;

  beforeAll(async () => {
    t = await TestApp.start();
    marketer = await t.member('marketer');
    channelX = (await t.admin.post('/api/channels', channelBody('x')).expect(201)).body.id;
    channelM = (await t.admin.post('/api/channels', channelBody('mastodon')).expect(201)).body.id;
  });
  afterAll(() => t.close());

  /** Posts at given instants, written straight through the API with far-future dates. */
  async function plan(instants: string[], extra: Record<string, unknown> = {}): Promise<string[]> {
    const ids: string[] = [];
    for (const scheduledAt of instants) {
      const res = await marketer.post('/api/posts', { text: `At ${scheduledAt}`, channelIds: [channelX], scheduledAt, ...extra }).expect(201);
      ids.push(res.body.id);
    }
    return ids;
  }

  it('groups by local day across the spring DST change in Europe/Madrid', async () => {
    // 2030-03-31: Madrid moves from +01:00 to +02:00 at 02:00 local.
    await plan(['2030-03-30T22:59:00Z', '2030-03-30T23:30:00Z', '2030-03-31T00:30:00Z', '2030-03-31T21:59:00Z', '2030-03-31T22:00:00Z']);
    const res = await marketer.get('/api/posts?from=2030-03-30T00:00:00Z&to=2030-04-02T00:00:00Z&groupBy=day&tz=Europe/Madrid').expect(200);
    expect(res.body.days.map((d: { date: string; posts: unknown[] }) => [d.date, d.posts.length])).toEqual([
      ['2030-03-30', 1],
      ['2030-03-31', 3],
      ['2030-04-01', 1],
    ]);
  });

  it('groups by local day across the autumn DST change in America/New_York (a 25-hour day)', async () => {
    // 2030-11-03: New York moves from -04:00 to -05:00 at 02:00 local.
    await plan(['2030-11-03T04:00:00Z', '2030-11-03T06:30:00Z', '2030-11-04T04:59:00Z', '2030-11-04T05:00:00Z']);
    const res = await marketer.get('/api/posts?from=2030-11-02T00:00:00Z&to=2030-11-05T00:00:00Z&groupBy=day&tz=America/New_York').expect(200);
    expect(res.body.days.map((d: { date: string; posts: unknown[] }) => [d.date, d.posts.length])).toEqual([
      ['2030-11-03', 3],
      ['2030-11-04', 1],
    ]);
  });

  it('filters by channel, platform, state, label and author, and pages with a cursor', async () => {
    const base = Date.parse('2031-01-10T10:00:00Z');
    const instants = Array.from({ length: 7 }, (_, i) => new Date(base + i * 3600_000).toISOString());
    await plan(instants, { labels: ['launch'] });
    await marketer.post('/api/posts', { text: 'On Mastodon', channelIds: [channelM], scheduledAt: '2031-01-10T12:30:00Z' }).expect(201);
    const range = 'from=2031-01-10T00:00:00Z&to=2031-01-11T00:00:00Z';

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string; scheduledAt: string }[]; nextCursor: string | null } } = await marketer
        .get(`/api/posts?${range}&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      seen.push(...page.body.items.map((p) => p.scheduledAt));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(8);
    expect([...seen].sort()).toEqual(seen);

    const byChannel = await marketer.get(`/api/posts?${range}&channelId=${channelM}`).expect(200);
    expect(byChannel.body.items.map((p: { text: string }) => p.text)).toEqual(['On Mastodon']);
    const byPlatform = await marketer.get(`/api/posts?${range}&platform=x`).expect(200);
    expect(byPlatform.body.items).toHaveLength(7);
    const byLabel = await marketer.get(`/api/posts?${range}&label=launch`).expect(200);
    expect(byLabel.body.items).toHaveLength(7);
    const byState = await marketer.get(`/api/posts?${range}&status=published`).expect(200);
    expect(byState.body.items).toHaveLength(0);
    const byAuthor = await marketer.get(`/api/posts?${range}&authorId=${t.admin.memberId}`).expect(200);
    expect(byAuthor.body.items).toHaveLength(0);
    expect(byChannel.body.items[0].deliveries[0]).toMatchObject({ channelId: channelM, state: 'scheduled' });
  });

  it.each([
    ['from after to', 'from=2031-02-01T00:00:00Z&to=2031-01-01T00:00:00Z', /to must be after from/],
    ['a range over a year', 'from=2031-01-01T00:00:00Z&to=2033-01-01T00:00:00Z', /at most 366 days/],
    ['no offset', 'from=2031-01-01T00:00:00&to=2031-01-02T00:00:00Z', /from must be an ISO 8601 instant/],
    ['a bad zone', 'from=2031-01-01T00:00:00Z&to=2031-01-02T00:00:00Z&groupBy=day&tz=Nowhere/City', /not an IANA time zone/],
    ['a bad state', 'from=2031-01-01T00:00:00Z&to=2031-01-02T00:00:00Z&status=lost', /status must be one of/],
    ['a forged cursor', 'from=2031-01-01T00:00:00Z&to=2031-01-02T00:00:00Z&cursor=abc', /cursor is not a cursor/],
  ])('refuses %s with a 400', async (_name, query, message) => {
    const res = await marketer.get(`/api/posts?${query}`).expect(400);
    expect(res.body.message).toMatch(message);
  });
});
