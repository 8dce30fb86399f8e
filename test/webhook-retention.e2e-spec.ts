// Webhook retention: events and their attempts past WEBHOOK_RETENTION_DAYS go, in batches, once per cluster;
// recent ones and anything still pending or being retried stay.
import { Client } from 'pg';
import { validateEnv } from '../src/config/env';
import { PRUNE_BATCH, WebhookRetention } from '../src/webhooks/webhook-retention';
import { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface Arranged {
  eventId: string;
  deliveryId: string | null;
}

describe('webhook retention', () => {
  let t: TestApp;
  let webhookId: string;

  beforeAll(async () => {
    // API-only: no sender touches the arranged rows; the prune runs on every kind of instance.
    t = await TestApp.start({ env: { DISPATCH_ENABLED: 'false', WEBHOOK_RETENTION_DAYS: '10' } });
    webhookId = (await t.admin.post('/api/webhooks', { url: 'https://hooks.example.com/holdfast', eventTypes: ['crisis.activated'] }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  /** An event `ageDays` old with one delivery in `state`, last changed `changedDaysAgo` ago, and `attempts` logged attempts. */
  async function arrange(ageDays: number, state: string | null, changedDaysAgo = ageDays, attempts = 1, dueInDays = 0): Promise<Arranged> {
    const [event] = await t.sql<{ id: string }>(
      `INSERT INTO webhook_events (workspace_id, type, data, created_at) VALUES ($1, 'crisis.activated', '{}', now() - make_interval(days => $2)) RETURNING id`,
      [t.admin.workspaceId, ageDays],
    );
    if (state === null) {
      return { eventId: event.id, deliveryId: null };
    }
    const [delivery] = await t.sql<{ id: string }>(
      `INSERT INTO webhook_deliveries (workspace_id, webhook_id, event_id, state, due_at, attempts, lease_owner, lease_expires_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(days => $7), $6,
               CASE WHEN $4 = 'sending' THEN 'another-instance' END, CASE WHEN $4 = 'sending' THEN now() + interval '1 minute' END,
               now() - make_interval(days => $5::int), now() - make_interval(days => $8::int))
       RETURNING id`,
      [t.admin.workspaceId, webhookId, event.id, state, ageDays, attempts, dueInDays, changedDaysAgo],
    );
    await t.sql(
      `INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error)
       SELECT $1, g, now() - make_interval(days => $2::int), 12, 500, 'the receiver answered 500' FROM generate_series(1, $3::int) g`,
      [delivery.id, changedDaysAgo, attempts],
    );
    return { eventId: event.id, deliveryId: delivery.id };
  }

  async function remaining(ids: Arranged[]): Promise<{ events: string[]; deliveries: string[]; attempts: number }> {
    const events = await t.sql<{ id: string }>('SELECT id FROM webhook_events WHERE id = ANY($1)', [ids.map((a) => a.eventId)]);
    const deliveryIds = ids.map((a) => a.deliveryId).filter((id) => id !== null);
    const deliveries = await t.sql<{ id: string }>('SELECT id FROM webhook_deliveries WHERE id = ANY($1)', [deliveryIds]);
    const [{ n }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM webhook_attempts WHERE delivery_id = ANY($1)', [deliveryIds]);
    return { events: events.map((r) => r.id).sort(), deliveries: deliveries.map((r) => r.id).sort(), attempts: n };
  }

  it('deletes settled events and their attempts past the retention, keeping recent ones and those still on their way', async () => {
    const old = [
      await arrange(40, 'delivered', 40, 1),
      await arrange(11, 'failed', 11, 3),
      await arrange(30, 'cancelled', 30, 0),
      await arrange(30, null), // an event no webhook subscribed to
    ];
    const kept = [
      await arrange(9, 'delivered'), // within the 10 days
      await arrange(40, 'pending', 40, 2, 1), // a retry due tomorrow
      await arrange(40, 'pending', 12, 0), // never sent yet (its webhook was paused, say)
      await arrange(40, 'sending', 40, 1), // in flight on another instance
      await arrange(40, 'failed', 2, 4), // re-sent two days ago: its log stays for the person who re-sent it
    ];
    // An event whose deliveries are not all settled stays whole: its delivered one too.
    const [shared] = await t.sql<{ id: string }>(
      `INSERT INTO webhook_deliveries (workspace_id, webhook_id, event_id, state, due_at, created_at, updated_at)
       VALUES ($1, $2, $3, 'delivered', now(), now() - interval '40 days', now() - interval '40 days') RETURNING id`,
      [t.admin.workspaceId, webhookId, kept[1].eventId],
    );
    const before = (await t.admin.get(`/api/webhooks/${webhookId}/deliveries?limit=200`).expect(200)).body.items as { id: string }[];

    const result = await t.app.get(WebhookRetention).prune();

    expect(result).toEqual({ events: 4, deliveries: 3, attempts: 4, batches: 1 });
    expect(await remaining(old)).toEqual({ events: [], deliveries: [], attempts: 0 });
    const left = await remaining(kept);
    expect(left.events).toEqual(kept.map((a) => a.eventId).sort());
    expect(left.deliveries).toEqual(kept.map((a) => a.deliveryId!).sort());
    expect(left.attempts).toBe(1 + 2 + 0 + 1 + 4);
    // What the admin sees: the delivery log lost exactly the old settled deliveries.
    const after = (await t.admin.get(`/api/webhooks/${webhookId}/deliveries?limit=200`).expect(200)).body.items as { id: string }[];
    const gone = old.map((a) => a.deliveryId).filter((id) => id !== null);
    expect(after.map((d) => d.id).sort()).toEqual(before.map((d) => d.id).filter((id) => !gone.includes(id)).sort());
    expect(after.map((d) => d.id)).toContain(shared.id);
    // Nothing left to do: a second run deletes nothing.
    expect(await t.app.get(WebhookRetention).prune()).toEqual({ events: 0, deliveries: 0, attempts: 0, batches: 1 });
  });

  it('prunes a large backlog in batches of a thousand events, each its own short transaction', async () => {
    const count = 2 * PRUNE_BATCH + 500;
    await t.sql(
      `WITH e AS (
         INSERT INTO webhook_events (workspace_id, type, data, created_at)
         SELECT $1, 'crisis.activated', jsonb_build_object('n', g), now() - interval '20 days' FROM generate_series(1, $3::int) g RETURNING id),
       d AS (
         INSERT INTO webhook_deliveries (workspace_id, webhook_id, event_id, state, due_at, attempts, created_at, updated_at)
         SELECT $1, $2, e.id, 'delivered', now(), 1, now() - interval '20 days', now() - interval '20 days' FROM e RETURNING id)
       INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code) SELECT d.id, 1, now() - interval '20 days', 5, 200 FROM d`,
      [t.admin.workspaceId, webhookId, count],
    );
    const result = await t.app.get(WebhookRetention).prune();
    expect(result).toEqual({ events: count, deliveries: count, attempts: count, batches: 3 });
    expect(await t.sql(`SELECT 1 FROM webhook_events WHERE created_at < now() - interval '15 days' AND data ? 'n'`)).toEqual([]);
  });

  it('runs on one instance of the cluster at a time: a second instance skips its turn while the first prunes', async () => {
    const second = await TestApp.start({ sameDatabaseAs: t, env: { DISPATCH_ENABLED: 'false', WEBHOOK_RETENTION_DAYS: '10' } });
    const blocker = new Client({ connectionString: t.env.DATABASE_URL });
    try {
      const old = [await arrange(20, 'delivered'), await arrange(20, 'failed', 20, 2)];
      // Holds the first instance's prune inside its run (it has the cluster's lock and waits on the table).
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE webhook_events IN ACCESS EXCLUSIVE MODE');
      const first = t.app.get(WebhookRetention).prune();
      await waitFor('the first prune to wait on the table', async () => {
        const rows = await blocker.query(`SELECT 1 FROM pg_locks WHERE relation = 'webhook_events'::regclass AND NOT granted`);
        return rows.rowCount! > 0 || undefined;
      });
      expect(await second.app.get(WebhookRetention).prune()).toBeNull();
      await blocker.query('COMMIT');
      expect(await first).toEqual({ events: 2, deliveries: 2, attempts: 3, batches: 1 });
      expect(await remaining(old)).toEqual({ events: [], deliveries: [], attempts: 0 });
      // Once the first is done, the lock is free for whichever instance's turn comes next.
      expect(await second.app.get(WebhookRetention).prune()).toEqual({ events: 0, deliveries: 0, attempts: 0, batches: 1 });
    } finally {
      await blocker.end();
      await second.close();
    }
  });

  it('takes WEBHOOK_RETENTION_DAYS from the environment: 30 days by default, a whole number of days from 1 to 3650', () => {
    expect(validateEnv({}).WEBHOOK_RETENTION_DAYS).toBe(30);
    expect(validateEnv({ WEBHOOK_RETENTION_DAYS: '90' }).WEBHOOK_RETENTION_DAYS).toBe(90);
    for (const bad of ['0', '3651', 'a month', '7.5']) {
      expect(() => validateEnv({ WEBHOOK_RETENTION_DAYS: bad })).toThrow('WEBHOOK_RETENTION_DAYS must be an integer number of days between 1 and 3650');
    }
  });
});
