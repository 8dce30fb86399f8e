// Bad input gets a 4xx, never a 5xx or a hang (PRODUCT.md guarantee 5): every operation of the service's own
// OpenAPI document, with no body, malformed JSON, wrong types and odd values per property (from the schema),
// odd ids and odd query strings, as a member of every role and with no key. Deterministic: the cases are
// enumerated in a fixed order and the little randomness there is comes from a seeded generator.
import { createServer, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import request from 'supertest';
import { NetworkPolicy } from '../src/common/network-policy';
import type { Role } from '../src/common/roles';
import { Caller, TestApp } from './support/test-app';

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maxLength?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  nullable?: boolean;
}

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  parameters: { in: string; name: string; schema?: Schema }[];
  body?: Schema;
}

interface Case {
  op: Operation;
  who: string;
  key: string | undefined;
  url: string;
  /** A raw JSON text, or undefined for no body. */
  body?: string;
  what: string;
}

interface Failure {
  what: string;
  who: string;
  request: string;
  status: number | 'timeout' | 'error';
  answer: string;
}

const REQUEST_TIMEOUT_MS = 10_000;
const PARALLEL = 6;
const FUTURE = '2031-06-01T09:00:00+02:00';

/** mulberry32: a small seeded generator, so a failing run can be replayed exactly. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nested = (depth: number, open: string, close: string, inner = '1'): string => open.repeat(depth) + inner + close.repeat(depth);

describe('fuzzing every operation of the OpenAPI document', () => {
  let t: TestApp;
  let platforms: Server;
  let document: { paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: { content: Record<string, { schema: Schema }> } }>>; components: { schemas: Record<string, Schema> } };
  const attempted: string[] = [];
  let restoreTripwire: () => void = () => undefined;

  beforeAll(async () => {
    // Every platform base URL points at a local server that answers 503: nothing leaves this machine.
    platforms = createServer((_req, res) => res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"error":"unavailable"}'));
    await new Promise<void>((resolve) => platforms.listen(0, '127.0.0.1', resolve));
    const local = `http://127.0.0.1:${(platforms.address() as AddressInfo).port}`;
    t = await TestApp.start({
      env: {
        DISPATCH_ENABLED: 'false',
        ALLOW_PRIVATE_NETWORK: 'false',
        ...Object.fromEntries(['X_API_URL', 'X_OAUTH_URL', 'META_GRAPH_URL', 'FACEBOOK_OAUTH_URL', 'LINKEDIN_API_URL', 'LINKEDIN_OAUTH_URL', 'TELEGRAM_API_URL', 'BLUESKY_SERVICE_URL', 'BLUESKY_PLC_URL', 'X_ADS_API_URL', 'GOOGLE_ADS_API_URL', 'TIKTOK_API_URL'].map((name) => [name, local])),
      },
    });
    // User-given URLs (a fuzzed instanceUrl, a webhook) resolve to nothing reachable and are refused.
    const policy = t.app.get(NetworkPolicy);
    policy.resolve = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    (policy as unknown as { isPublic: (address: string) => boolean }).isPublic = () => false;
    // And a tripwire: a connection attempt to anything but loopback is cut and reported.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the socket as `this` below
    const original = Socket.prototype.connect as (this: Socket, ...args: unknown[]) => Socket;
    const spy = jest.spyOn(Socket.prototype, 'connect').mockImplementation(function (this: Socket, ...args: unknown[]) {
      this.on('connectionAttempt', (ip: string) => {
        if (!/^(127\.|::1$|::ffff:127\.)/.test(ip)) {
          attempted.push(ip);
          this.destroy(new Error('tripwire'));
        }
      });
      return original.apply(this, args);
    });
    restoreTripwire = () => spy.mockRestore();
    document = (await t.anonymous.get('/docs-json').expect(200)).body;
  });
  afterAll(async () => {
    restoreTripwire();
    await t?.close();
    platforms?.close();
  });

  it('answers every request with less than 500, in time', async () => {
    const random = seeded(20261203);
    const server = t.app.getHttpServer();
    const roles: Role[] = ['admin', 'marketer', 'approver', 'crisis_lead', 'viewer'];
    const callers: { who: string; caller: Caller | undefined }[] = [];
    for (const role of roles) {
      callers.push({ who: role, caller: await t.member(role) });
    }
    callers.push({ who: 'no key', caller: undefined });
    // One member with every role reaches past the role checks, into validation and the services.
    const everyone = await t.member(['admin', 'marketer', 'approver', 'crisis_lead', 'viewer']);

    // Resources of this workspace for ids in paths and bodies, and of another workspace (must be 404s).
    const own = await arrange(t.admin, await t.member('marketer'));
    const other = await t.otherWorkspace();
    const foreign = await arrange(other, await t.member('marketer', other));
    const victim = await t.member('viewer');
    const victimKey = (await t.admin.post(`/api/members/${victim.memberId}/api-keys`, { name: 'fuzz' }).expect(201)).body.id as string;
    own.members = victim.memberId;
    own['api-keys'] = victimKey;

    const operations = listOperations();
    const cases: Case[] = [];
    const add = (op: Operation, who: string, key: string | undefined, url: string, body: string | undefined, what: string): void => {
      cases.push({ op, who, key, url, body, what });
    };

    for (const op of operations) {
      const ownUrl = urlOf(op, (segment) => own[segment] ?? '00000000-0000-4000-8000-000000000000');
      const valid = op.body ? JSON.stringify(sample(op.body, own, 'body')) : undefined;
      // Every role (and no key) with a plausible request, on own and on another workspace's resources.
      for (const { who, caller } of callers) {
        add(op, who, caller?.key, ownUrl, valid, 'plausible request');
        if (op.path.includes('{')) {
          add(op, who, caller?.key, urlOf(op, (segment) => foreign[segment] ?? '00000000-0000-4000-8000-000000000001'), valid, "another workspace's resource");
        }
      }
      const key = everyone.key;
      // Odd ids.
      for (const [label, id] of [
        ['id that is not a UUID', 'not-a-uuid'],
        ['unknown UUID', '6f1c2a1e-3b7d-4c8e-9f00-123456789abc'],
        ['upper-case nil UUID', '00000000-0000-0000-0000-000000000000'],
        ['path traversal', '..%2F..%2Fetc%2Fpasswd'],
        ['very long id', 'a'.repeat(5000)],
        ['NUL in id', 'abc%00def'],
        ['invalid UTF-8 in id', '%ED%A0%80'],
        ['numeric id', '123'],
      ] as const) {
        if (op.path.includes('{')) {
          add(op, 'every role', key, urlOf(op, () => id), valid, label);
        }
      }
      // Odd query strings.
      const queryNames = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
      for (const name of [...queryNames, 'unexpected']) {
        for (const value of ['', 'x'.repeat(3000), '-1', '0', '1.5', '1e309', '99999999999999999999', 'null', 'not-a-date', '%00', '%ED%A0%80', '%FF', '2026-02-30T25:61:00Z', "'; DROP TABLE posts; --"]) {
          add(op, 'every role', key, `${ownUrl}?${encodeURIComponent(name)}=${value.startsWith('%') ? value : encodeURIComponent(value)}`, valid, `query ${name}=${value.slice(0, 20)}`);
        }
        add(op, 'every role', key, `${ownUrl}?${name}=1&${name}=2`, valid, `query ${name} twice`);
        add(op, 'every role', key, `${ownUrl}?${name}[a][b]=1`, valid, `query ${name} as an object`);
      }
      if (!op.body && op.method === 'get') {
        continue;
      }
      // Whole-body oddities.
      for (const [label, body] of [
        ['no body', undefined],
        ['malformed JSON', '{"text": "unfinished'],
        ['empty object', '{}'],
        ['an array', '[]'],
        ['a string', '"text"'],
        ['a number', '42'],
        ['null', 'null'],
        ['arrays nested 2,000 deep', nested(2000, '[', ']')],
        ['objects nested 2,000 deep', nested(2000, '{"a":', '}')],
        ['NUL in a key', '{"te\\u0000xt": "x"}'],
        ['lone surrogate in a key', '{"\\ud800": "x"}'],
        ['__proto__ key', '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}'],
      ] as const) {
        add(op, 'every role', key, ownUrl, body, label);
      }
      if (!op.body) {
        continue;
      }
      // Per property: wrong types and odd values, the rest of the body plausible.
      const base = sample(op.body, own, 'body') as Record<string, unknown>;
      for (const [property, schema] of Object.entries(propertiesOf(op.body))) {
        for (const [label, value] of oddValues(resolve(schema), random)) {
          add(op, 'every role', key, ownUrl, JSON.stringify({ ...base, [property]: value }), `${property}: ${label}`);
        }
      }
      add(op, 'every role', key, ownUrl, JSON.stringify({ ...base, unexpectedProperty: 'x' }), 'unknown property');
    }

    const failures: Failure[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const item = cases[next++];
        const outcome = await send(server, item);
        if (outcome) {
          failures.push(outcome);
        }
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: PARALLEL }, () => worker()));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`fuzz: ${cases.length} requests over ${operations.length} operations in ${seconds} s, ${failures.length} failed\n`);
    if (failures.length > 0) {
      process.stderr.write(`${failures.map((f) => `${f.status} ${f.request} as ${f.who} (${f.what}): ${f.answer}`).join('\n')}\n`);
    }
    expect(operations.length).toBeGreaterThanOrEqual(75);
    expect(failures).toEqual([]);
    expect(attempted).toEqual([]);
  }, 300_000);

  describe('hostile text is refused before validation, with the field named', () => {
    let marketer: Caller;
    let channelId: string;

    beforeAll(async () => {
      marketer = await t.member('marketer');
      channelId = (await t.admin.post('/api/channels', { platform: 'x', name: 'Checks', handle: '@checks', credentials: { authType: 'oauth2', accessToken: 'checks-token' } }).expect(201)).body.id;
    });

    /** supertest would serialise a Buffer as JSON: the bytes go out as they are here. */
    async function rawPost(path: string, body: Buffer, key: string): Promise<{ status: number; message: unknown }> {
      const server: Server = t.app.getHttpServer();
      if (!server.listening) {
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      }
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` } });
      return { status: res.status, message: ((await res.json()) as { message: unknown }).message };
    }

    async function postCount(): Promise<number> {
      return Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM posts'))[0].n);
    }

    it('refuses a body nested deeper than 32 levels (400), cheaply, on every route with a body', async () => {
      const lead = await t.member('crisis_lead');
      const deep = `{"reason":"Breach","level":1,"placeholderValues":${nested(2000, '{"a":', '}')}}`;
      const res = await lead.post('/api/crisis/activate', deep).expect(400);
      expect(res.body.message).toBe('Body is nested deeper than 32 levels');
      expect((await lead.get('/api/crisis').expect(200)).body.active).toBeFalsy();
      // Strings may hold brackets: only structure counts.
      await marketer.post('/api/posts', { text: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{ \\"[[', channelIds: [channelId], scheduledAt: FUTURE }).expect(201);
      const started = Date.now();
      const body = nested(50_000, '[', ']');
      for (let i = 0; i < 100; i++) {
        await marketer.post('/api/posts', body).expect(400);
      }
      // 100 bodies of 100 KB took 7.3 s of event loop before; the scan stops at the 33rd bracket.
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('refuses NUL in any text, in bodies, keys and query strings (400 naming where)', async () => {
      const before = await postCount();
      const text = await marketer.post('/api/posts', { text: 'before\u0000after', channelIds: [channelId], scheduledAt: FUTURE }).expect(400);
      expect(text.body.message).toBe('body.text must not contain the NUL character (\\u0000)');
      const nestedText = await marketer.post('/api/posts', { text: 'ok', platformText: { x: 'a\u0000' }, channelIds: [channelId], scheduledAt: FUTURE }).expect(400);
      expect(nestedText.body.message).toBe('body.platformText.x must not contain the NUL character (\\u0000)');
      const label = await marketer.post('/api/posts', { text: 'ok', labels: ['fine', 'bad\u0000'], channelIds: [channelId], scheduledAt: FUTURE }).expect(400);
      expect(label.body.message).toBe('body.labels[1] must not contain the NUL character (\\u0000)');
      expect((await t.admin.post('/api/members', { name: 'Ni\u0000na', roles: ['viewer'] }).expect(400)).body.message).toBe('body.name must not contain the NUL character (\\u0000)');
      expect((await t.admin.patch('/api/workspace', { name: 'Brand\u0000' }).expect(400)).body.message).toBe('body.name must not contain the NUL character (\\u0000)');
      expect((await t.admin.get('/api/audit?action=%00').expect(400)).body.message).toBe('query parameter action must not contain the NUL character (%00)');
      expect((await t.admin.get('/api/posts/abc%00def').expect(400)).body.message).toBe('the path must not contain the NUL character (%00)');
      expect(await postCount()).toBe(before);
    });

    it('refuses text that is not well-formed Unicode instead of changing it (400, not a silent U+FFFD)', async () => {
      const before = await postCount();
      const text = await marketer.post('/api/posts', { text: 'Autumn \ud800 menu', channelIds: [channelId], scheduledAt: FUTURE }).expect(400);
      expect(text.body.message).toBe('body.text is not well-formed Unicode (it contains a lone surrogate)');
      expect((await t.admin.post('/api/members', { name: 'Mia', email: 'mia\udc00@example.com', roles: ['viewer'] }).expect(400)).body.message).toBe(
        'body.email is not well-formed Unicode (it contains a lone surrogate)',
      );
      expect((await t.admin.post('/api/members', '{"name":"Mia","roles":["viewer"],"\\ud800":1}').expect(400)).body.message).toBe('a key of body is not well-formed Unicode (it contains a lone surrogate)');
      // The same lone surrogate as raw bytes (ED A0 80) is not UTF-8 at all.
      const raw = Buffer.concat([Buffer.from('{"name":"Mia '), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","roles":["viewer"]}')]);
      const bytes = await rawPost('/api/members', raw, t.admin.key!);
      expect(bytes).toEqual({ status: 400, message: 'Body is not well-formed UTF-8' });
      expect((await t.admin.get('/api/audit?action=%ED%A0%80').expect(400)).body.message).toBe('query parameter action is not well-formed Unicode (its percent-encoded bytes are not UTF-8)');
      // Well-formed text of every plane still goes through untouched.
      const fine = await marketer.post('/api/posts', { text: 'Autumn 🍂 menü 👩‍👩‍👧 日本', channelIds: [channelId], scheduledAt: FUTURE }).expect(201);
      expect(fine.body.text).toBe('Autumn 🍂 menü 👩‍👩‍👧 日本');
      expect(await postCount()).toBe(before + 1);
    });
  });

  /** Sends one case; a Failure when it answered 5xx, hung or broke the connection. */
  async function send(server: ReturnType<TestApp['app']['getHttpServer']>, item: Case): Promise<Failure | undefined> {
    let test = request(server)[item.op.method](item.url).timeout({ response: REQUEST_TIMEOUT_MS, deadline: REQUEST_TIMEOUT_MS * 2 });
    if (item.key) {
      test = test.set('Authorization', `Bearer ${item.key}`);
    }
    if (item.body !== undefined) {
      test = test.set('Content-Type', 'application/json').send(item.body);
    }
    const shown = `${item.op.method.toUpperCase()} ${item.url.slice(0, 200)}${item.body === undefined ? '' : ` ${item.body.slice(0, 300)}`}`;
    try {
      const res = await test;
      // The one 5xx on purpose: a connect check whose platform did not answer (every platform here answers 503) is a 502 saying so.
      const platformDown = res.status === 502 && /nothing was connected; try again in a while/.test(res.text);
      return res.status >= 500 && !platformDown ? { what: item.what, who: item.who, request: shown, status: res.status, answer: res.text.slice(0, 300) } : undefined;
    } catch (error) {
      const timedOut = (error as { timeout?: unknown }).timeout !== undefined;
      return { what: item.what, who: item.who, request: shown, status: timedOut ? 'timeout' : 'error', answer: String(error) };
    }
  }

  function listOperations(): Operation[] {
    const operations: Operation[] = [];
    for (const [path, methods] of Object.entries(document.paths)) {
      if (path === '/api/events') {
        continue; // an endless event stream, never answered "in time": test/live-events.e2e-spec.ts covers it
      }
      for (const [method, op] of Object.entries(methods)) {
        operations.push({
          method: method as Operation['method'],
          path,
          parameters: op.parameters ?? [],
          body: op.requestBody?.content['application/json']?.schema,
        });
      }
    }
    return operations;
  }

  function resolve(schema: Schema): Schema {
    if (schema.$ref) {
      return resolve(document.components.schemas[schema.$ref.split('/').pop()!]);
    }
    const combined = schema.allOf?.[0] ?? schema.oneOf?.[0] ?? schema.anyOf?.[0];
    return combined ? { ...resolve(combined), ...schema, allOf: undefined, oneOf: undefined, anyOf: undefined } : schema;
  }

  function propertiesOf(schema: Schema): Record<string, Schema> {
    return resolve(schema).properties ?? {};
  }

  /** A plausible value for a schema: its example or default, else one of its type, with ids of own resources. */
  function sample(raw: Schema, own: Record<string, string>, name: string, depth = 0): unknown {
    const schema = resolve(raw);
    if (schema.example !== undefined) {
      return /At$/.test(name) && typeof schema.example === 'string' ? FUTURE : schema.example;
    }
    if (schema.default !== undefined) {
      return schema.default;
    }
    if (schema.enum) {
      return schema.enum[0];
    }
    if (schema.properties && depth < 6) {
      return Object.fromEntries(Object.entries(schema.properties).map(([key, property]) => [key, sample(property, own, key, depth + 1)]));
    }
    switch (schema.type) {
      case 'string':
        if (schema.format === 'uuid') {
          return own[idKind(name)] ?? own.channels;
        }
        return /At$/.test(name) || schema.format === 'date-time' ? FUTURE : 'Fuzz text';
      case 'number':
      case 'integer':
        return schema.minimum ?? 1;
      case 'boolean':
        return false;
      case 'array':
        return schema.items && depth < 6 ? [sample(schema.items, own, name.replace(/s$/, ''), depth + 1)] : [];
      case 'object':
        return {};
      case undefined:
      default:
        return 'Fuzz';
    }
  }

  /** The kind of resource a uuid-valued property names, for own[kind]. */
  function idKind(name: string): string {
    const kinds: Record<string, string> = { channelId: 'channels', channelIds: 'channels', fallbackChannelId: 'channels', fallbackChannelIds: 'channels', templateId: 'templates', playbookId: 'playbooks', adAccountId: 'ad-accounts', authorId: 'members', memberId: 'members' };
    return kinds[name] ?? kinds[`${name}s`] ?? 'channels';
  }

  function urlOf(op: Operation, idFor: (segment: string) => string): string {
    // Each {param} takes an id of the resource named by the segment before it (posts/{id} -> a post).
    const segments = op.path.split('/');
    return segments
      .map((segment, index) => {
        if (!segment.startsWith('{')) {
          return segment;
        }
        const kind = segment === '{deliveryId}' ? 'deliveries' : segments[index - 1];
        return idFor(kind);
      })
      .join('/');
  }
});

/** Wrong types and odd values for one property, from its schema. */
function oddValues(schema: Schema, random: () => number): [string, unknown][] {
  const longText = Array.from({ length: 20_000 }, () => String.fromCharCode(0x20 + Math.floor(random() * 0x5e))).join('');
  const values: [string, unknown][] = [
    ['null', null],
    ['a boolean', true],
    ['an object', { nested: { deeper: 1 } }],
    ['an array of wrong items', [1, {}, null, [[]]]],
    ['nested 40 deep', JSON.parse(nested(40, '[', ']'))],
  ];
  if (schema.type === 'string' || schema.enum) {
    values.push(
      ['a number', 12345],
      ['empty', ''],
      ['very long', longText],
      ['NUL', 'before\u0000after'],
      ['lone surrogate', 'before\ud800after'],
      ['lone low surrogate', '\udc00'],
      ['control characters', '\u0001\u001b[31m\r\n'],
      ['RTL override and emoji', '\u202egnp.exe 👩‍👩‍👧 \u0301'],
      ['not a member of the enum', 'definitely-not-valid'],
      ['a date in year 275760', '+275760-09-13T00:00:00.000Z'],
      ['a URL to a file', 'file:///etc/passwd'],
    );
  }
  if (schema.type === 'number' || schema.type === 'integer') {
    values.push(
      ['a string', 'twelve'],
      ['a numeric string', '3'],
      ['huge', 1e308],
      ['beyond 2^53', 2 ** 53 + 2],
      ['beyond int32', 2_147_483_648],
      ['negative', -1],
      ['zero', 0],
      ['fractional', 1.5],
      ['very small', -1e308],
    );
  }
  if (schema.type === 'array') {
    values.push(
      ['a string', 'not-an-array'],
      ['empty', []],
      ['many items', Array.from({ length: 2000 }, (_, i) => `item-${i}`)],
      ['items with NUL', ['a\u0000b']],
      ['items with a lone surrogate', ['\ud800']],
      ['duplicate items', ['same', 'same']],
      ['items not UUIDs', ['not-a-uuid']],
    );
  }
  if (schema.type === 'boolean') {
    values.push(['a string', 'true'], ['a number', 1]);
  }
  if (schema.type === 'object' || schema.additionalProperties) {
    values.push(
      ['a string', 'not-an-object'],
      ['values of the wrong type', { x: 1, y: { z: [] }, mastodon: null }],
      ['NUL in a value', { x: 'a\u0000b' }],
      ['a lone surrogate in a key', { '\ud800': 'x' }],
      ['many keys', Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, 'v']))],
    );
  }
  return values;
}

/** Resources the fuzz can point at: one of each kind the caller's workspace can make, by path segment. */
async function arrange(admin: Caller, marketer: Caller): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const channel = await admin.post('/api/channels', { platform: 'x', name: 'Fuzz X', handle: '@fuzz', credentials: { authType: 'oauth2', accessToken: 'fuzz-access-token' } }).expect(201);
  ids.channels = channel.body.id;
  const post = await marketer.post('/api/posts', { text: 'Fuzz post', channelIds: [ids.channels], scheduledAt: FUTURE }).expect(201);
  ids.posts = post.body.id;
  ids.deliveries = post.body.deliveries[0].id;
  const template = await marketer.post('/api/templates', { name: `Fuzz template ${admin.workspaceId}`, body: 'Hello {{who}}', placeholders: [{ name: 'who', description: 'Who' }] });
  if (template.status === 201) {
    ids.templates = template.body.id;
  }
  const playbook = await admin.post('/api/playbooks', { name: 'Fuzz playbook', category: 'other', level: 1 });
  if (playbook.status === 201) {
    ids.playbooks = playbook.body.id;
  }
  const webhook = await admin.post('/api/webhooks', { url: 'https://hooks.example.test/in', eventTypes: ['webhook.test'] });
  if (webhook.status === 201) {
    ids.webhooks = webhook.body.id;
  }
  ids.members = admin.memberId;
  ids.workspaces = admin.workspaceId;
  return ids;
}
