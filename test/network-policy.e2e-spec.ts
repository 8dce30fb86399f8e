// Inside stays inside (PRODUCT.md guarantee 8): no URL a user gives makes the service reach loopback, private
// or link-local addresses, whether the URL names them, a DNS answer does, or a redirect does. Every fake
// listens on loopback; private answers come from a stubbed lookup, and a tripwire proves no connection to a
// non-loopback address is even attempted.
import axios from 'axios';
import { createServer, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { NetworkPolicy } from '../src/common/network-policy';
import { downloadImage } from '../src/publishers/image-download';
import { PublishError } from '../src/publishers/publisher.port';
import { FakeBlueskyPds } from './fakes/bluesky-pds';
import { FakeMastodonApi } from './fakes/mastodon-api';
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface DeliveryBody {
  state: string;
  lastError: string | null;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** Every address a socket of this process tries to connect to, from the moment it is installed. */
function connectionTripwire(): { attempted: string[]; restore: () => void } {
  const attempted: string[] = [];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the socket as `this` below
  const original = Socket.prototype.connect as (this: Socket, ...args: unknown[]) => Socket;
  const spy = jest.spyOn(Socket.prototype, 'connect').mockImplementation(function (this: Socket, ...args: unknown[]) {
    this.on('connectionAttempt', (ip: string) => {
      attempted.push(ip);
      if (!LOOPBACK.test(ip)) {
        this.destroy(new Error(`tripwire: a connection to ${ip} was attempted`));
      }
    });
    return original.apply(this, args);
  });
  return { attempted, restore: () => spy.mockRestore() };
}

/** A stand-in for an internal endpoint (a metadata service, an admin panel): it counts who reached it. */
async function internalEndpoint(host = '127.0.0.1'): Promise<{ server: Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'image/png' }).end('secret');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}`, hits };
}

describe('user-given URLs never reach inside (ALLOW_PRIVATE_NETWORK=false)', () => {
  let x: FakeXApi;
  let mastodon: FakeMastodonApi;
  let bluesky: FakeBlueskyPds;
  let t: TestApp;
  /** Another instance on the same database that allows private networks and sends nothing: rows made before the policy. */
  let permissive: TestApp;
  let marketer: Caller;
  let xChannelId: string;

  beforeAll(async () => {
    [x, mastodon, bluesky] = await Promise.all([FakeXApi.start(), FakeMastodonApi.start(), FakeBlueskyPds.start()]);
    // The operator's platform base URL stays trusted even on loopback.
    t = await TestApp.start({ env: { ALLOW_PRIVATE_NETWORK: 'false', X_API_URL: x.url, DISPATCH_TICK_MS: '100', DISPATCH_MAX_ATTEMPTS: '3', WEBHOOK_TICK_MS: '100' } });
    permissive = await TestApp.start({ sameDatabaseAs: t, env: { ALLOW_PRIVATE_NETWORK: 'true', DISPATCH_ENABLED: 'false' } });
    marketer = await t.member('marketer');
    xChannelId = (await t.admin.post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials: x.oauth2Credentials() }).expect(201)).body.id;
  });
  afterAll(async () => {
    await permissive.close();
    await t.close();
    await Promise.all([x.close(), mastodon.close(), bluesky.close()]);
  });

  async function settled(postId: string, caller = marketer): Promise<DeliveryBody[]> {
    return waitFor(`post ${postId} to settle`, async () => {
      const { deliveries } = (await caller.get(`/api/posts/${postId}`).expect(200)).body as { deliveries: DeliveryBody[] };
      return deliveries.every((d) => ['published', 'failed', 'needs_verification'].includes(d.state)) ? deliveries : undefined;
    });
  }

  it('refuses at create time (400) an image URL naming loopback in any spelling, a private or link-local address, or another scheme', async () => {
    const inside = await internalEndpoint();
    const port = new URL(inside.url).port;
    try {
      for (const url of [
        `http://127.0.0.1:${port}/a.png`,
        `http://localhost:${port}/a.png`,
        `http://[::ffff:127.0.0.1]:${port}/a.png`,
        `http://0x7f000001:${port}/a.png`,
        `http://2130706433:${port}/a.png`,
        `http://[::1]:${port}/a.png`,
        'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
        'http://10.0.0.1/a.png',
        'http://[fd00::1]/a.png',
      ]) {
        const res = await marketer.post('/api/posts', { text: 'Autumn menu', channelIds: [xChannelId], publishNow: true, imageUrls: [url] });
        expect({ url, status: res.status }).toEqual({ url, status: 400 });
        expect(JSON.stringify(res.body.message)).toContain('each of imageUrls must point at a public address');
      }
      const file = await marketer.post('/api/posts', { text: 'Autumn menu', channelIds: [xChannelId], publishNow: true, imageUrls: ['file:///etc/passwd'] }).expect(400);
      expect(JSON.stringify(file.body.message)).toContain('imageUrls must be an http(s) URL');
      // An edit is held to the same rule.
      const post = (await marketer.post('/api/posts', { text: 'Later', channelIds: [xChannelId], scheduledAt: new Date(Date.now() + 86_400_000).toISOString() }).expect(201)).body;
      await marketer.patch(`/api/posts/${post.id}`, { imageUrls: [`http://localhost:${port}/a.png`] }).expect(400);
      expect(inside.hits).toEqual([]);
    } finally {
      inside.server.close();
    }
  });

  it('never fetches an image from inside, even for a post made before the policy, and says only that it was refused', async () => {
    const inside = await internalEndpoint();
    const tripwire = connectionTripwire();
    try {
      const before = await permissive.member('marketer');
      const post = (await before.post('/api/posts', { text: 'Old post', channelIds: [xChannelId], publishNow: true, imageUrls: [`${inside.url}/internal/status`] }).expect(201)).body;
      const [delivery] = await settled(post.id, t.admin);
      expect(delivery.state).toBe('failed');
      expect(delivery.lastError).toContain('refused: the address is private');
      // Nothing about what answers there: no status, no content type.
      expect(delivery.lastError).not.toMatch(/HTTP|image\/png|200/);
      expect(inside.hits).toEqual([]);
      expect(x.tweets.filter((tweet) => tweet.text === 'Old post')).toEqual([]);
    } finally {
      tripwire.restore();
      inside.server.close();
    }
  });

  it('refuses a name whose DNS answer is private (10.0.0.1, 169.254.169.254, fd00::1, 127.0.0.1) before connecting', async () => {
    const policy = t.app.get(NetworkPolicy);
    const answers: Record<string, { address: string; family: number }[]> = {
      'internal.example.test': [{ address: '10.0.0.1', family: 4 }],
      'metadata.example.test': [{ address: '169.254.169.254', family: 4 }],
      'ula.example.test': [{ address: 'fd00::1', family: 6 }],
      // One public answer does not launder a private one: the name is refused if any address is inside.
      'mixed.example.test': [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }],
      'hooks.example.test': [{ address: '10.0.0.1', family: 4 }],
    };
    const asked: string[] = [];
    const original = policy.resolve;
    policy.resolve = (hostname) => {
      asked.push(hostname);
      return Promise.resolve(answers[hostname] ?? []);
    };
    const tripwire = connectionTripwire();
    try {
      const ids: string[] = [];
      for (const host of Object.keys(answers).filter((name) => !name.startsWith('hooks'))) {
        const res = await marketer.post('/api/posts', { text: `Via ${host}`, channelIds: [xChannelId], publishNow: true, imageUrls: [`http://${host}/a.png`] }).expect(201);
        ids.push(res.body.id);
      }
      for (const id of ids) {
        const [delivery] = await settled(id);
        expect(delivery).toMatchObject({ state: 'failed', lastError: expect.stringContaining('refused: the address is private') });
      }
      // A webhook whose receiver's name resolves inside: the attempt is refused the same way.
      const hook = (await t.admin.post('/api/webhooks', { url: 'http://hooks.example.test/in', eventTypes: ['webhook.test'] }).expect(201)).body;
      await t.admin.post(`/api/webhooks/${hook.id}/test`).expect(202);
      const attempt = await waitFor('the webhook attempt', async () => {
        const { items } = (await t.admin.get(`/api/webhooks/${hook.id}/deliveries`).expect(200)).body as { items: { attempts: number; lastError: string | null }[] };
        return items[0]?.attempts > 0 && items[0].lastError ? items[0] : undefined;
      });
      expect(attempt.lastError).toBe('not sent: refused: the address is private');
      expect(new Set(asked)).toEqual(new Set(Object.keys(answers)));
      expect(tripwire.attempted.filter((ip) => !LOOPBACK.test(ip))).toEqual([]);
    } finally {
      tripwire.restore();
      policy.resolve = original;
    }
  });

  it('refuses a Mastodon instanceUrl or a Bluesky serviceUrl on a private address when connected, and never reaches one given earlier', async () => {
    for (const instanceUrl of [mastodon.url, mastodon.url.replace('127.0.0.1', 'localhost'), 'http://[::1]:3000', 'https://192.168.1.10']) {
      const res = await t.admin.post('/api/channels', { platform: 'mastodon', name: 'M', handle: '@m', credentials: { instanceUrl, accessToken: 'token-1' } }).expect(400);
      expect(JSON.stringify(res.body)).toContain('credentials.instanceUrl must point at a public address');
    }
    const pds = await t.admin.post('/api/channels', { platform: 'bluesky', name: 'B', handle: '@b', credentials: bluesky.account() }).expect(400);
    expect(JSON.stringify(pds.body)).toContain('credentials.serviceUrl must point at a public address');

    // Channels connected before the policy (or by an instance that allows private networks).
    const m = (await permissive.admin.post('/api/channels', { platform: 'mastodon', name: 'M', handle: '@m', credentials: mastodon.credentials() }).expect(201)).body.id;
    const b = (await permissive.admin.post('/api/channels', { platform: 'bluesky', name: 'B', handle: '@b', credentials: bluesky.account() }).expect(201)).body.id;
    const tripwire = connectionTripwire();
    try {
      for (const id of [m, b]) {
        const verified = await t.admin.post(`/api/channels/${id}/verify`).expect(200);
        expect(verified.body).toMatchObject({ ok: false });
        expect(verified.body.reason).toContain('refused: the address is private');
      }
      const post = (await marketer.post('/api/posts', { text: 'To the fediverse', channelIds: [m, b], publishNow: true }).expect(201)).body;
      const deliveries = await settled(post.id);
      expect(deliveries.map((d) => d.state)).toEqual(['failed', 'failed']);
      deliveries.forEach((d) => expect(d.lastError).toContain('refused: the address is private'));
      expect(mastodon.requests).toEqual([]);
      expect(bluesky.requests).toEqual([]);
    } finally {
      tripwire.restore();
    }
  });
});

