// Per-post options reach the platforms: Mastodon's visibility, content warning and language, Telegram's parse mode
// and silent sending, Bluesky's languages; wrong ones are refused with the rule, and an edit of them needs approval again.
import { FakeBlueskyPds } from './fakes/bluesky-pds';
import { FakeMastodonApi } from './fakes/mastodon-api';
import { FakeTelegramApi } from './fakes/telegram-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('per-post options', () => {
  let mastodon: FakeMastodonApi;
  let telegram: FakeTelegramApi;
  let pds: FakeBlueskyPds;
  let t: TestApp;
  let marketer: Caller;
  const channels = { mastodon: '', telegram: '', bluesky: '' };

  beforeAll(async () => {
    [mastodon, telegram, pds] = await Promise.all([FakeMastodonApi.start(), FakeTelegramApi.start(), FakeBlueskyPds.start()]);
    t = await TestApp.start({ env: { TELEGRAM_API_URL: telegram.url, DISPATCH_TICK_MS: '100' } });
    marketer = await t.member('marketer');
    const connect = async (platform: string, credentials: Record<string, string>, handle: string): Promise<string> =>
      (await t.admin.post('/api/channels', { platform, name: `Brand on ${platform}`, handle, credentials }).expect(201)).body.id;
    channels.mastodon = await connect('mastodon', mastodon.credentials(), '@brand@mastodon.test');
    channels.telegram = await connect('telegram', telegram.publicChannel('brand_options'), '@brand_options');
    channels.bluesky = await connect('bluesky', pds.account(), '@brand.bsky.social');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([mastodon?.close(), telegram?.close(), pds?.close()]);
  });

  it('sends each platform its own options with the same post', async () => {
    const options = {
      mastodon: { visibility: 'unlisted', spoilerText: 'Spoilers: the new menu', language: 'es' },
      telegram: { parseMode: 'HTML', silent: true },
      bluesky: { languages: ['es', 'ca'] },
    };
    const post = await marketer
      .post('/api/posts', { text: 'Nuevo menú <b>hoy</b>', channelIds: Object.values(channels), options, publishNow: true })
      .expect(201);
    expect(post.body.options).toEqual(options);
    await waitFor('all three published', async () => {
      const deliveries = (await marketer.get(`/api/posts/${post.body.id}`).expect(200)).body.deliveries as { state: string }[];
      return deliveries.every((d) => d.state === 'published') ? true : undefined;
    });
    expect(mastodon.statuses.find((s) => s.text === 'Nuevo menú <b>hoy</b>')).toMatchObject({ visibility: 'unlisted', spoilerText: 'Spoilers: the new menu', language: 'es' });
    expect(telegram.messages.find((m) => m.text === 'Nuevo menú <b>hoy</b>')).toMatchObject({ parseMode: 'HTML', silent: true });
    expect(pds.records.find((r) => r.record.text === 'Nuevo menú <b>hoy</b>')!.record.langs).toEqual(['es', 'ca']);
  });

  it('leaves a post without options as it was: public, plain text, the default languages', async () => {
    const post = await marketer.post('/api/posts', { text: 'Plain as before', channelIds: [channels.mastodon, channels.telegram], publishNow: true }).expect(201);
    await waitFor('both published', async () => {
      const deliveries = (await marketer.get(`/api/posts/${post.body.id}`).expect(200)).body.deliveries as { state: string }[];
      return deliveries.every((d) => d.state === 'published') ? true : undefined;
    });
    expect(mastodon.statuses.find((s) => s.text === 'Plain as before')).toMatchObject({ visibility: 'public', spoilerText: '', language: null });
    expect(telegram.messages.find((m) => m.text === 'Plain as before')).toMatchObject({ parseMode: undefined, silent: false });
  });

  it('refuses options outside each platform’s rules, naming the rule, and writes nothing', async () => {
    const before = await t.sql<{ n: string }>('SELECT count(*) AS n FROM posts');
    const cases: [Record<string, unknown>, string][] = [
      [{ mastodon: { visibility: 'friends' } }, 'options.mastodon.visibility must be public, unlisted, private or direct'],
      [{ mastodon: { language: 'Spanish' } }, 'options.mastodon.language must be an ISO 639-1 code such as en or es'],
      [{ telegram: { parseMode: 'Markdown' } }, 'options.telegram.parseMode must be HTML or MarkdownV2'],
      [{ telegram: { silent: 'yes' } }, 'options.telegram.silent must be true or false'],
      [{ bluesky: { languages: ['en', 'es', 'ca', 'fr'] } }, 'options.bluesky.languages takes at most 3 tags'],
    ];
    for (const [options, message] of cases) {
      const res = await marketer.post('/api/posts', { text: 'Refused', channelIds: [channels.mastodon], options, publishNow: true }).expect(400);
      expect(JSON.stringify(res.body)).toContain(message);
    }
    await marketer.post('/api/posts', { text: 'Refused', channelIds: [channels.mastodon], options: { x: { visibility: 'public' } }, publishNow: true }).expect(400);
    expect(await t.sql<{ n: string }>('SELECT count(*) AS n FROM posts')).toEqual(before);
  });

  it('counts a change of options as a change of content: approvals are asked again', async () => {
    await t.admin.put('/api/approval-policy', { approvalsRequired: 1, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 }).expect(200);
    try {
      const approver = await t.member('approver');
      const post = await marketer
        .post('/api/posts', { text: 'Reviewed once', channelIds: [channels.mastodon], scheduledAt: new Date(Date.now() + 86_400_000).toISOString() })
        .expect(201);
      await approver.post(`/api/posts/${post.body.id}/approve`, { comment: 'Fine' }).expect(200);
      expect((await marketer.get(`/api/posts/${post.body.id}`).expect(200)).body.status).toBe('scheduled');
      const edited = await marketer.patch(`/api/posts/${post.body.id}`, { options: { mastodon: { spoilerText: 'Now behind a warning' } } }).expect(200);
      expect(edited.body).toMatchObject({ status: 'pending_approval', contentVersion: 2, options: { mastodon: { spoilerText: 'Now behind a warning' } } });
    } finally {
      await t.admin.put('/api/approval-policy', { approvalsRequired: 0, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 }).expect(200);
    }
  });
});
