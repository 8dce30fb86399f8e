// Connecting Bluesky with a handle and an app password, and Telegram with a bot token and a chat (issue 15):
// checked against the (fake) platform before anything is kept, each refusal saying what to do, secrets never shown.
import { ChannelsService } from '../src/channels/channels.service';
import { NetworkPolicy } from '../src/common/network-policy';
import { FakeBlueskyPds } from './fakes/bluesky-pds';
import { FakeTelegramApi } from './fakes/telegram-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface ChannelBody {
  id: string;
  platform: string;
  name: string;
  handle: string;
  accountId: string | null;
  status: string;
  credentialFields: string[];
}

describe('connecting Bluesky and Telegram without a sign-in page', () => {
  let pds: FakeBlueskyPds;
  let telegram: FakeTelegramApi;
  let t: TestApp;
  let marketer: Caller;
  /** Every secret a test handed over, and every answer the API gave: no answer and no log line may hold one. */
  const secrets: string[] = [];
  const answers: string[] = [];

  beforeAll(async () => {
    [pds, telegram] = await Promise.all([FakeBlueskyPds.start(), FakeTelegramApi.start()]);
    // One fake plays the handle resolver, the PLC directory and the PDS.
    t = await TestApp.start({
      env: { BLUESKY_SERVICE_URL: pds.url, BLUESKY_PLC_URL: pds.url, TELEGRAM_API_URL: telegram.url, DISPATCH_TICK_MS: '100', DISPATCH_SEND_TIMEOUT_MS: '2000' },
      captureLogs: true,
    });
    marketer = await t.member('marketer');
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([pds.close(), telegram.close()]);
  });

  async function connect(platform: 'bluesky' | 'telegram', body: Record<string, unknown>, caller: Caller = t.admin): Promise<{ status: number; body: Record<string, unknown> }> {
    for (const key of ['appPassword', 'botToken']) {
      if (typeof body[key] === 'string' && body[key].length >= 8) {
        secrets.push(body[key]);
      }
    }
    const res = await caller.post(`/api/channels/connect/${platform}`, body);
    answers.push(JSON.stringify(res.body));
    return { status: res.status, body: res.body as Record<string, unknown> };
  }

  async function connected(platform: 'bluesky' | 'telegram', body: Record<string, unknown>): Promise<{ channel: ChannelBody; reconnected: boolean }> {
    const res = await connect(platform, body);
    expect({ status: res.status, message: res.body.message }).toEqual({ status: 201, message: undefined });
    return res.body as unknown as { channel: ChannelBody; reconnected: boolean };
  }

  async function refused(platform: 'bluesky' | 'telegram', body: Record<string, unknown>, status = 400): Promise<string> {
    const before = await channelCount();
    const res = await connect(platform, body);
    expect(res.status).toBe(status);
    expect(await channelCount()).toBe(before);
    return String(res.body.message);
  }

  async function channelCount(): Promise<number> {
    const [{ count }] = await t.sql<{ count: string }>('SELECT count(*) FROM channels WHERE deleted_at IS NULL');
    return Number(count);
  }

  async function publishedThrough(channelId: string, text: string): Promise<{ state: string; lastError: string | null }> {
    const post = (await marketer.post('/api/posts', { text, channelIds: [channelId], publishNow: true }).expect(201)).body as { id: string };
    return waitFor(`post ${post.id} to settle`, async () => {
      const [delivery] = ((await marketer.get(`/api/posts/${post.id}`).expect(200)).body as { deliveries: { state: string; lastError: string | null }[] }).deliveries;
      return ['published', 'failed', 'needs_verification'].includes(delivery.state) ? delivery : undefined;
    });
  }

  const stored = (channelId: string): Promise<Record<string, string>> => t.app.get(ChannelsService).credentialsOf(channelId);

  describe('Bluesky', () => {
    it('resolves the handle to its DID and PDS, checks the app password there, keeps the DID, and publishes through the channel', async () => {
      const credentials = pds.account('cafe.bsky.social');
      const account = pds.accountFor('cafe.bsky.social')!;
      const requestsBefore = pds.requests.length;

      const { channel, reconnected } = await connected('bluesky', { handle: '@cafe.bsky.social', appPassword: credentials.appPassword });

      expect(reconnected).toBe(false);
      expect(channel).toMatchObject({ platform: 'bluesky', name: 'cafe.bsky.social', handle: '@cafe.bsky.social', accountId: account.did, status: 'active' });
      expect(channel.credentialFields).toEqual(['appPassword', 'identifier', 'serviceUrl']);
      expect(await stored(channel.id)).toEqual({ identifier: account.did, appPassword: credentials.appPassword, serviceUrl: pds.url });
      const asked = pds.requests.slice(requestsBefore);
      expect(asked.map((r) => r.route)).toEqual([
        'GET /xrpc/com.atproto.identity.resolveHandle',
        'GET /{did}',
        'POST /xrpc/com.atproto.server.createSession',
        'POST /xrpc/com.atproto.server.deleteSession',
      ]);
      expect(asked[0].query.get('handle')).toBe('cafe.bsky.social');
      expect(asked[1].path).toBe(`/${account.did}`);
      expect(asked[2].body).toEqual({ identifier: account.did, password: credentials.appPassword });
      // The check's own session is ended: only the app password is kept.
      expect(pds.liveSessions(credentials)).toBe(0);

      const delivery = await publishedThrough(channel.id, 'Autumn menu is out');
      expect(delivery).toMatchObject({ state: 'published', lastError: null });
      expect(pds.records.filter((r) => r.repo === account.did).map((r) => r.record.text)).toEqual(['Autumn menu is out']);
    });

    it('takes a DID instead of a handle (no handle lookup) and a privileged app password', async () => {
      const credentials = pds.account('bakery.bsky.social', { privileged: true });
      const { did } = pds.accountFor('bakery.bsky.social')!;
      const lookups = pds.requestsTo('GET /xrpc/com.atproto.identity.resolveHandle').length;

      const { channel } = await connected('bluesky', { handle: did, appPassword: credentials.appPassword });

      expect(pds.requestsTo('GET /xrpc/com.atproto.identity.resolveHandle')).toHaveLength(lookups);
      expect(channel).toMatchObject({ accountId: did, handle: '@bakery.bsky.social', name: 'bakery.bsky.social' });
      const verified = await t.admin.post(`/api/channels/${channel.id}/verify`).expect(200);
      expect(verified.body).toMatchObject({ ok: true, account: { accountId: did, handle: '@bakery.bsky.social' } });
    });

    it('reads a did:web document from its own host', async () => {
      const web = await FakeBlueskyPds.start();
      const policy = t.app.get(NetworkPolicy);
      const original = policy.resolve;
      // did:web:localhost%3A<port> is read over http from localhost (as atproto does); played on loopback.
      policy.resolve = (hostname) => (hostname === 'localhost' ? Promise.resolve([{ address: '127.0.0.1', family: 4 }]) : original(hostname));
      try {
        const credentials = web.account('studio.example.com', { didWeb: true });
        const { did } = web.accountFor('studio.example.com')!;
        expect(did).toBe(`did:web:localhost%3A${new URL(web.url).port}`);

        const { channel } = await connected('bluesky', { handle: did, appPassword: credentials.appPassword });

        expect(web.requestsTo('GET /.well-known/did.json')).toHaveLength(1);
        expect(channel).toMatchObject({ accountId: did, handle: '@studio.example.com' });
        expect(await stored(channel.id)).toMatchObject({ identifier: did, serviceUrl: web.url });
      } finally {
        policy.resolve = original;
        await web.close();
      }
    });

    it('connecting the same account again reconnects its channel instead of adding a second one', async () => {
      const credentials = pds.account('twice.bsky.social');
      const first = await connected('bluesky', { handle: 'twice.bsky.social', appPassword: credentials.appPassword });
      const count = await channelCount();

      const second = await connected('bluesky', { handle: 'TWICE.bsky.social', appPassword: credentials.appPassword });

      expect(second).toMatchObject({ reconnected: true, channel: { id: first.channel.id } });
      expect(await channelCount()).toBe(count);
    });

    it('reconnects a named channel with a new app password after the old one was revoked; its posts go out again', async () => {
      const credentials = pds.account('revoked.bsky.social');
      const { channel } = await connected('bluesky', { handle: 'revoked.bsky.social', appPassword: credentials.appPassword });
      pds.revoke(credentials);
      const check = await t.admin.post(`/api/channels/${channel.id}/verify`).expect(200);
      expect(check.body).toMatchObject({ ok: false, kind: 'auth_expired' });
      const newPassword = pds.accountFor('revoked.bsky.social')!.appPassword;

      const again = await connected('bluesky', { handle: 'revoked.bsky.social', appPassword: newPassword, channelId: channel.id });

      expect(again).toMatchObject({ reconnected: true, channel: { id: channel.id, status: 'active' } });
      expect((await stored(channel.id)).appPassword).toBe(newPassword);
      expect(await publishedThrough(channel.id, 'Back online')).toMatchObject({ state: 'published' });
    });

    it('refuses to reconnect a channel with another account, or a channel of another platform', async () => {
      const mine = pds.account('mine.bsky.social');
      const other = pds.account('other.bsky.social');
      const { channel } = await connected('bluesky', { handle: 'mine.bsky.social', appPassword: mine.appPassword });

      const message = await refused('bluesky', { handle: 'other.bsky.social', appPassword: other.appPassword, channelId: channel.id });

      expect(message).toContain('@other.bsky.social');
      expect(message).toContain('@mine.bsky.social');
      expect((await stored(channel.id)).appPassword).toBe(mine.appPassword);
      const tg = await connected('telegram', telegram.publicChannel());
      const asked = pds.requests.length;
      expect(await refused('bluesky', { handle: 'other.bsky.social', appPassword: other.appPassword, channelId: tg.channel.id })).toBe(
        `Channel ${tg.channel.id} is a telegram channel, not bluesky: reconnect it with POST /api/channels/connect/telegram`,
      );
      expect(await refused('bluesky', { handle: 'other.bsky.social', appPassword: other.appPassword, channelId: '0b0e8f9c-3a55-4c61-9d0e-2f1a4b3c5d6e' })).toBe(
        'channelId: Channel 0b0e8f9c-3a55-4c61-9d0e-2f1a4b3c5d6e not found in this workspace',
      );
      expect(pds.requests).toHaveLength(asked);
    });

    it('says when no account has the handle', async () => {
      expect(await refused('bluesky', { handle: 'nobody-here.bsky.social', appPassword: 'zzzz-yyyy-xxxx-wwww' })).toBe(
        'No Bluesky account has the handle @nobody-here.bsky.social: check its spelling (it is on the profile, such as brand.bsky.social)',
      );
    });

    it('says the app password was refused, and where to make one', async () => {
      pds.account('typo.bsky.social');
      const message = await refused('bluesky', { handle: 'typo.bsky.social', appPassword: 'wxyz-wxyz-wxyz-wxyz' });
      expect(message).toContain('The app password was refused for @typo.bsky.social: make one in Bluesky → Settings → Privacy and security → App passwords');
    });

    it("refuses the account's main password, ends the session it opened, and keeps nothing", async () => {
      const credentials = pds.account('main.bsky.social');
      const mainPassword = pds.mainPasswordOf(credentials);
      secrets.push(mainPassword);

      const message = await refused('bluesky', { handle: 'main.bsky.social', appPassword: mainPassword });

      expect(message).toContain('use an app password, not the account password');
      expect(pds.requestsTo('POST /xrpc/com.atproto.server.createSession').at(-1)!.body).toEqual({ identifier: pds.accountFor('main.bsky.social')!.did, password: mainPassword });
      expect(pds.liveSessions(credentials)).toBe(0);
      const [{ count }] = await t.sql<{ count: string }>(`SELECT count(*) FROM channels WHERE account_id = $1`, [pds.accountFor('main.bsky.social')!.did]);
      expect(count).toBe('0');
    });

    it('says when the account was taken down, deactivated or deleted', async () => {
      const takendown = pds.account('gone.bsky.social');
      pds.setState(takendown, 'takendown');
      expect(await refused('bluesky', { handle: 'gone.bsky.social', appPassword: takendown.appPassword })).toBe(
        '@gone.bsky.social was taken down by its PDS: it cannot post until the takedown is lifted',
      );
      const resting = pds.account('resting.bsky.social');
      pds.setState(resting, 'deactivated');
      expect(await refused('bluesky', { handle: 'resting.bsky.social', appPassword: resting.appPassword })).toBe(
        '@resting.bsky.social is deactivated on its PDS: it cannot post until it is active again (reactivate it in Bluesky)',
      );
      const deleted = pds.account('deleted.bsky.social');
      pds.setState(deleted, 'tombstoned');
      expect(await refused('bluesky', { handle: 'deleted.bsky.social', appPassword: deleted.appPassword })).toContain('was deleted');
    });

    it('says what is wrong with a malformed handle, or a missing app password', async () => {
      expect(await refused('bluesky', { handle: 'not a handle', appPassword: 'zzzz-yyyy-xxxx-wwww' })).toContain('handle must be a handle such as brand.bsky.social or a DID');
      expect(await refused('bluesky', { handle: 'brand.bsky.social' })).toBe(
        'appPassword is required: an app password made in Bluesky → Settings → Privacy and security → App passwords, such as abcd-efgh-ijkl-mnop (at most 200 characters)',
      );
      expect(await refused('bluesky', { handle: 'brand.bsky.social', appPassword: '' })).toContain('appPassword is required');
    });

    it('answers 502, not a 5xx of its own, when the PDS is down, and keeps nothing', async () => {
      const credentials = pds.account('outage.bsky.social');
      pds.failNext('POST /xrpc/com.atproto.server.createSession', { status: 503 });
      const message = await refused('bluesky', { handle: 'outage.bsky.social', appPassword: credentials.appPassword }, 502);
      expect(message).toBe(`The PDS at ${pds.url} answered 503 to the sign-in: nothing was connected; try again in a while`);
    });

    it("answers 429 when the PDS limits sign-ins", async () => {
      const credentials = pds.account('busy.bsky.social');
      pds.failNext('POST /xrpc/com.atproto.server.createSession', { status: 429 });
      expect(await refused('bluesky', { handle: 'busy.bsky.social', appPassword: credentials.appPassword }, 429)).toBe(
        'The PDS of @busy.bsky.social limits sign-ins (30 per 5 minutes, 300 a day): try again later',
      );
    });
  });

  describe('Telegram', () => {
    it('checks the bot may post to a public channel, keeps its numeric id, and publishes there even after the @username changes', async () => {
      const credentials = telegram.publicChannel('brand_news_tg', 'Brand News');
      const chat = telegram.chatFor('@brand_news_tg')!;

      const { channel, reconnected } = await connected('telegram', credentials);

      expect(reconnected).toBe(false);
      expect(channel).toMatchObject({ platform: 'telegram', name: 'Brand News', handle: '@brand_news_tg', accountId: String(chat.id), status: 'active' });
      expect(await stored(channel.id)).toEqual({ botToken: credentials.botToken, chatId: String(chat.id) });
      const member = telegram.requestsTo('POST /bot{token}/getChatMember').at(-1)!;
      expect(member.body).toEqual({ chat_id: chat.id, user_id: telegram.botIdOf(credentials.botToken) });

      telegram.rename('@brand_news_tg', 'brand_news_renamed');
      expect(await publishedThrough(channel.id, 'Fresh bread at 7')).toMatchObject({ state: 'published' });
      expect(telegram.messages.filter((m) => m.chatId === chat.id).map((m) => m.text)).toEqual(['Fresh bread at 7']);
    });

    it('connects a private channel by its numeric id, a t.me link, and a group the bot is a member of', async () => {
      const hidden = telegram.privateChannel('Brand Staff');
      const { channel } = await connected('telegram', hidden);
      expect(channel).toMatchObject({ name: 'Brand Staff', handle: 'Brand Staff', accountId: hidden.chatId });

      const linked = telegram.publicChannel('brand_linked');
      const viaLink = await connected('telegram', { botToken: linked.botToken, chatId: 'https://t.me/brand_linked' });
      expect(viaLink.channel.handle).toBe('@brand_linked');

      const group = telegram.chatWithBot({ type: 'supergroup', title: 'Brand Team', member: { status: 'member' } });
      const inGroup = await connected('telegram', group);
      expect(inGroup.channel).toMatchObject({ name: 'Brand Team', accountId: group.chatId });
      const verified = await t.admin.post(`/api/channels/${inGroup.channel.id}/verify`).expect(200);
      expect(verified.body).toMatchObject({ ok: true });
    });

    it('keeps the supergroup a group was upgraded to, not the old group', async () => {
      const group = telegram.chatWithBot({ type: 'group', title: 'Brand Crew', member: { status: 'member' } });
      const upgraded = telegram.migrate(group.chatId);

      const { channel } = await connected('telegram', group);

      expect(channel).toMatchObject({ name: 'Brand Crew', accountId: String(upgraded) });
      expect(await publishedThrough(channel.id, 'Crew meeting at 9')).toMatchObject({ state: 'published' });
      expect(telegram.messages.at(-1)).toMatchObject({ chatId: upgraded, text: 'Crew meeting at 9' });
    });

    it('connecting the same chat again reconnects its channel; naming the channel switches it to another bot', async () => {
      const credentials = telegram.publicChannel('brand_again');
      const first = await connected('telegram', credentials);
      const count = await channelCount();

      const again = await connected('telegram', { botToken: credentials.botToken, chatId: first.channel.accountId });
      expect(again).toMatchObject({ reconnected: true, channel: { id: first.channel.id } });
      expect(await channelCount()).toBe(count);

      // The old token is revoked; a new bot, made an administrator of the same channel, takes over.
      telegram.revoke(credentials.botToken);
      const newToken = telegram.bot();
      telegram.setMember({ botToken: newToken, chatId: '@brand_again' }, { status: 'administrator', can_post_messages: true });
      const switched = await connected('telegram', { botToken: newToken, chatId: '@brand_again', channelId: first.channel.id });

      expect(switched).toMatchObject({ reconnected: true, channel: { id: first.channel.id } });
      expect((await stored(first.channel.id)).botToken).toBe(newToken);
      expect(await publishedThrough(first.channel.id, 'New bot, same channel')).toMatchObject({ state: 'published' });
      expect(telegram.messages.at(-1)).toMatchObject({ text: 'New bot, same channel', botId: telegram.botIdOf(newToken) });
    });

    it('refuses to reconnect a channel with another chat', async () => {
      const { channel } = await connected('telegram', telegram.publicChannel('brand_first'));
      const other = telegram.publicChannel('brand_second');
      const message = await refused('telegram', { ...other, channelId: channel.id });
      expect(message).toContain('@brand_second');
      expect(message).toContain('@brand_first');
    });

    it('says what the bot is missing in a channel: administrator, or the Post messages right', async () => {
      const plain = telegram.chatWithBot({ type: 'channel', title: 'Brand News', username: 'brand_plain', member: { status: 'member' } });
      const plainBot = `@holdfast_${telegram.botIdOf(plain.botToken)}_bot`;
      expect(await refused('telegram', plain)).toBe(`${plainBot} is not an administrator of Brand News: add it as an administrator with 'Post messages'`);

      const absent = telegram.chatWithBot({ type: 'channel', title: 'Brand Public', username: 'brand_absent' });
      expect(await refused('telegram', absent)).toContain("is not an administrator of Brand Public: add it as an administrator with 'Post messages'");

      const mute = telegram.chatWithBot({ type: 'channel', title: 'Brand News', username: 'brand_mute', member: { status: 'administrator', can_post_messages: false } });
      expect(await refused('telegram', mute)).toBe(
        `@holdfast_${telegram.botIdOf(mute.botToken)}_bot is an administrator of Brand News without 'Post messages': turn on 'Post messages' in its administrator rights`,
      );
    });

    it('says when the bot may not send in a group: restricted, banned, members muted', async () => {
      const restricted = telegram.chatWithBot({ type: 'supergroup', title: 'Brand Team', member: { status: 'restricted', is_member: true, can_send_messages: false } });
      expect(await refused('telegram', restricted)).toContain('is restricted in Brand Team and may not send messages');

      const banned = telegram.chatWithBot({ type: 'group', title: 'Brand Team', username: 'brand_team_pub', member: { status: 'kicked' } });
      expect(await refused('telegram', banned)).toContain('was removed from Brand Team and is banned there');

      const muted = telegram.chatWithBot({ type: 'supergroup', title: 'Quiet Team', member: { status: 'member' }, membersMaySend: false });
      expect(await refused('telegram', muted)).toContain('Members of Quiet Team may not send messages');
    });

    it('says when the bot cannot see the chat, or the chat is a private chat with a person', async () => {
      const unseen = telegram.chatWithBot({ type: 'supergroup', title: 'Secret Team' });
      const message = await refused('telegram', unseen);
      expect(message).toContain(`cannot see the chat ${unseen.chatId} (Telegram: chat not found)`);
      expect(await refused('telegram', { botToken: telegram.bot(), chatId: '@no_such_channel' })).toContain('cannot see the chat @no_such_channel');

      const person = telegram.privateChat('Alice');
      expect(await refused('telegram', person)).toContain(`${person.chatId} is a private chat with Alice, not a channel or group`);
    });

    it('says the token was refused when it is revoked, and names the shape when it is malformed (without asking Telegram)', async () => {
      const credentials = telegram.publicChannel('brand_revoked');
      telegram.revoke(credentials.botToken);
      expect(await refused('telegram', credentials)).toBe('Telegram refused the bot token (revoked or mistyped): copy it again from @BotFather (/mybots → the bot → API Token)');

      const asked = telegram.requests.length;
      expect(await refused('telegram', { botToken: 'not-a-token', chatId: '@brand_news' })).toBe(
        'botToken must be the token @BotFather gave, shaped <digits>:<30+ letters, digits, _ or -> (such as 123456789:AAE…)',
      );
      expect(await refused('telegram', { botToken: telegram.bot(), chatId: 'brand news!' })).toContain('chatId must be the channel or group');
      expect(await refused('telegram', { chatId: '@brand_news' })).toBe('botToken is required: the token @BotFather gave, such as 123456789:AAE… (at most 200 characters)');
      expect(telegram.requests).toHaveLength(asked);
    });

    it('answers 502 when Telegram is down, and keeps nothing', async () => {
      const credentials = telegram.publicChannel('brand_outage');
      telegram.failNext('POST /bot{token}/getMe', { status: 502 });
      expect(await refused('telegram', credentials, 502)).toBe('Telegram answered 502 to getMe: nothing was connected; try again in a while');
      telegram.failNext('POST /bot{token}/getChat', { status: 429, retryAfter: 7 });
      expect(await refused('telegram', credentials, 429)).toBe("Telegram limits this bot's requests right now: try again in 7 s");
    });
  });

  it('lets only admins connect', async () => {
    const account = pds.account('marketing.bsky.social');
    const bluesky = await connect('bluesky', { handle: 'marketing.bsky.social', appPassword: account.appPassword }, marketer);
    const tg = await connect('telegram', telegram.publicChannel('brand_marketing'), marketer);
    expect([bluesky.status, tg.status]).toEqual([403, 403]);
  });

  it('never shows an app password or a bot token in an answer or a log line', () => {
    expect(secrets.length).toBeGreaterThan(10);
    expect(answers.length).toBeGreaterThan(20);
    for (const secret of secrets) {
      expect(answers.filter((answer) => answer.includes(secret))).toEqual([]);
      expect(t.logs.filter((line) => line.includes(secret))).toEqual([]);
    }
    // The bot tokens' secret halves too (the part after the colon), whatever form a log line would take.
    for (const secret of secrets.filter((s) => /^\d+:/.test(s))) {
      const half = secret.split(':')[1];
      expect(t.logs.filter((line) => line.includes(half))).toEqual([]);
    }
  });
});

