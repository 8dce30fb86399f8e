// The live stream (GET /api/events): real HTTP streaming against the real service and database.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { LiveHub } from '../src/live/live-hub.service';
import { FakeXApi } from './fakes/x-api';
import { TestApp, type Caller } from './support/test-app';
import { waitFor } from './support/wait';

interface Received {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** A streaming client: collects events as they arrive; `close()` drops the connection. */
class Stream {
  readonly events: Received[] = [];
  /** The cursor as EventSource keeps it: the last `id:` field seen, on an event or on its own. */
  lastId = '';
  ended = false;
  status = 0;
  private request?: http.ClientRequest;

  static async open(base: string, key: string, lastEventId?: string): Promise<Stream> {
    const stream = new Stream();
    await new Promise<void>((resolve, reject) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${key}`, Accept: 'text/event-stream' };
      if (lastEventId) {
        headers['Last-Event-ID'] = lastEventId;
      }
      stream.request = http.get(`${base}/api/events`, { headers }, (res) => {
        stream.status = res.statusCode ?? 0;
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let at: number;
          while ((at = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, at);
            buffer = buffer.slice(at + 2);
            const fields: Record<string, string> = {};
            for (const line of block.split('\n')) {
              const m = /^([a-z]+): ?(.*)$/i.exec(line);
              if (m) {
                fields[m[1]] = m[2];
              }
            }
            if (fields.id !== undefined) {
              stream.lastId = fields.id;
            }
            if (fields.event) {
              stream.events.push({ id: fields.id ?? '', type: fields.event, data: JSON.parse(fields.data ?? '{}') as Record<string, unknown> });
            }
          }
        });
        res.on('end', () => (stream.ended = true));
        res.on('close', () => (stream.ended = true));
        resolve();
      });
      stream.request.on('error', (error) => (stream.ended ? resolve() : reject(error)));
    });
    return stream;
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  close(): void {
    this.request?.destroy();
  }
}

describe('Live events (GET /api/events)', () => {
  let app: TestApp;
  let base: string;
  let lead: Caller;
  const streams: Stream[] = [];
  const open = async (key: string, lastEventId?: string, at = base): Promise<Stream> => {
    const s = await Stream.open(at, key, lastEventId);
    streams.push(s);
    return s;
  };

  beforeAll(async () => {
    app = await TestApp.start();
    await app.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.app.getHttpServer().address() as AddressInfo).port}`;
    lead = await app.member('crisis_lead');
  }, 60_000);

  afterEach(() => streams.splice(0).forEach((s) => s.close()));
  afterAll(async () => {
    await app?.close();
  });

  it('carries a crisis activation and deactivation in order to a member of the workspace, not to another workspace', async () => {
    const marketer = await app.member('marketer');
    const other = await app.otherWorkspace();
    const mine = await open(marketer.key!);
    const theirs = await open(other.key!);
    expect(mine.status).toBe(200);
    const activated = await lead.post('/api/crisis/activate', { reason: 'Live test', level: 1 }).expect(201);
    const crisisId = (activated.body as { crisis: { id: string } }).crisis.id;
    await lead.post('/api/crisis/deactivate', { note: 'over' }).expect(200);
    await waitFor('mine.types().includes(crisis.deactivate', () => mine.types().includes('crisis.deactivated'), 10_000);
    const crisisEvents = mine.events.filter((e) => e.type.startsWith('crisis.'));
    expect(crisisEvents.map((e) => e.type)).toEqual(['crisis.activated', 'crisis.deactivated']);
    expect(crisisEvents[0].data).toMatchObject({ crisisId, level: 1 });
    expect(theirs.events.filter((e) => e.type.startsWith('crisis.'))).toEqual([]);
  });

  it('resumes from Last-Event-ID with exactly the events missed, and asks for a refresh when the id is unknown', async () => {
    const marketer = await app.member('marketer');
    const first = await open(marketer.key!);
    await lead.post('/api/crisis/activate', { reason: 'Resume test', level: 1 }).expect(201);
    await waitFor('first.types().includes(crisis.activated', () => first.types().includes('crisis.activated'), 10_000);
    await waitFor('the cursor after crisis.activated', () => first.lastId !== '' && first.events[first.events.length - 1].type !== 'refresh', 10_000);
    const seen = first.lastId;
    first.close();
    await lead.post('/api/crisis/deactivate', { note: 'missed while away' }).expect(200);
    const resumed = await open(marketer.key!, seen);
    await waitFor('resumed.types().includes(crisis.deactiv', () => resumed.types().includes('crisis.deactivated'), 10_000);
    expect(resumed.types().filter((t) => t.startsWith('crisis.'))).toEqual(['crisis.deactivated']);

    // A cursor from the future (forged, or another database's) and one whose missed events were pruned.
    const future = await open(marketer.key!, '9000000000000:9000000000000:');
    await waitFor('future.events.length > 0', () => future.events.length > 0, 10_000);
    expect(future.types()[0]).toBe('refresh');
    await app.sql(`UPDATE live_events SET created_at = now() - interval '2 hours'`);
    await app.app.get(LiveHub).prune();
    const pruned = await open(marketer.key!, seen);
    await waitFor('pruned.events.length > 0', () => pruned.events.length > 0, 10_000);
    expect(pruned.types()[0]).toBe('refresh');
    const malformed = await open(marketer.key!, 'not-a-cursor');
    await waitFor('malformed.events.length > 0', () => malformed.events.length > 0, 10_000);
    expect(malformed.types()[0]).toBe('refresh');
  });

