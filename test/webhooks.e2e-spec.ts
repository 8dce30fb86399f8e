// Webhooks: signed events to an admin's URL, retried with backoff, logged per attempt, sent only when the change committed.
import { Client } from 'pg';
import { WebhookEvents } from '../src/webhooks/webhook-events.service';
import { WebhookSender } from '../src/webhooks/webhook-sender';
import { FakeWebhookReceiver } from './fakes/webhook-receiver';
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface Payload {
  id: string;
  type: string;
  workspaceId: string;
  createdAt: string;
  data: Record<string, unknown>;
}

interface LoggedDelivery {
  id: string;
  eventId: string;
  eventType: string;
  state: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  log: { attempt: number; statusCode: number | null; durationMs: number; error: string | null; responseBody: string | null }[];
}

describe('webhooks', () => {
  let receiver: FakeWebhookReceiver;
  let x: FakeXApi;
  let t: TestApp;
  let hooks = 0;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    x = await FakeXApi.start();
    t = await TestApp.start({
      captureLogs: true,
      env: {
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
        WEBHOOK_TICK_MS: '100',
        WEBHOOK_RETRY_BASE_MS: '200',
        WEBHOOK_MAX_ATTEMPTS: '3',
        WEBHOOK_TIMEOUT_MS: '1000',
        X_API_URL: x.url,
        DISPATCH_TICK_MS: '100',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
    await x.close();
  });

  /** A new webhook on its own receiver endpoint; answers its id, endpoint name and the secret. */
  async function subscribe(eventTypes: string[], by: Caller = t.admin, extra: Record<string, unknown> = {}): Promise<{ id: string; name: string; secret: string }> {
    const name = `hook-${++hooks}`;
    const res = await by.post('/api/webhooks', { url: receiver.endpoint(name), eventTypes, ...extra }).expect(201);
    return { id: res.body.id, name, secret: res.body.secret };
  }

  async function logOf(webhookId: string, by: Caller = t.admin): Promise<LoggedDelivery[]> {
    return (await by.get(`/api/webhooks/${webhookId}/deliveries?limit=200`).expect(200)).body.items;
  }

  async function settledLog(webhookId: string, count = 1): Promise<LoggedDelivery[]> {
    return waitFor(`${count} settled deliveries of webhook ${webhookId}`, async () => {
      const items = await logOf(webhookId);
      return items.length >= count && items.every((d) => ['delivered', 'failed', 'cancelled'].includes(d.state)) ? items : undefined;
    });
  }

  it('signs each event so that the receiver verifies it with the secret, and not with another', async () => {
    const hook = await subscribe(['crisis.activated']);
    expect(hook.secret).toMatch(/^whsec_/);
    const queued = await t.admin.post(`/api/webhooks/${hook.id}/test`).expect(202);
    const [delivery] = await settledLog(hook.id);
    expect(delivery).toMatchObject({ state: 'delivered', eventType: 'webhook.test', attempts: 1, eventId: queued.body.eventId });

    const [request] = receiver.received(hook.name);
    expect(FakeWebhookReceiver.verifies(request, hook.secret)).toBe(true);
    expect(FakeWebhookReceiver.verifies(request, 'whsec_someone_elses_secret')).toBe(false);
    const payload = JSON.parse(request.rawBody.toString('utf8')) as Payload;
    expect(payload).toEqual({
      id: queued.body.eventId,
      type: 'webhook.test',
      workspaceId: t.admin.workspaceId,
      createdAt: expect.any(String),
      data: expect.objectContaining({ webhookId: hook.id }),
    });
    expect(request.headers['holdfast-event-id']).toBe(payload.id);
    expect(request.headers['content-type']).toContain('application/json');
    expect(Math.abs(Number(request.headers['holdfast-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('uses the secret the admin gave, and a replaced secret from then on', async () => {
    const given = 'my-own-secret-of-32-characters!!';
    const hook = await subscribe(['webhook.test'], t.admin, { secret: given });
    expect(hook.secret).toBe(given);
    await t.admin.post(`/api/webhooks/${hook.id}/test`).expect(202);
    await settledLog(hook.id, 1);
    const replaced = await t.admin.patch(`/api/webhooks/${hook.id}`, { secret: 'the-rotated-secret-0123456789' }).expect(200);
    expect(JSON.stringify(replaced.body)).not.toContain('the-rotated-secret');
    await t.admin.post(`/api/webhooks/${hook.id}/test`).expect(202);
    await settledLog(hook.id, 2);
    const [first, second] = receiver.received(hook.name);
    expect(FakeWebhookReceiver.verifies(first, given)).toBe(true);
    expect(FakeWebhookReceiver.verifies(second, 'the-rotated-secret-0123456789')).toBe(true);
    expect(FakeWebhookReceiver.verifies(second, given)).toBe(false);
  });

  it('retries a failing receiver with backoff until it answers 2xx, logging every attempt', async () => {
    const hook = await subscribe(['webhook.test']);
    receiver.failNextHooks({ status: 500, body: 'boom 1' }, { status: 500, body: 'boom 2' });
    await t.admin.post(`/api/webhooks/${hook.id}/test`).expect(202);
    const [delivery] = await settledLog(hook.id);
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null });
    expect(delivery.log.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(delivery.log[0]).toMatchObject({ error: 'the receiver answered 500', responseBody: 'boom 1' });
    expect(delivery.log[0].durationMs).toEqual(expect.any(Number));
    const requests = receiver.received(hook.name);
    expect(requests).toHaveLength(3);
    // The same event each time (receivers de-duplicate by its id), re-signed with a fresh timestamp.
    expect(new Set(requests.map((r) => r.headers['holdfast-event-id'])).size).toBe(1);
    expect(requests.every((r) => FakeWebhookReceiver.verifies(r, hook.secret))).toBe(true);
    expect(requests[1].receivedAt - requests[0].receivedAt).toBeGreaterThanOrEqual(100);
  });

  it('gives up after the last attempt, a hung receiver counting as a failed attempt', async () => {
    const hook = await subscribe(['webhook.test']);
    receiver.failNextHooks({ hang: true }, { status: 503 }, { status: 502 });
    await t.admin.post(`/api/webhooks/${hook.id}/test`).expect(202);
    const [delivery] = await settledLog(hook.id);
    expect(delivery).toMatchObject({ state: 'failed', attempts: 3, lastStatusCode: 502 });
    expect(delivery.log).toHaveLength(3);
    expect(delivery.log[0]).toMatchObject({ statusCode: null, error: 'no answer within 1000 ms' });
    const after = receiver.received(hook.name).length;
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(receiver.received(hook.name)).toHaveLength(after);
  });

  it('disables a webhook whose receiver answers 410 Gone', async () => {
    const hook = await subscribe(['webhook.test']);
    receiver.failNextHooks({ status: 410 });
    await t.admin.post(`/api/webhooks/${hook.id}/test`).expect(202);
    const [delivery] = await settledLog(hook.id);
    expect(delivery).toMatchObject({ state: 'failed', attempts: 1, lastStatusCode: 410 });
    const webhook = await t.admin.get(`/api/webhooks/${hook.id}`).expect(200);
    expect(webhook.body).toMatchObject({ active: false, disabledReason: 'the receiver answered 410 Gone' });
    await t.admin.post(`/api/webhooks/${hook.id}/test`).expect(409);
    const audit = await t.admin.get(`/api/audit?targetId=${hook.id}&action=webhook.disabled`).expect(200);
    expect(audit.body.items).toHaveLength(1);
    const reactivated = await t.admin.patch(`/api/webhooks/${hook.id}`, { active: true }).expect(200);
    expect(reactivated.body).toMatchObject({ active: true, disabledReason: null });
  });

  it('sends an event only if the transaction that emitted it commits', async () => {
    const hook = await subscribe(['crisis.activated']);
    const events = t.app.get(WebhookEvents);
    await expect(
      t.dataSource.transaction(async (manager) => {
        await events.emit(manager, t.admin.workspaceId, 'crisis.activated', { marker: 'rolled-back' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await t.dataSource.transaction((manager) => events.emit(manager, t.admin.workspaceId, 'crisis.activated', { marker: 'committed' }));
    await settledLog(hook.id, 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const markers = receiver.received(hook.name).map((r) => (JSON.parse(r.rawBody.toString()) as Payload).data.marker);
    expect(markers).toEqual(['committed']);
    expect(await t.sql(`SELECT 1 FROM webhook_events WHERE data->>'marker' = 'rolled-back'`)).toEqual([]);
    await expect(events.emit(t.dataSource.manager, t.admin.workspaceId, 'crisis.activated', {})).rejects.toThrow('transaction');
  });

  it("sends an event only to active webhooks of that workspace subscribed to its type", async () => {
    const other = await t.otherWorkspace();
    const crisis = await subscribe(['crisis.activated', 'crisis.deactivated']);
    const failures = await subscribe(['delivery.failed']);
    const inactive = await subscribe(['crisis.activated'], t.admin, { active: false });
    const theirs = await subscribe(['crisis.activated'], other);
    const events = t.app.get(WebhookEvents);
    await t.dataSource.transaction((manager) =>
      events.emit(manager, t.admin.workspaceId, 'crisis.activated', { crisisId: 'c-1', contacts: [{ name: 'Ana', phone: '+34 600 000 000' }] }),
    );
    await t.dataSource.transaction((manager) => events.emit(manager, other.workspaceId, 'crisis.deactivated', { crisisId: 'c-2' }));
    const [delivered] = await settledLog(crisis.id, 1);
    expect(delivered.eventType).toBe('crisis.activated');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.received(crisis.name)).toHaveLength(1);
    expect(JSON.parse(receiver.received(crisis.name)[0].rawBody.toString()).data).toEqual({
      crisisId: 'c-1',
      contacts: [{ name: 'Ana', phone: '+34 600 000 000' }],
    });
    expect(receiver.received(failures.name)).toHaveLength(0);
    expect(receiver.received(inactive.name)).toHaveLength(0);
    expect(receiver.received(theirs.name)).toHaveLength(0);
  });

  it('announces delivery.failed when a post fails permanently on the platform', async () => {
    const hook = await subscribe(['delivery.failed']);
    const channel = await t.admin
      .post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials: x.oauth2Credentials() })
      .expect(201);
    const marketer = await t.member('marketer');
    x.failNext('POST /2/tweets', { status: 403, detail: 'You are not permitted to perform this action.' });
    const post = await marketer.post('/api/posts', { text: 'This one fails', channelIds: [channel.body.id], publishNow: true }).expect(201);
    const [delivery] = await settledLog(hook.id, 1);
    expect(delivery).toMatchObject({ state: 'delivered', eventType: 'delivery.failed' });
    const payload = JSON.parse(receiver.received(hook.name)[0].rawBody.toString()) as Payload;
    expect(payload.data).toMatchObject({
      deliveryId: post.body.deliveries[0].id,
      postId: post.body.id,
      channelId: channel.body.id,
      platform: 'x',
      attempts: 1,
      reason: expect.stringContaining('You are not permitted to perform this action.'),
    });
    const published = await marketer.post('/api/posts', { text: 'This one works', channelIds: [channel.body.id], publishNow: true }).expect(201);
    await waitFor('the second post to publish', async () => {
      const res = await marketer.get(`/api/posts/${published.body.id}`).expect(200);
      return res.body.deliveries[0].state === 'published';
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received(hook.name)).toHaveLength(1);
  });

  it('never shows the secret again: not in reads, the audit trail, the database or the logs', async () => {
    const hook = await subscribe(['crisis.activated']);
    const one = await t.admin.get(`/api/webhooks/${hook.id}`).expect(200);
    const all = await t.admin.get('/api/webhooks').expect(200);
    const updated = await t.admin.patch(`/api/webhooks/${hook.id}`, { description: 'Pager' }).expect(200);
    await t.admin.post(`/api/webhooks/${hook.id}/test`).expect(202);
    await settledLog(hook.id, 1);
    const log = await t.admin.get(`/api/webhooks/${hook.id}/deliveries`).expect(200);
    const audit = await t.admin.get(`/api/audit?targetId=${hook.id}`).expect(200);
    expect(one.body).not.toHaveProperty('secret');
    for (const body of [one.body, all.body, updated.body, log.body, audit.body]) {
      expect(JSON.stringify(body)).not.toContain(hook.secret);
    }
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['webhook.test_sent', 'webhook.updated', 'webhook.created']);
    expect(JSON.stringify(await t.sql('SELECT * FROM webhooks WHERE id = $1', [hook.id]))).not.toContain(hook.secret);
    expect(t.logs.length).toBeGreaterThan(0);
    expect(t.logs.filter((line) => line.includes(hook.secret))).toEqual([]);
    expect(t.logs.filter((line) => line.includes('the-rotated-secret') || line.includes('my-own-secret'))).toEqual([]);
  });

  it('answers 400 naming the field to bad input, and writes nothing', async () => {
    const before = await t.sql<{ n: string }>('SELECT count(*) AS n FROM webhooks');
    const bad: [Record<string, unknown>, string][] = [
      [{ url: 'ftp://example.com/hook', eventTypes: ['crisis.activated'] }, 'url'],
      [{ url: 'javascript:alert(1)', eventTypes: ['crisis.activated'] }, 'url'],
      [{ url: 'not a url', eventTypes: ['crisis.activated'] }, 'url'],
      [{ url: 'https://user:pw@example.com/hook', eventTypes: ['crisis.activated'] }, 'url'],
      [{ url: receiver.endpoint('x'), eventTypes: ['crisis.exploded'] }, 'eventTypes'],
      [{ url: receiver.endpoint('x'), eventTypes: [] }, 'eventTypes'],
      [{ url: receiver.endpoint('x') }, 'eventTypes'],
      [{ url: receiver.endpoint('x'), eventTypes: ['crisis.activated'], secret: 'short' }, 'secret'],
      [{ url: receiver.endpoint('x'), eventTypes: ['crisis.activated'], owner: 'me' }, 'owner'],
      [{ url: receiver.endpoint('x'), eventTypes: ['crisis.activated'], active: 'yes' }, 'active'],
    ];
    for (const [body, field] of bad) {
      const res = await t.admin.post('/api/webhooks', body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(JSON.stringify(res.body)).toContain(field);
    }
    const hook = await subscribe(['crisis.activated']);
    const patched = await t.admin.patch(`/api/webhooks/${hook.id}`, { url: 'gopher://example.com' });
    expect(patched.status).toBe(400);
    await t.admin.patch(`/api/webhooks/${hook.id}`, { eventTypes: ['nope'] }).expect(400);
    await t.admin.get(`/api/webhooks/${hook.id}/deliveries?cursor=garbage`).expect(400);
    await t.admin.get('/api/webhooks/not-a-uuid').expect(400);
    const after = await t.sql<{ n: string }>('SELECT count(*) AS n FROM webhooks');
    expect(Number(after[0].n)).toBe(Number(before[0].n) + 1);
    expect((await t.admin.get(`/api/webhooks/${hook.id}`).expect(200)).body.url).toBe(receiver.endpoint(hook.name));
  });

  it('refuses loopback and private URLs unless WEBHOOK_ALLOW_PRIVATE_URLS is set', async () => {
    const strict = await TestApp.start({ sameDatabaseAs: t, env: { DISPATCH_ENABLED: 'false', ALLOW_PRIVATE_NETWORK: 'false' } });
    try {
      for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://169.254.169.254/latest', 'http://[::1]/x', 'http://10.0.0.5/x']) {
        const res = await strict.admin.post('/api/webhooks', { url, eventTypes: ['crisis.activated'] }).expect(400);
        expect(res.body.message).toContain('public address');
      }
      await strict.admin.post('/api/webhooks', { url: 'https://hooks.example.com/holdfast', eventTypes: ['crisis.activated'] }).expect(201);
    } finally {
      await strict.close();
    }
  });

  it('is for admins of the workspace only: other roles 403, other workspaces 404', async () => {
    const hook = await subscribe(['crisis.activated']);
    const member = await t.member(['marketer', 'approver', 'crisis_lead', 'viewer']);
    await member.get('/api/webhooks').expect(403);
    await member.post('/api/webhooks', { url: receiver.endpoint('m'), eventTypes: ['crisis.activated'] }).expect(403);
    await member.get(`/api/webhooks/${hook.id}`).expect(403);
    await member.get(`/api/webhooks/${hook.id}/deliveries`).expect(403);
    await member.post(`/api/webhooks/${hook.id}/test`).expect(403);
    const other = await t.otherWorkspace();
    await other.get(`/api/webhooks/${hook.id}`).expect(404);
    await other.patch(`/api/webhooks/${hook.id}`, { active: false }).expect(404);
    await other.get(`/api/webhooks/${hook.id}/deliveries`).expect(404);
    await other.post(`/api/webhooks/${hook.id}/test`).expect(404);
    await other.delete(`/api/webhooks/${hook.id}`).expect(404);
    expect((await other.get('/api/webhooks').expect(200)).body.map((w: { id: string }) => w.id)).not.toContain(hook.id);
    expect((await t.admin.get(`/api/webhooks/${hook.id}`).expect(200)).body.active).toBe(true);
  });

  it('shares the sending between instances on one database, each event sent once', async () => {
    const second = await TestApp.start({ sameDatabaseAs: t, env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TICK_MS: '100' } });
    try {
      const hook = await subscribe(['platform.degraded']);
      receiver.latencyMs = 20;
      const events = t.app.get(WebhookEvents);
      await t.dataSource.transaction(async (manager) => {
        for (let i = 0; i < 60; i++) {
          await events.emit(manager, t.admin.workspaceId, 'platform.degraded', { n: i });
        }
      });
      await settledLog(hook.id, 60);
      const ids = receiver.received(hook.name).map((r) => r.headers['holdfast-event-id']);
      expect(ids).toHaveLength(60);
      expect(new Set(ids).size).toBe(60);
    } finally {
      receiver.latencyMs = 0;
      await second.close();
    }
  });

  it('pages the delivery log newest first; deleting a webhook cancels what it had not sent and keeps its log', async () => {
    const hook = await subscribe(['webhook.test']);
    for (let i = 0; i < 3; i++) {
      await t.admin.post(`/api/webhooks/${hook.id}/test`).expect(202);
    }
    const all = await settledLog(hook.id, 3);
    const first = await t.admin.get(`/api/webhooks/${hook.id}/deliveries?limit=2`).expect(200);
    expect(first.body.items.map((d: { id: string }) => d.id)).toEqual(all.slice(0, 2).map((d) => d.id));
    const second = await t.admin.get(`/api/webhooks/${hook.id}/deliveries?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((d: { id: string }) => d.id)).toEqual([all[2].id]);
    expect(second.body.nextCursor).toBeNull();
    const times = all.map((d) => Date.parse(d.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    // Deleted while a request is in flight: the attempt is logged, and no retry follows.
    receiver.failNextHooks({ hang: true });
    const queued = await t.admin.post(`/api/webhooks/${hook.id}/test`).expect(202);
    await waitFor('the request in flight', async () => (await logOf(hook.id)).find((d) => d.id === queued.body.deliveryId && d.state === 'sending'));
    await t.admin.delete(`/api/webhooks/${hook.id}`).expect(204);
    await t.admin.get(`/api/webhooks/${hook.id}`).expect(404);
    const row = await waitFor('the delivery to settle', async () => {
      const [found] = await t.sql<{ state: string; attempts: number }>('SELECT state, attempts FROM webhook_deliveries WHERE id = $1', [queued.body.deliveryId]);
      return found.state === 'sending' ? undefined : found;
    });
    expect(row).toEqual({ state: 'cancelled', attempts: 1 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.received(hook.name)).toHaveLength(4);
    expect(await t.sql('SELECT 1 FROM webhooks WHERE id = $1 AND secret_sealed = $2', [hook.id, ''])).toHaveLength(1);
  });
});

describe('webhook sender shutdown', () => {
  it('lets a claim under way finish at shutdown and hands back, unsent, what it took', async () => {
    const receiver = await FakeWebhookReceiver.start();
    // No interval tick during the test: the only pass is the one started below.
    const t = await TestApp.start({ captureLogs: true, env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TICK_MS: '60000' } });
    const blocker = new Client({ connectionString: t.env.DATABASE_URL });
    try {
      const hook = await t.admin.post('/api/webhooks', { url: receiver.endpoint('shutdown'), eventTypes: ['crisis.activated'] }).expect(201);
      // Queued straight into the outbox, due now, without the wake-up an emit sends: no pass runs until the one below.
      await t.sql(
        `WITH event AS (INSERT INTO webhook_events (workspace_id, type, data) VALUES ($1, 'crisis.activated', '{}') RETURNING id)
         INSERT INTO webhook_deliveries (workspace_id, webhook_id, event_id, state, due_at) SELECT $1, $2, event.id, 'pending', now() FROM event`,
        [t.admin.workspaceId, hook.body.id],
      );
      // The claim reads webhooks with the deliveries it takes: it waits on this lock, so it commits only after the shutdown has begun.
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE webhooks IN ACCESS EXCLUSIVE MODE');
      const passing = t.app.get(WebhookSender).tick();
      await waitFor('the claim to wait on the lock', async () => {
        const rows = await blocker.query(`SELECT 1 FROM pg_locks WHERE relation = 'webhooks'::regclass AND NOT granted`);
        return rows.rowCount! > 0 || undefined;
      });
      const closing = t.app.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await blocker.query('COMMIT');
      await Promise.all([passing, closing]);

      const { rows } = await blocker.query(`SELECT state, attempts, lease_owner FROM webhook_deliveries WHERE webhook_id = $1`, [hook.body.id]);
      expect(rows).toEqual([{ state: 'pending', attempts: 0, lease_owner: null }]);
      expect(receiver.received('shutdown')).toHaveLength(0);
      expect(t.logs.filter((line) => /Connection terminated|Webhook tick failed/.test(line))).toEqual([]);
    } finally {
      await blocker.end();
      await t.close();
      await receiver.close();
    }
  });
});
