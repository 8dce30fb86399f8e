// The crisis switch says exactly what it stopped: sends in flight as they ended, what it held, and the end decides all that passed.
import { Client } from 'pg';
import { GATE_CLOSING_CHANNEL, GATE_LOCK_CLASS } from '../src/dispatch/dispatch-gate';
import { FakeTelegramApi } from './fakes/telegram-api';
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface InFlightBody {
  deliveryId: string;
  channelId: string;
  platform: string;
  outcome: string;
  state: string;
  url: string | null;
}

interface DeliveryBody {
  id: string;
  state: string;
  platform: string;
  heldByCrisisId: string | null;
}

/** A connection of its own, as another transaction (or another instance) would hold one. */
async function connect(t: TestApp): Promise<Client> {
  const client = new Client({ connectionString: t.env.DATABASE_URL });
  await client.connect();
  return client;
}

/** Whether some backend waits for an advisory lock of the dispatch gates (the switch closing them). */
async function gateCloseWaiting(t: TestApp): Promise<boolean> {
  const rows = await t.sql(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND NOT granted`, [GATE_LOCK_CLASS]);
  return rows.length > 0;
}

describe('the switch’s answer about sends in flight', () => {
  let x: FakeXApi;
  let telegram: FakeTelegramApi;
  let t: TestApp;
  let marketer: Caller;
  let lead: Caller;
  let viewer: Caller;
  let xChannel: string;
  let telegramChannel: string;

  beforeAll(async () => {
    x = await FakeXApi.start();
    x.rateLimit = 1_000_000;
    telegram = await FakeTelegramApi.start();
    // A long deadline: these sends are let finish (the deadline's abort has its own test).
    t = await TestApp.start({
      env: { X_API_URL: x.url, TELEGRAM_API_URL: telegram.url, DISPATCH_TICK_MS: '100', CRISIS_INFLIGHT_DEADLINE_MS: '30000' },
    });
    marketer = await t.member('marketer');
    lead = await t.member('crisis_lead');
    viewer = await t.member('viewer');
    xChannel = (await t.admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: x.oauth2Credentials() }).expect(201)).body.id;
    telegramChannel = (
      await t.admin.post('/api/channels', { platform: 'telegram', name: 'Telegram', handle: '@brand', credentials: telegram.publicChannel() }).expect(201)
    ).body.id;
  });
  afterAll(async () => {
    await t.close();
    await x.close();
    await telegram.close();
  });
  afterEach(async () => {
    if ((await viewer.get('/api/crisis').expect(200)).body.active) {
      await lead.post('/api/crisis/deactivate', { note: 'test cleanup', resumeCampaigns: false }).expect(200);
    }
  });

  async function deliveryOf(postId: string): Promise<{ id: string; state: string }> {
    const [row] = await t.sql<{ id: string; state: string }>('SELECT id, state FROM deliveries WHERE post_id = $1', [postId]);
    return row;
  }

  async function scheduledPost(text: string, channelId: string): Promise<{ postId: string; deliveryId: string }> {
    const res = await marketer.post('/api/posts', { text, channelIds: [channelId], scheduledAt: new Date(Date.now() + 3600_000).toISOString() }).expect(201);
    return { postId: res.body.id, deliveryId: (await deliveryOf(res.body.id)).id };
  }

  it('neither reports nor stops a Telegram delivery waiting at its gate when the crisis holds only X, and it publishes', async () => {
    const holder = await connect(t);
    try {
      // Another closer holds Telegram's gate: the delivery is claimed and waits at it.
      await holder.query(`SELECT pg_advisory_lock($1, hashtext($2 || ':' || 'telegram'))`, [GATE_LOCK_CLASS, t.admin.workspaceId]);
      const res = await marketer.post('/api/posts', { text: 'Telegram waits at its gate', channelIds: [telegramChannel], publishNow: true }).expect(201);
      const waiting = await waitFor('the Telegram delivery claimed', async () => {
        const d = await deliveryOf(res.body.id);
        return d.state === 'publishing' ? d : undefined;
      });

      const activation = await lead.post('/api/crisis/activate', { reason: 'X only', level: 1, platforms: ['x'], pauseAds: false }).expect(201);
      expect((activation.body.inFlight as InFlightBody[]).map((s) => s.deliveryId)).not.toContain(waiting.id);

      await holder.query(`SELECT pg_advisory_unlock($1, hashtext($2 || ':' || 'telegram'))`, [GATE_LOCK_CLASS, t.admin.workspaceId]);
      await waitFor('the Telegram delivery published', async () => (await deliveryOf(res.body.id)).state === 'published');
      expect(telegram.messages.filter((m) => m.text === 'Telegram waits at its gate')).toHaveLength(1);
    } finally {
      await holder.end();
    }
  }, 60_000);

  it('tells every dispatcher which gates close and their deadline while it still waits for the sends in flight', async () => {
    const listener = await connect(t);
    const sender = await connect(t);
    const notices: unknown[] = [];
    listener.on('notification', (message) => {
      if (message.channel === GATE_CLOSING_CHANNEL) {
        notices.push(JSON.parse(message.payload ?? 'null'));
      }
    });
    try {
      await listener.query(`LISTEN ${GATE_CLOSING_CHANNEL}`);
      // A send in flight behind the X gate (its shared lock, as a dispatcher holds it): the close must wait for it.
      await sender.query(`SELECT pg_advisory_lock_shared($1, hashtext($2 || ':' || 'x'))`, [GATE_LOCK_CLASS, t.admin.workspaceId]);
      let answered = false;
      const activating = lead
        .post('/api/crisis/activate', { reason: 'X hangs', level: 1, platforms: ['x'], pauseAds: false })
        .then((res) => res)
        .finally(() => {
          answered = true;
        });
      const notice = await waitFor('the gate-closing notice', () => notices[0], 10_000, 5);
      expect(notice).toEqual({ workspaceId: t.admin.workspaceId, platforms: ['x'], deadlineMs: 30_000 });
      expect(answered).toBe(false);
      await sender.query(`SELECT pg_advisory_unlock_shared($1, hashtext($2 || ':' || 'x'))`, [GATE_LOCK_CLASS, t.admin.workspaceId]);
      expect((await activating).status).toBe(201);
      expect(notices).toHaveLength(1);
    } finally {
      await listener.end();
      await sender.end();
    }
  }, 60_000);

  it('reports a send a dead instance left publishing as unknown, never as stopped before send, and the report says so', async () => {
    const { deliveryId } = await scheduledPost('Sent by an instance that died', xChannel);
    // Its sender was admitted at the gate (the request may have left) and then died a moment ago: its lease
    // still runs and its last heartbeat is fresh, so no instance has recovered it yet when the switch flips.
    await t.sql(`INSERT INTO dispatch_instances (owner, heartbeat_at) VALUES ('dead-instance', now())`);
    await t.sql(
      `UPDATE deliveries SET state = 'publishing', lease_owner = 'dead-instance', lease_expires_at = now() + interval '3 seconds',
              send_started_at = now() - interval '1 second', attempts = 1, due_at = now() - interval '2 seconds' WHERE id = $1`,
      [deliveryId],
    );
    const activation = await lead.post('/api/crisis/activate', { reason: 'After a crash', level: 1, pauseAds: false }).expect(201);
    const listed = (activation.body.inFlight as InFlightBody[]).find((s) => s.deliveryId === deliveryId);
    expect(listed).toMatchObject({ deliveryId, channelId: xChannel, platform: 'x', outcome: 'unknown', state: expect.stringMatching(/^(publishing|needs_verification)$/) });

    const report = await viewer.get(`/api/crises/${activation.body.crisis.id}/report`).expect(200);
    expect(report.body.inFlightAtActivation).toEqual([expect.objectContaining({ deliveryId, outcome: 'unknown' })]);
    const markdown = await viewer.get(`/api/crises/${activation.body.crisis.id}/report?format=markdown`).expect(200);
    expect(markdown.text).toMatch(new RegExp(`\\| ${deliveryId} \\| ${xChannel} \\| x \\| unknown \\|`));
    expect(markdown.text).not.toContain('stopped_before_send');

    // Lease recovery decides it: X has no idempotency key, so a person checks; it is never sent again.
    await waitFor('the dead instance’s send to need verification', async () => {
      const [row] = await t.sql<{ state: string }>('SELECT state FROM deliveries WHERE id = $1', [deliveryId]);
      return row.state === 'needs_verification';
    });
    expect(x.tweets.filter((tw) => tw.text === 'Sent by an instance that died')).toEqual([]);
  }, 60_000);

  it('holds what was claimed but never sent, and calls only that stopped before send', async () => {
    const { deliveryId } = await scheduledPost('Claimed elsewhere, never sent', xChannel);
    // Another instance, alive (its heartbeat is fresh, so no lease recovery takes the delivery back before the
    // switch flips), claimed it and has not reached the gate: no request left.
    await t.sql(`INSERT INTO dispatch_instances (owner, heartbeat_at) VALUES ('other-instance', now()) ON CONFLICT (owner) DO UPDATE SET heartbeat_at = now()`);
    await t.sql(
      `UPDATE deliveries SET state = 'publishing', lease_owner = 'other-instance', lease_expires_at = now() + interval '60 seconds',
              send_started_at = NULL, attempts = 1, due_at = now() - interval '2 seconds' WHERE id = $1`,
      [deliveryId],
    );
    const activation = await lead.post('/api/crisis/activate', { reason: 'Stop it', level: 1, pauseAds: false }).expect(201);
    const crisisId = activation.body.crisis.id as string;
    expect(activation.body.inFlight).toEqual([expect.objectContaining({ deliveryId, outcome: 'stopped_before_send', state: 'held' })]);
    const [row] = await t.sql<{ state: string; held_by_crisis_id: string; lease_owner: string | null; attempts: number }>(
      'SELECT state, held_by_crisis_id, lease_owner, attempts FROM deliveries WHERE id = $1',
      [deliveryId],
    );
    expect(row).toEqual({ state: 'held', held_by_crisis_id: crisisId, lease_owner: null, attempts: 0 });

    // Its time passed while held: the end of the crisis marks it missed, and it never goes out.
    const ended = await lead.post('/api/crisis/deactivate', { note: 'Over', resumeCampaigns: false }).expect(200);
    expect(ended.body.missed).toContain(deliveryId);
    expect(x.tweets.filter((tw) => tw.text === 'Claimed elsewhere, never sent')).toEqual([]);
  }, 60_000);

  it('lists a send admitted behind a later gate while the switch waited for an earlier one', async () => {
    // X comes first in the order the gates close: a slow X send keeps the switch waiting at X's gate.
    x.failNext('POST /2/tweets', { delayMs: 2500 });
    const slow = await marketer.post('/api/posts', { text: 'Slow on X', channelIds: [xChannel], publishNow: true }).expect(201);
    await waitFor('the X send in flight', () => x.requestsTo('POST /2/tweets').some((r) => (r.body as { text: string }).text === 'Slow on X'));

    const activating = lead.post('/api/crisis/activate', { reason: 'Everything', level: 1, pauseAds: false }).then((res) => res);
    await waitFor('the switch waiting at the X gate', () => gateCloseWaiting(t), 10_000, 2);
    // Telegram's gate is not closing yet: this send is admitted, and is still in flight when its turn comes.
    telegram.latencyMs = 4000;
    try {
      const late = await marketer.post('/api/posts', { text: 'Admitted behind the Telegram gate', channelIds: [telegramChannel], publishNow: true }).expect(201);
      const lateDelivery = await deliveryOf(late.body.id);
      const activation = await activating;
      expect(activation.status).toBe(201);
      const inFlight = activation.body.inFlight as InFlightBody[];

      const sentToTelegram = telegram.messages.filter((m) => m.text === 'Admitted behind the Telegram gate');
      expect(sentToTelegram).toHaveLength(1);
      expect(inFlight).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ deliveryId: (await deliveryOf(slow.body.id)).id, outcome: 'in_flight', state: 'published', platform: 'x' }),
          expect.objectContaining({ deliveryId: lateDelivery.id, outcome: 'in_flight', state: 'published', platform: 'telegram' }),
        ]),
      );
      expect(inFlight.find((s) => s.deliveryId === lateDelivery.id)?.url).toEqual(expect.any(String));
    } finally {
      telegram.latencyMs = 0;
    }
  }, 60_000);
});

describe('what the switch stopped, in every view', () => {
  let x: FakeXApi;
  let t: TestApp;
  let marketer: Caller;
  let lead: Caller;
  let viewer: Caller;
  let xChannel: string;
  let mastodonChannel: string;

  beforeAll(async () => {
    x = await FakeXApi.start();
    t = await TestApp.start({ env: { X_API_URL: x.url, DISPATCH_TICK_MS: '100' } });
    marketer = await t.member('marketer');
    lead = await t.member('crisis_lead');
    viewer = await t.member('viewer');
    xChannel = (await t.admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: x.oauth2Credentials() }).expect(201)).body.id;
    mastodonChannel = (
      await t.admin
        .post('/api/channels', { platform: 'mastodon', name: 'Mastodon', handle: '@brand@mastodon.example', credentials: { instanceUrl: 'http://127.0.0.1:9', accessToken: 't' } })
        .expect(201)
    ).body.id;
  });
  afterAll(async () => {
    await t.close();
    await x.close();
  });

  it('answers what it holds, by platform and by when it falls due, and every view reads held from the answer on', async () => {
    const inMinutes = (m: number): string => new Date(Date.now() + m * 60_000).toISOString();
    const soon = (await marketer.post('/api/posts', { text: 'Flash sale in half an hour', channelIds: [xChannel], scheduledAt: inMinutes(30) }).expect(201)).body.id;
    const tonight = (await marketer.post('/api/posts', { text: 'Tonight’s offer', channelIds: [xChannel], scheduledAt: inMinutes(300) }).expect(201)).body.id;
    const nextWeek = (await marketer.post('/api/posts', { text: 'Next week', channelIds: [xChannel], scheduledAt: inMinutes(7 * 24 * 60) }).expect(201)).body.id;
    const outOfScope = (await marketer.post('/api/posts', { text: 'On Mastodon', channelIds: [mastodonChannel], scheduledAt: inMinutes(30) }).expect(201)).body.id;
    const ids = [soon, tonight, nextWeek];

    const activation = await lead.post('/api/crisis/activate', { reason: 'Tragedy', level: 1, platforms: ['x'], pauseAds: false }).expect(201);
    const crisisId = activation.body.crisis.id as string;
    expect(activation.body.held).toEqual({ deliveries: 3, byPlatform: { x: 3 }, dueWithinHour: 1, dueWithinDay: 2, estimated: false });

    // GET /api/posts/:id
    for (const id of ids) {
      const post = await viewer.get(`/api/posts/${id}`).expect(200);
      expect(post.body.deliveries).toEqual([expect.objectContaining({ state: 'held', heldByCrisisId: crisisId, platform: 'x' })]);
    }
    expect((await viewer.get(`/api/posts/${outOfScope}`).expect(200)).body.deliveries).toEqual([expect.objectContaining({ state: 'scheduled', heldByCrisisId: null })]);

    // The calendar, and its filter by state.
    const range = `from=${encodeURIComponent(inMinutes(-60))}&to=${encodeURIComponent(inMinutes(8 * 24 * 60))}`;
    const calendar = await viewer.get(`/api/posts?${range}`).expect(200);
    const calendarPosts = (calendar.body.items ?? calendar.body.posts) as { id: string; deliveries: DeliveryBody[] }[];
    for (const id of ids) {
      expect(calendarPosts.find((p) => p.id === id)?.deliveries.map((d) => d.state)).toEqual(['held']);
    }
    const heldOnly = await viewer.get(`/api/posts?${range}&status=held`).expect(200);
    expect(((heldOnly.body.items ?? heldOnly.body.posts) as { id: string }[]).map((p) => p.id).sort()).toEqual([...ids].sort());
    const scheduledOnly = await viewer.get(`/api/posts?${range}&status=scheduled`).expect(200);
    expect(((scheduledOnly.body.items ?? scheduledOnly.body.posts) as { id: string }[]).map((p) => p.id)).toEqual([outOfScope]);

    // GET /api/deliveries, by state.
    const held = (await viewer.get('/api/deliveries?state=held').expect(200)).body as DeliveryBody[];
    expect(held).toHaveLength(3);
    expect(held.every((d) => d.platform === 'x' && d.heldByCrisisId === crisisId)).toBe(true);
    const scheduled = (await viewer.get('/api/deliveries?state=scheduled').expect(200)).body as DeliveryBody[];
    expect(scheduled.map((d) => d.platform)).toEqual(['mastodon']);

    // GET /api/crisis
    expect((await viewer.get('/api/crisis').expect(200)).body).toMatchObject({ active: true, held: 3 });

    // No row was written for it: the table still says scheduled until each falls due.
    const stored = await t.sql<{ state: string }>(`SELECT DISTINCT state FROM deliveries WHERE platform = 'x'`);
    expect(stored).toEqual([{ state: 'scheduled' }]);

    // After the crisis they read scheduled again, and their crisis is no longer named.
    await lead.post('/api/crisis/deactivate', { note: 'Over', resumeCampaigns: false }).expect(200);
    expect((await viewer.get(`/api/posts/${soon}`).expect(200)).body.deliveries).toEqual([expect.objectContaining({ state: 'scheduled', heldByCrisisId: null })]);
    expect((await viewer.get('/api/deliveries?state=held').expect(200)).body).toEqual([]);
  }, 60_000);
});

describe('deactivation and a delivery locked at that instant', () => {
  let x: FakeXApi;
  let t: TestApp;

  beforeAll(async () => {
    x = await FakeXApi.start();
    // No periodic pass during the test: only wake-ups (a post due now, the end of the crisis) run the engine.
    t = await TestApp.start({ env: { X_API_URL: x.url, DISPATCH_TICK_MS: '60000' } });
  });
  afterAll(async () => {
    await t.close();
    await x.close();
  });

  it('marks it missed once the lock is released, and it never reaches the platform', async () => {
    const marketer = await t.member('marketer');
    const lead = await t.member('crisis_lead');
    const channel = (await t.admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: x.oauth2Credentials() }).expect(201)).body.id;
    const post = await marketer.post('/api/posts', { text: 'Fell due during the crisis', channelIds: [channel], scheduledAt: new Date(Date.now() + 3600_000).toISOString() }).expect(201);
    const [{ id: deliveryId }] = await t.sql<{ id: string }>('SELECT id FROM deliveries WHERE post_id = $1', [post.body.id]);
    await lead.post('/api/crisis/activate', { reason: 'Recall', level: 1, pauseAds: false }).expect(201);
    // Its time passes during the crisis; no sweep has marked it held yet.
    await t.sql(`UPDATE deliveries SET due_at = now() - interval '1 minute' WHERE id = $1`, [deliveryId]);

    const holder = await connect(t);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM deliveries WHERE id = $1 FOR UPDATE', [deliveryId]);
      let answered = false;
      const ending = lead
        .post('/api/crisis/deactivate', { note: 'Over', resumeCampaigns: false })
        .then((res) => res)
        .finally(() => {
          answered = true;
        });
      await waitFor('the deactivation to answer or wait for the locked row', async () => {
        if (answered) {
          return true;
        }
        const waiting = await t.sql(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%deliveries%'`);
        return waiting.length > 0;
      });
      await holder.query('ROLLBACK');
      const ended = await ending;
      expect(ended.status).toBe(200);
      expect(ended.body.missed).toEqual([deliveryId]);
    } finally {
      await holder.end();
    }

    // After the crisis the engine runs over everything due: a post due now goes out, the missed one does not.
    const after = await marketer.post('/api/posts', { text: 'After the crisis', channelIds: [channel], publishNow: true }).expect(201);
    await waitFor('the post after the crisis published', async () => {
      const [row] = await t.sql<{ state: string }>('SELECT state FROM deliveries WHERE post_id = $1', [after.body.id]);
      return row.state === 'published';
    });
    const [row] = await t.sql<{ state: string }>('SELECT state FROM deliveries WHERE id = $1', [deliveryId]);
    expect(row.state).toBe('missed');
    expect(x.tweets.filter((tw) => tw.text === 'Fell due during the crisis')).toEqual([]);
  }, 60_000);
});
