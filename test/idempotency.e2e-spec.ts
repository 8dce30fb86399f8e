// Idempotency-Key on the create routes: a retried create answers the first answer and creates nothing more.
import { IdempotencyPruner } from '../src/idempotency/idempotency-pruner';
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

let fake: FakeXApi;
let t: TestApp;
let marketer: Caller;
let channelId: string;

beforeAll(async () => {
  fake = await FakeXApi.start();
  t = await TestApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100' } });
  marketer = await t.member('marketer');
  const channel = await t.admin.post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201);
  channelId = channel.body.id;
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

let texts = 0;
function postBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { text: `Retried create ${++texts}`, channelIds: [channelId], scheduledAt: new Date(Date.now() + 3600_000).toISOString(), ...overrides };
}

async function postsWithText(text: string): Promise<number> {
  const [row] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM posts WHERE text = $1`, [text]);
  return Number(row.n);
}

describe('a create sent again with the same Idempotency-Key', () => {
  it('answers the first answer and makes one post', async () => {
    const body = postBody();

    const first = await marketer.post('/api/posts', body).set('Idempotency-Key', 'abc-123').expect(201);
    const again = await marketer.post('/api/posts', body).set('Idempotency-Key', 'abc-123').expect(201);

    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await postsWithText(body.text as string)).toBe(1);
  });

  it('publishes once when five arrive at the same moment', async () => {
    const body = postBody({ scheduledAt: undefined, publishNow: true });

    const answers = await Promise.all(
      Array.from({ length: 5 }, () => marketer.post('/api/posts', body).set('Idempotency-Key', 'burst-5')),
    );

    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((answer) => answer.body.id as string)).size).toBe(1);
    expect(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
    expect(await postsWithText(body.text as string)).toBe(1);
    await waitFor('the post to be published', async () => {
      const res = await marketer.get(`/api/posts/${answers[0].body.id}`).expect(200);
      return res.body.deliveries[0].state === 'published' || undefined;
    });
    expect(fake.tweets.filter((tweet) => tweet.text === body.text)).toHaveLength(1);
  });

  it('refuses the same key with another body (422) and creates nothing', async () => {
    const body = postBody();
    await marketer.post('/api/posts', body).set('Idempotency-Key', 'changed-body').expect(201);

    const other = await marketer.post('/api/posts', { ...body, text: 'Something else entirely' }).set('Idempotency-Key', 'changed-body').expect(422);

    expect(other.body.message).toBe('This Idempotency-Key was already used with another request (method, path or body): use a new key for a new request');
    expect(await postsWithText('Something else entirely')).toBe(0);
  });

  it("keeps each member's keys apart", async () => {
    const other = await t.member('marketer');
    const body = postBody();

    const mine = await marketer.post('/api/posts', body).set('Idempotency-Key', 'shared-key').expect(201);
    const theirs = await other.post('/api/posts', body).set('Idempotency-Key', 'shared-key').expect(201);

    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(await postsWithText(body.text as string)).toBe(2);
  });

  it('leaves the key free after a refused first request', async () => {
    const body = postBody();
    await marketer.post('/api/posts', { ...body, channelIds: [] }).set('Idempotency-Key', 'fix-and-retry').expect(400);

    const fixed = await marketer.post('/api/posts', body).set('Idempotency-Key', 'fix-and-retry').expect(201);

    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
    expect(await postsWithText(body.text as string)).toBe(1);
  });

  it('creates again once the key has expired (24 hours)', async () => {
    const body = postBody();
    await marketer.post('/api/posts', body).set('Idempotency-Key', 'yesterday').expect(201);
    await t.sql(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'yesterday'`);

    const later = await marketer.post('/api/posts', body).set('Idempotency-Key', 'yesterday').expect(201);

    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(await postsWithText(body.text as string)).toBe(2);
  });

  it('refuses a malformed key with a 400 and creates nothing', async () => {
    const body = postBody();
    for (const key of ['x'.repeat(256), 'clé-unicode']) {
      const res = await marketer.post('/api/posts', body).set('Idempotency-Key', key).expect(400);
      expect(res.body.message).toBe('Idempotency-Key must be 1 to 255 printable ASCII characters');
    }
    expect(await postsWithText(body.text as string)).toBe(0);
  });
});