describe('connecting Bluesky when private networks are refused (ALLOW_PRIVATE_NETWORK=false)', () => {
  let pds: FakeBlueskyPds;
  let t: TestApp;

  beforeAll(async () => {
    pds = await FakeBlueskyPds.start();
    // The resolver and the PLC directory are the operator's (trusted on loopback); the PDS a DID document names is not.
    t = await TestApp.start({ env: { ALLOW_PRIVATE_NETWORK: 'false', BLUESKY_SERVICE_URL: pds.url, BLUESKY_PLC_URL: pds.url, DISPATCH_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await t.close();
    await pds.close();
  });

  it('refuses a PDS whose name resolves to a private address, without connecting to it', async () => {
    const credentials = pds.account('inside.bsky.social', { pdsUrl: 'https://pds.internal.example.test' });
    const policy = t.app.get(NetworkPolicy);
    const original = policy.resolve;
    const asked: string[] = [];
    policy.resolve = (hostname) => {
      asked.push(hostname);
      return Promise.resolve(hostname === 'pds.internal.example.test' ? [{ address: '10.0.0.1', family: 4 }] : []);
    };
    try {
      const res = await t.admin.post('/api/channels/connect/bluesky', { handle: 'inside.bsky.social', appPassword: credentials.appPassword }).expect(400);
      expect(res.body.message).toBe('The PDS at https://pds.internal.example.test is refused: the address is private');
      expect(asked).toEqual(['pds.internal.example.test']);
      expect(JSON.stringify(res.body)).not.toContain(credentials.appPassword);
    } finally {
      policy.resolve = original;
    }
    expect(pds.requestsTo('POST /xrpc/com.atproto.server.createSession')).toEqual([]);
    expect((await t.admin.get('/api/channels').expect(200)).body).toEqual([]);
  });

  it('refuses a PDS on a literal private address, or over plain http', async () => {
    const literal = pds.account('literal.bsky.social', { pdsUrl: 'https://10.0.0.1' });
    const res = await t.admin.post('/api/channels/connect/bluesky', { handle: 'literal.bsky.social', appPassword: literal.appPassword }).expect(400);
    expect(res.body.message).toContain('must point at a public address, not 10.0.0.1');

    const plain = pds.account('plain.bsky.social', { pdsUrl: 'http://pds.example.com' });
    const http = await t.admin.post('/api/channels/connect/bluesky', { handle: 'plain.bsky.social', appPassword: plain.appPassword }).expect(400);
    expect(http.body.message).toContain('does not use https');
    expect(pds.requestsTo('POST /xrpc/com.atproto.server.createSession')).toEqual([]);
  });
});