describe('image redirects are checked hop by hop', () => {
  // 127.0.0.1 plays a public image host; 127.0.0.2 stands for the inside.
  const policy = new NetworkPolicy({ allowPrivate: false, isPublic: (address) => address === '127.0.0.1' });
  const limits = { mediaTypes: ['image/png'], maxBytes: 1000, timeoutMs: 5000 };
  let cdn: Server;
  let cdnUrl: string;
  let inside: Awaited<ReturnType<typeof internalEndpoint>>;
  let location = '';

  beforeAll(async () => {
    inside = await internalEndpoint('127.0.0.2');
    cdn = createServer((req, res) => {
      if (req.url === '/final.png') {
        res.writeHead(200, { 'Content-Type': 'image/png' }).end('png');
      } else if (req.url === '/hop') {
        res.writeHead(302, { Location: '/final.png' }).end();
      } else {
        res.writeHead(302, { Location: location }).end();
      }
    });
    await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
    cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    cdn.close();
    inside.server.close();
    await policy.onApplicationShutdown();
  });

  it('follows redirects between public addresses', async () => {
    const image = await downloadImage(policy, `${cdnUrl}/hop`, limits);
    expect(image).toEqual({ bytes: Buffer.from('png'), mediaType: 'image/png' });
  });

  it('connects to a name whose every address is public, through fetch and through the node agents', async () => {
    policy.resolve = (hostname) => Promise.resolve(hostname === 'cdn.example.test' ? [{ address: '127.0.0.1', family: 4 }] : []);
    const named = cdnUrl.replace('127.0.0.1', 'cdn.example.test');
    expect(await downloadImage(policy, `${named}/hop`, limits)).toEqual({ bytes: Buffer.from('png'), mediaType: 'image/png' });
    const { httpAgent } = policy.nodeAgents();
    const answer = await axios.get<string>(`${named}/final.png`, { httpAgent, proxy: false, responseType: 'text' });
    expect(answer.data).toBe('png');
    policy.resolve = (hostname) => Promise.resolve(hostname === 'cdn.example.test' ? [{ address: '127.0.0.2', family: 4 }] : []);
    await expect(axios.get(`${named}/final.png`, { httpAgent, proxy: false })).rejects.toThrow('refused: the address is private');
  });

  it('refuses a redirect to a private address, literal or resolved, or to another scheme, without reaching it', async () => {
    const insidePort = new URL(inside.url).port;
    policy.resolve = (hostname) => Promise.resolve(hostname === 'inside.example.test' ? [{ address: '127.0.0.2', family: 4 }] : []);
    const tripwire = connectionTripwire();
    try {
      for (const target of [`${inside.url}/admin`, `http://inside.example.test:${insidePort}/admin`, 'http://169.254.169.254/latest/meta-data/', `http://[::ffff:127.0.0.2]:${insidePort}/`, 'file:///etc/passwd']) {
        location = target;
        const failure = await downloadImage(policy, `${cdnUrl}/redirect`, limits).then(
          () => undefined,
          (error: unknown) => (error instanceof PublishError ? error.failure : error),
        );
        expect({ target, failure }).toEqual({ target, failure: { kind: 'permanent', reason: expect.stringMatching(/refused/) } });
      }
      expect(inside.hits).toEqual([]);
      expect(tripwire.attempted.filter((ip) => ip !== '127.0.0.1')).toEqual([]);
    } finally {
      tripwire.restore();
    }
  });
});
