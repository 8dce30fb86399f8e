// One definition of "in the crisis's scope" (src/dispatch/crisis-scope.ts): every reader and writer of what a crisis
// holds agrees on the matrix crisis platforms {all, [x], [x, mastodon]} × delivery platform {x, mastodon, telegram} ×
// release {none, by an earlier crisis, by this crisis}, through real PostgreSQL. A user drifting from the definition
// (its own copy of the platforms test or of "not released") disagrees with the table below on some cell.
import { randomUUID } from 'node:crypto';
import type { Platform } from '../src/channels/platform';
import { needsCrisisSignOff } from '../src/crisis/crises.repository';
import type { Crisis } from '../src/crisis/crisis.entity';
import { HOLD_CLAIMED_NEVER_SENT, HOLD_DUE_AT_DEACTIVATION, shownStateIs, stoppedByCrisis, stoppingCrisisId } from '../src/dispatch/crisis-hold';
import { crisisHolds, inCrisisScope, scopePlatforms } from '../src/dispatch/crisis-scope';
import { DispatchGate } from '../src/dispatch/dispatch-gate';
import { Dispatcher } from '../src/dispatch/dispatcher';
import { FakeMastodonApi } from './fakes/mastodon-api';
import { FakeTelegramApi } from './fakes/telegram-api';
import { FakeXApi } from './fakes/x-api';
import { Caller, TestApp } from './support/test-app';

const SCOPES: { name: string; platforms: Platform[] | null }[] = [
  { name: 'every platform', platforms: null },
  { name: 'X', platforms: ['x'] },
  { name: 'X and Mastodon', platforms: ['x', 'mastodon'] },
];
const DELIVERY_PLATFORMS = ['x', 'mastodon', 'telegram'] as const;
const RELEASES = ['none', 'by an earlier crisis', 'by this crisis'] as const;
type Release = (typeof RELEASES)[number];

/** The specification, cell by cell: what each crisis covers, written out rather than computed by the code under test. */
const COVERS: Record<string, Record<(typeof DELIVERY_PLATFORMS)[number], boolean>> = {
  'every platform': { x: true, mastodon: true, telegram: true },
  X: { x: true, mastodon: false, telegram: false },
  'X and Mastodon': { x: true, mastodon: true, telegram: false },
};

interface Row {
  label: string;
  deliveryId: string;
  postId: string;
  platform: Platform;
  release: Release;
  text: string;
}

interface Case {
  scope: (typeof SCOPES)[number];
  member: Caller;
  crisisId: string;
  rows: Row[];
  preview: { platforms: Platform[] | null; held: { deliveries: number; byPlatform: Record<string, number> }; firstDue: { deliveryId: string }[] };
}

const inScope = (c: Case, row: Row): boolean => COVERS[c.scope.name][row.platform as (typeof DELIVERY_PLATFORMS)[number]];
/** Stopped by the active crisis: in its scope and not released by it. */
const stops = (c: Case, row: Row): boolean => inScope(c, row) && row.release !== 'by this crisis';
const labels = (c: Case, ids: Iterable<string>): string[] => [...ids].map((id) => c.rows.find((r) => r.deliveryId === id)?.label ?? `unknown ${id}`).sort();
const expected = (c: Case, which: (row: Row) => boolean): string[] => c.rows.filter(which).map((r) => r.label).sort();