describe('the other create routes', () => {
  it('replays a created member with its API key, stored sealed, and adds one member', async () => {
    const body = { name: 'Retried Rosa', email: 'rosa@example.com', roles: ['viewer'] };

    const first = await t.admin.post('/api/members', body).set('Idempotency-Key', 'member-rosa').expect(201);
    const again = await t.admin.post('/api/members', body).set('Idempotency-Key', 'member-rosa').expect(201);

    expect(again.body).toEqual(first.body);
    const [{ n }] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM members WHERE email = 'rosa@example.com'`);
    expect(Number(n)).toBe(1);
    const [stored] = await t.sql<{ answer_sealed: string }>(`SELECT answer_sealed FROM idempotency_keys WHERE key = 'member-rosa'`);
    expect(stored.answer_sealed).not.toContain(first.body.apiKey.key);
    expect(stored.answer_sealed).not.toContain('Rosa');
  });

  it('replays a created template, channel and webhook instead of creating them twice', async () => {
    const lead = await t.member(['marketer', 'crisis_lead']);
    const creates: [Caller, string, Record<string, unknown>, string][] = [
      [lead, '/api/templates', { name: 'Holding statement', body: 'We are looking into it.', placeholders: [] }, 'SELECT count(*) AS n FROM templates'],
      [t.admin, '/api/channels', { platform: 'x', name: 'Second X', handle: '@brand2', credentials: fake.oauth2Credentials() }, 'SELECT count(*) AS n FROM channels'],
      [t.admin, '/api/webhooks', { url: 'https://hooks.example.com/holdfast', eventTypes: ['crisis.activated'] }, 'SELECT count(*) AS n FROM webhooks'],
    ];
    for (const [caller, path, body, count] of creates) {
      const [{ n: before }] = await t.sql<{ n: string }>(count);
      const first = await caller.post(path, body).set('Idempotency-Key', `again-${path}`);
      expect({ path, status: first.status, message: first.body.message }).toEqual({ path, status: 201, message: undefined });
      const again = await caller.post(path, body).set('Idempotency-Key', `again-${path}`).expect(201);
      expect({ path, body: again.body }).toEqual({ path, body: first.body });
      const [{ n: after }] = await t.sql<{ n: string }>(count);
      expect({ path, created: Number(after) - Number(before) }).toEqual({ path, created: 1 });
    }
  });

  it('documents the header on every create route of the OpenAPI document', async () => {
    const res = await t.anonymous.get('/docs-json').expect(200);
    const creates = Object.entries(res.body.paths as Record<string, { post?: { responses: Record<string, unknown>; parameters?: { name: string; in: string }[] } }>)
      .filter(([, item]) => item.post?.responses['201'])
      .map(([path, item]) => ({ path, header: item.post!.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key') ?? false }));

    expect(creates.map((c) => c.path)).toEqual(expect.arrayContaining(['/api/posts', '/api/channels', '/api/members', '/api/templates', '/api/playbooks', '/api/webhooks', '/api/crises/{id}/notes']));
    expect(creates.filter((c) => !c.header)).toEqual([]);
  });
});

describe('across instances and lost requests', () => {
  it('makes one post when repeats of one create reach two instances at once', async () => {
    const second = await TestApp.start({ sameDatabaseAs: t, env: { X_API_URL: fake.url, DISPATCH_ENABLED: 'false' } });
    try {
      const body = postBody();
      const elsewhere = second.withKey(marketer.key!);
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? marketer : elsewhere).post('/api/posts', body).set('Idempotency-Key', 'two-instances')),
      );

      expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201, 201]);
      expect(new Set(answers.map((answer) => answer.body.id as string)).size).toBe(1);
      expect(await postsWithText(body.text as string)).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('answers 409 for a key whose first request never finished, and creates nothing', async () => {
    const body = postBody();
    await marketer.post('/api/posts', body).set('Idempotency-Key', 'lost-with-its-instance').expect(201);
    // As an instance that died mid-request leaves it: claimed three minutes ago, never answered.
    await t.sql(`UPDATE idempotency_keys SET state = 'in_progress', status_code = NULL, answer_sealed = NULL, created_at = now() - interval '3 minutes'
                  WHERE key = 'lost-with-its-instance'`);

    const res = await marketer.post('/api/posts', body).set('Idempotency-Key', 'lost-with-its-instance').expect(409);

    expect(res.body.message).toContain('whether it created anything is unknown');
    expect(await postsWithText(body.text as string)).toBe(1);
  });
});

describe('keeping keys 24 hours', () => {
  it('deletes expired keys and keeps the others when the prune runs', async () => {
    const body = postBody();
    await marketer.post('/api/posts', body).set('Idempotency-Key', 'prune-old').expect(201);
    await marketer.post('/api/posts', postBody()).set('Idempotency-Key', 'prune-new').expect(201);
    await t.sql(`UPDATE idempotency_keys SET expires_at = now() - interval '1 minute' WHERE key = 'prune-old'`);

    const deleted = await t.app.get(IdempotencyPruner).prune();

    expect(deleted).toBeGreaterThanOrEqual(1);
    const left = await t.sql<{ key: string }>(`SELECT key FROM idempotency_keys WHERE key LIKE 'prune-%' ORDER BY key`);
    expect(left.map((row) => row.key)).toEqual(['prune-new']);
  });
});