  it('is not held back by a long transaction elsewhere in the cluster (another database’s migration, a stuck session)', async () => {
    const marketer = await app.member('marketer');
    const s = await open(marketer.key!);
    // A transaction with an xid, left open on another database of the same PostgreSQL: it pins the
    // cluster-wide xmin, which a cursor of "below the oldest running transaction" would wait for.
    const other = new Client({ connectionString: app.env.DATABASE_URL!.replace(/\/[^/?]+(\?|$)/, '/postgres$1') });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()');
      await lead.post('/api/crisis/activate', { reason: 'Long transaction elsewhere', level: 1 }).expect(201);
      await waitFor('crisis.activated despite the open transaction', () => s.types().includes('crisis.activated'), 3_000);
      await lead.post('/api/crisis/deactivate', { note: 'done' }).expect(200);
      await waitFor('crisis.deactivated despite the open transaction', () => s.types().includes('crisis.deactivated'), 3_000);
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
  });

  it('keeps admin-only events (members) from other roles', async () => {
    const marketer = await app.member('marketer');
    const m = await open(marketer.key!);
    const a = await open(app.admin.key!);
    const created = await app.member('viewer');
    await app.admin.patch(`/api/members/${created.memberId}`, { name: 'Renamed viewer' }).expect(200);
    await waitFor('a.types().includes(members.changed)', () => a.types().includes('members.changed'), 10_000);
    await lead.post('/api/crisis/activate', { reason: 'Role test', level: 1 }).expect(201);
    await lead.post('/api/crisis/deactivate', { note: 'done' }).expect(200);
    await waitFor('m.types().includes(crisis.deactivated)', () => m.types().includes('crisis.deactivated'), 10_000);
    expect(m.types()).not.toContain('members.changed');
  });

  it('ends the stream with session.ended when the member is disabled', async () => {
    const marketer = await app.member('marketer');
    const s = await open(marketer.key!);
    await app.admin.delete(`/api/members/${marketer.memberId}`).expect(204);
    await waitFor('s.ended', () => s.ended, 15_000);
    expect(s.types()).toContain('session.ended');
  });

  it('delivers a change made on one instance to a stream on another instance of the same database', async () => {
    const second = await TestApp.start({ sameDatabaseAs: app });
    try {
      await second.app.listen(0, '127.0.0.1');
      const secondBase = `http://127.0.0.1:${(second.app.getHttpServer().address() as AddressInfo).port}`;
      const marketer = await app.member('marketer');
      const s = await open(marketer.key!, undefined, secondBase);
      await lead.post('/api/crisis/activate', { reason: 'Two instances', level: 1 }).expect(201);
      await waitFor('s.types().includes(crisis.activated)', () => s.types().includes('crisis.activated'), 10_000);
      await lead.post('/api/crisis/deactivate', { note: 'done' }).expect(200);
      s.close();
    } finally {
      await second.close();
    }
  }, 60_000);
});

describe('Live events of the engine', () => {
  let x: FakeXApi;
  let app: TestApp;
  let base: string;
  const streams: Stream[] = [];

  beforeAll(async () => {
    x = await FakeXApi.start();
    x.rateLimit = 1_000_000;
    app = await TestApp.start({ env: { X_API_URL: x.url, DISPATCH_TICK_MS: '100' } });
    await app.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.app.getHttpServer().address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    streams.splice(0).forEach((s) => s.close());
    await app?.close();
    await x?.close();
  });

  it('tells of a post created on the fast path and of its delivery published by the dispatcher, with ids and states only', async () => {
    const viewer = await app.member('viewer');
    const marketer = await app.member('marketer');
    const channelId = (await app.admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: x.oauth2Credentials() }).expect(201))
      .body.id as string;
    const s = await Stream.open(base, viewer.key!);
    streams.push(s);
    const post = await marketer.post('/api/posts', { text: 'Published while you watch', channelIds: [channelId], publishNow: true }).expect(201);
    const postId = post.body.id as string;
    await waitFor('the post created on the stream', () =>
      s.events.find((e) => e.type === 'posts.changed' && (e.data.postIds as string[]).includes(postId)),
    );
    // The engine's events carry counts only (at most one per workspace every 250 ms): the console refetches what it shows.
    const published = await waitFor('its delivery recorded on the stream', () => s.events.find((e) => e.type === 'deliveries.changed'));
    expect(published.data).toEqual({ count: 1 });
    expect((await viewer.get(`/api/posts/${postId}`).expect(200)).body.deliveries[0].state).toBe('published');
    expect(x.tweets.filter((t) => t.text === 'Published while you watch')).toHaveLength(1);
    expect(JSON.stringify(published.data)).not.toContain('Published while you watch');
  });

  it('refuses a member an eleventh open stream with 429', async () => {
    const viewer = await app.member('viewer');
    for (let i = 0; i < 10; i++) {
      const s = await Stream.open(base, viewer.key!);
      streams.push(s);
      expect(s.status).toBe(200);
    }
    const eleventh = await Stream.open(base, viewer.key!);
    streams.push(eleventh);
    expect(eleventh.status).toBe(429);
  });
});