describe('one definition of what a crisis holds', () => {
  let x: FakeXApi;
  let mastodon: FakeMastodonApi;
  let telegram: FakeTelegramApi;
  let t: TestApp;
  const cases: Case[] = [];

  beforeAll(async () => {
    x = await FakeXApi.start();
    x.rateLimit = 1_000_000;
    mastodon = await FakeMastodonApi.start();
    telegram = await FakeTelegramApi.start();
    // No dispatcher of its own: the test runs the one pass (hold sweep, claim, gate) when every reader has been asked.
    t = await TestApp.start({ env: { X_API_URL: x.url, TELEGRAM_API_URL: telegram.url, DISPATCH_ENABLED: 'false' } });
    const later = new Date(Date.now() + 3600_000).toISOString();
    for (const scope of SCOPES) {
      const admin = await t.otherWorkspace(`Scope ${scope.name}`);
      const member = await t.member(['marketer', 'crisis_lead', 'approver'], admin);
      const channels: Record<string, string> = {
        x: (await admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: x.oauth2Credentials() }).expect(201)).body.id,
        mastodon: (await admin.post('/api/channels', { platform: 'mastodon', name: 'Mastodon', handle: '@brand@masto', credentials: mastodon.credentials() }).expect(201))
          .body.id,
        telegram: (await admin.post('/api/channels', { platform: 'telegram', name: 'Telegram', handle: '@brand', credentials: telegram.publicChannel() }).expect(201))
          .body.id,
      };
      const rows: Row[] = [];
      for (const platform of DELIVERY_PLATFORMS) {
        for (const release of RELEASES) {
          const text = `Scope ${scope.name}: on ${platform}, released ${release}`;
          const post = await member.post('/api/posts', { text, channelIds: [channels[platform]], scheduledAt: later }).expect(201);
          rows.push({ label: `${platform} / released ${release}`, deliveryId: post.body.deliveries[0].id, postId: post.body.id, platform, release, text });
        }
      }
      // Fallen due (the API schedules only in the future); an earlier crisis's release does not count for this one.
      await t.sql(`UPDATE deliveries SET due_at = now() - interval '1 minute' WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.deliveryId)]);
      await t.sql(`UPDATE deliveries SET released_by_crisis_id = $2 WHERE id = ANY($1::uuid[])`, [
        rows.filter((r) => r.release === 'by an earlier crisis').map((r) => r.deliveryId),
        randomUUID(),
      ]);
      const body = { reason: `Scope ${scope.name}`, level: 1, pauseAds: false, ...(scope.platforms ? { platforms: scope.platforms } : {}) };
      const preview = (await member.post('/api/crisis/preview', body).expect(200)).body as Case['preview'];
      const crisisId = (await member.post('/api/crisis/activate', body).expect(201)).body.crisis.id as string;
      // Released by this crisis: approved under it (what POST /api/posts/:id/approve writes), on every platform, in scope or not.
      await t.sql(`UPDATE deliveries SET released_by_crisis_id = $2 WHERE id = ANY($1::uuid[])`, [
        rows.filter((r) => r.release === 'by this crisis').map((r) => r.deliveryId),
        crisisId,
      ]);
      cases.push({ scope, member, crisisId, rows, preview });
    }
  });
  afterAll(async () => {
    await t.close();
    await x.close();
    await mastodon.close();
    await telegram.close();
  });

  it('the switch’s preview lists and counts what is in scope: a crisis not yet on has released nothing', () => {
    for (const c of cases) {
      expect({ scope: c.scope.name, listed: labels(c, c.preview.firstDue.map((d) => d.deliveryId)) }).toEqual({ scope: c.scope.name, listed: expected(c, (r) => inScope(c, r)) });
      const byPlatform = Object.fromEntries(DELIVERY_PLATFORMS.filter((p) => COVERS[c.scope.name][p]).map((p) => [p, RELEASES.length]));
      expect({ scope: c.scope.name, held: c.preview.held.byPlatform }).toEqual({ scope: c.scope.name, held: byPlatform });
    }
  });

  it('the claim’s and the gate’s predicate, the calendar’s shown state and the TypeScript rules agree on every cell', async () => {
    for (const c of cases) {
      const sql = await t.sql<{ id: string; stopped: boolean; stopping: string | null; shown_held: boolean; shown_scheduled: boolean }>(
        `SELECT d.id, ${stoppedByCrisis('d')} AS stopped, ${stoppingCrisisId('d')} AS stopping,
                ${shownStateIs('d', 'held', '$2')} AS shown_held, ${shownStateIs('d', 'scheduled', '$3')} AS shown_scheduled
           FROM deliveries d WHERE d.id = ANY($1::uuid[])`,
        [c.rows.map((r) => r.deliveryId), 'held', 'scheduled'],
      );
      const crisis = { id: c.crisisId, platforms: c.scope.platforms } as Crisis;
      for (const row of c.rows) {
        const cell = sql.find((s) => s.id === row.deliveryId)!;
        const stopped = stops(c, row);
        expect({ scope: c.scope.name, row: row.label, verdicts: [cell.stopped, cell.stopping !== null, cell.shown_held, !cell.shown_scheduled] }).toEqual({
          scope: c.scope.name,
          row: row.label,
          verdicts: [stopped, stopped, stopped, stopped],
        });
        expect(cell.stopping).toBe(stopped ? c.crisisId : null);
        const released = row.release === 'by this crisis' ? c.crisisId : row.release === 'none' ? null : randomUUID();
        expect({ row: `${c.scope.name}: ${row.label}`, holds: crisisHolds(crisis, { platform: row.platform, releasedByCrisisId: released }) }).toEqual({
          row: `${c.scope.name}: ${row.label}`,
          holds: stopped,
        });
        expect(inCrisisScope(crisis, row.platform)).toBe(inScope(c, row));
        expect(needsCrisisSignOff(crisis, row.platform, null)).toBe(inScope(c, row));
      }
      expect(scopePlatforms(c.scope.platforms).filter((p) => (DELIVERY_PLATFORMS as readonly string[]).includes(p))).toEqual(
        DELIVERY_PLATFORMS.filter((p) => COVERS[c.scope.name][p]),
      );
    }
  });

  it('the calendar, the approvals queue, the crisis room and the held count show exactly what the crisis stops', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    for (const c of cases) {
      const want = expected(c, (r) => stops(c, r));
      const byPost = (postIds: string[]): string[] => labels(c, c.rows.filter((r) => postIds.includes(r.postId)).map((r) => r.deliveryId));

      const calendar = (await c.member.get(`/api/posts?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&status=held`).expect(200)).body as {
        items: { id: string; deliveries: { id: string; state: string }[] }[];
      };
      expect({ scope: c.scope.name, calendar: byPost(calendar.items.map((p) => p.id)) }).toEqual({ scope: c.scope.name, calendar: want });
      const shown = await Promise.all(c.rows.map(async (r) => ((await c.member.get(`/api/posts/${r.postId}`).expect(200)).body as { deliveries: { state: string }[] }).deliveries[0]));
      expect({ scope: c.scope.name, shownHeld: labels(c, c.rows.filter((_, i) => shown[i].state === 'held').map((r) => r.deliveryId)) }).toEqual({
        scope: c.scope.name,
        shownHeld: want,
      });

      const queue = (await c.member.get('/api/approvals').expect(200)).body as { post: { id: string }; crisis: { id: string } | null }[];
      expect({ scope: c.scope.name, queue: byPost(queue.map((item) => item.post.id)) }).toEqual({ scope: c.scope.name, queue: want });
      expect(queue.every((item) => item.crisis?.id === c.crisisId)).toBe(true);

      const room = (await c.member.get(`/api/crises/${c.crisisId}/room`).expect(200)).body as { held: { deliveryId: string }[] };
      expect({ scope: c.scope.name, room: labels(c, room.held.map((h) => h.deliveryId)) }).toEqual({ scope: c.scope.name, room: want });

      const state = (await c.member.get('/api/crisis').expect(200)).body as { held: number };
      expect({ scope: c.scope.name, held: state.held }).toEqual({ scope: c.scope.name, held: want.length });
    }
  });

  it('at the switch and at its end, the statements that hold deliveries take exactly those in scope', async () => {
    for (const c of cases) {
      const ids = c.rows.map((r) => r.deliveryId);
      const runner = t.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        // Ending the crisis: what fell due in scope and was not released is held by it, to be decided missed.
        const [atEnd] = (await runner.query(HOLD_DUE_AT_DEACTIVATION, [c.crisisId, c.member.workspaceId, c.scope.platforms])) as [{ id: string }[], number];
        expect({ scope: c.scope.name, atEnd: labels(c, atEnd.map((r) => r.id)) }).toEqual({ scope: c.scope.name, atEnd: expected(c, (r) => stops(c, r)) });
        await runner.rollbackTransaction();

        // At the switch: claimed and never sent in scope is held (a crisis being switched on has released nothing yet).
        await runner.startTransaction();
        await runner.query(`UPDATE deliveries SET state = 'publishing', send_started_at = NULL WHERE id = ANY($1::uuid[])`, [ids]);
        const [claimed] = (await runner.query(HOLD_CLAIMED_NEVER_SENT, [c.crisisId, c.member.workspaceId, scopePlatforms(c.scope.platforms)])) as [{ id: string }[], number];
        expect({ scope: c.scope.name, claimed: labels(c, claimed.map((r) => r.id)) }).toEqual({ scope: c.scope.name, claimed: expected(c, (r) => inScope(c, r)) });
      } finally {
        if (runner.isTransactionActive) {
          await runner.rollbackTransaction();
        }
        await runner.release();
      }
    }
  });

  it('the gate admits, of a batch claimed to each platform, exactly what the crisis does not stop', async () => {
    const gate = t.app.get(DispatchGate);
    for (const c of cases) {
      const ids = c.rows.map((r) => r.deliveryId);
      await t.sql(`UPDATE deliveries SET state = 'publishing', lease_owner = 'scope-test', lease_expires_at = now() + interval '1 minute' WHERE id = ANY($1::uuid[])`, [ids]);
      const admitted: string[] = [];
      try {
        for (const platform of DELIVERY_PLATFORMS) {
          const pass = await gate.enter(c.member.workspaceId, platform, c.rows.filter((r) => r.platform === platform).map((r) => r.deliveryId), 'scope-test', 60_000);
          admitted.push(...pass.admitted);
          await pass.release();
        }
      } finally {
        // Back as they were: scheduled, never sent, for the dispatch pass below.
        await t.sql(`UPDATE deliveries SET state = 'scheduled', lease_owner = NULL, lease_expires_at = NULL, send_started_at = NULL WHERE id = ANY($1::uuid[])`, [ids]);
      }
      expect({ scope: c.scope.name, admitted: labels(c, admitted) }).toEqual({ scope: c.scope.name, admitted: expected(c, (r) => !stops(c, r)) });
    }
  });

  it('one dispatch pass holds exactly what the crisis stops and publishes everything else, released cells included', async () => {
    const dispatcher = t.app.get(Dispatcher);
    await dispatcher.tick();
    await dispatcher.idle();
    const sent = new Set([...x.tweets.map((tw) => tw.text), ...mastodon.statuses.map((s) => s.text), ...telegram.messages.map((m) => m.text)]);
    for (const c of cases) {
      const states = await t.sql<{ id: string; state: string; held_by_crisis_id: string | null }>(
        'SELECT id, state, held_by_crisis_id FROM deliveries WHERE id = ANY($1::uuid[])',
        [c.rows.map((r) => r.deliveryId)],
      );
      const held = states.filter((s) => s.state === 'held' && s.held_by_crisis_id === c.crisisId).map((s) => s.id);
      const published = states.filter((s) => s.state === 'published').map((s) => s.id);
      expect({ scope: c.scope.name, held: labels(c, held), published: labels(c, published) }).toEqual({
        scope: c.scope.name,
        held: expected(c, (r) => stops(c, r)),
        published: expected(c, (r) => !stops(c, r)),
      });
      expect({ scope: c.scope.name, sent: expected(c, (r) => sent.has(r.text)) }).toEqual({ scope: c.scope.name, sent: expected(c, (r) => !stops(c, r)) });
    }
  });
});
