// How attempts are recorded: in batches when many finish together, each once; a batch lost with its connection
// loses no delivery (the lease expires, the same event is sent again); an answer PostgreSQL cannot store is kept.
import { Client } from 'pg';
import { WebhookEvents } from '../src/webhooks/webhook-events.service';
import { FakeWebhookReceiver } from './fakes/webhook-receiver';
import { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface LoggedDelivery {
  id: string;
  eventId: string;
  state: string;
  attempts: number;
  lastError: string | null;
  log: { attempt: number; statusCode: number | null; error: string | null; responseBody: string | null }[];
}

describe('webhook attempt records', () => {
  let receiver: FakeWebhookReceiver;
  let t: TestApp;
  let hooks = 0;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    t = await TestApp.start({
      captureLogs: true,
      env: { WEBHOOK_TICK_MS: '100', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_TIMEOUT_MS: '1000' },
    });
  });
  // Each test's events go to its own webhook only.
  afterEach(async () => {
    for (const hook of (await t.admin.get('/api/webhooks').expect(200)).body as { id: string }[]) {
      await t.admin.delete(`/api/webhooks/${hook.id}`).expect(204);
    }
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  async function subscribe(): Promise<{ id: string; name: string }> {
    const name = `record-${++hooks}`;
    const res = await t.admin.post('/api/webhooks', { url: receiver.endpoint(name), eventTypes: ['platform.degraded'] }).expect(201);
    return { id: res.body.id, name };
  }

  async function emit(count: number): Promise<void> {
    const events = t.app.get(WebhookEvents);
    await t.dataSource.transaction(async (manager) => {
      for (let n = 0; n < count; n++) {
        await events.emit(manager, t.admin.workspaceId, 'platform.degraded', { n });
      }
    });
  }

  async function batchMetric(): Promise<{ sum: number; count: number }> {
    const text = (await t.anonymous.get('/metrics').expect(200)).text;
    const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    return { sum: value('holdfast_webhook_attempt_batch_size_sum'), count: value('holdfast_webhook_attempt_batch_size_count') };
  }

  async function settled(webhookId: string, count: number, timeoutMs?: number): Promise<LoggedDelivery[]> {
    return waitFor(
      `${count} deliveries of ${webhookId} settled`,
      async () => {
        const items = (await t.admin.get(`/api/webhooks/${webhookId}/deliveries?limit=200`).expect(200)).body.items as LoggedDelivery[];
        return items.length >= count && items.every((d) => ['delivered', 'failed', 'cancelled'].includes(d.state)) ? items : undefined;
      },
      timeoutMs,
    );
  }

  it('records attempts that finish together in one statement, each attempt once in its delivery log', async () => {
    const hook = await subscribe();
    const before = await batchMetric();
    receiver.latencyMs = 100;
    try {
      await emit(40);
      const log = await settled(hook.id, 40);
      expect(log.map((d) => [d.state, d.attempts, d.log.map((a) => [a.attempt, a.statusCode])])).toEqual(Array(40).fill(['delivered', 1, [[1, 200]]]));
      const [{ n }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM webhook_attempts WHERE delivery_id = ANY($1)', [log.map((d) => d.id)]);
      expect(n).toBe(40);
      // What an operator reads at /metrics: 40 attempts, and (sixteen requests in flight answering within moments
      // of each other) fewer statements than attempts.
      const after = await batchMetric();
      expect(after.sum - before.sum).toBe(40);
      expect(after.count - before.count).toBeLessThan(40);
      expect(after.count - before.count).toBeGreaterThan(0);
    } finally {
      receiver.latencyMs = 0;
    }
  });

  it('keeps an answer with a NUL byte (which PostgreSQL text cannot hold) in the log, without it', async () => {
    const hook = await subscribe();
    receiver.failNextHooks({ status: 500, body: 'broken\u0000answer' });
    await emit(1);
    const [delivery] = await settled(hook.id, 1);
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(delivery.log.map((a) => [a.attempt, a.statusCode, a.responseBody])).toEqual([
      [1, 500, 'brokenanswer'],
      [2, 200, '{"received":true}'],
    ]);
  });

  it('loses no delivery when a batch is lost with its database connection: the leases expire and the same events are sent again', async () => {
    const hook = await subscribe();
    const blocker = new Client({ connectionString: t.env.DATABASE_URL });
    await blocker.connect();
    try {
      // The records wait on this lock; their connection is then cut, as a crash or a failover of the database would.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE webhook_attempts IN ACCESS EXCLUSIVE MODE');
      await emit(3);
      const crashed = (): number => t.logs.filter((line) => line.includes('Webhook send crashed; its lease will expire') && line.includes('webhookDeliveryId')).length;
      const before = crashed();
      await waitFor(
        'the three records lost',
        async () => {
          const { rows } = await blocker.query<{ pid: number }>(`SELECT pid FROM pg_locks WHERE relation = 'webhook_attempts'::regclass AND NOT granted`);
          for (const { pid } of rows) {
            await blocker.query('SELECT pg_terminate_backend($1)', [pid]);
          }
          return crashed() - before >= 3 || undefined;
        },
        10_000,
        50,
      );
      await blocker.query('COMMIT');
      expect(receiver.received(hook.name)).toHaveLength(3);
      const [{ sending }] = await t.sql<{ sending: number }>(`SELECT count(*)::int AS sending FROM webhook_deliveries WHERE webhook_id = $1 AND state = 'sending'`, [hook.id]);
      expect(sending).toBe(3);

      // The lease (twice the timeout plus 5 s) runs out; the sweep puts them back, and they go again.
      const log = await settled(hook.id, 3, 20_000);
      expect(log.map((d) => d.state)).toEqual(['delivered', 'delivered', 'delivered']);
      // The second attempt is what the log holds: the first one's record went with the connection.
      expect(log.every((d) => d.attempts === 2 && d.log.length === 1 && d.log[0].attempt === 2 && d.log[0].statusCode === 200)).toBe(true);
      const ids = receiver.received(hook.name).map((request) => request.headers['holdfast-event-id']);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(3);
      expect(new Set(ids)).toEqual(new Set(log.map((d) => d.eventId)));
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
  }, 40_000);
});
