// The audit trail: every change through the API, in its transaction, hash-chained and append-only.
import type { AuditActor } from '../src/audit/audit-actor';
import { hashEvent } from '../src/audit/audit-chain';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { AuditService } from '../src/audit/audit.service';
import type { AuditEventView } from '../src/audit/dto/audit-event.view';
import { channelBody } from './support/factories';
import { TestApp } from './support/test-app';

/** An event as the API answers it (JSON: dates as strings). */
type AuditItem = Omit<AuditEventView, 'occurredAt'> & { occurredAt: string };

describe('audit trail', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  async function newest(): Promise<AuditItem[]> {
    const res = await t.admin.get('/api/audit?limit=200').expect(200);
    return res.body.items as AuditItem[];
  }

  it('starts with the first start: the operator workspace, its admin, the key and the invite link', async () => {
    const items = await newest();
    expect(items.slice(-4).map((e) => [e.seq, e.action, e.actorLabel])).toEqual([
      [4, 'member.invited', 'system'],
      [3, 'api_key.created', 'system'],
      [2, 'member.created', 'system'],
      [1, 'workspace.created', 'system'],
    ]);
  });

  it('records every change made through the API, with actor, target, before/after and request id', async () => {
    const changes: [string, () => Promise<{ headers: Record<string, string> }>, string[]][] = [];
    let memberId = '';
    let channelId = '';
    let keyId = '';
    changes.push(['create member', async () => {
      const res = await t.admin.post('/api/members', { name: 'Ana', roles: ['marketer'] }).expect(201);
      memberId = res.body.member.id;
      keyId = res.body.apiKey.id;
      return res;
    }, ['member.created', 'api_key.created', 'member.invited']]);
    changes.push(['update member', () => t.admin.patch(`/api/members/${memberId}`, { roles: ['marketer', 'approver'], reason: 'covers approvals' }).expect(200), ['member.updated']]);
    changes.push(['issue key', () => t.admin.post(`/api/members/${memberId}/api-keys`, { name: 'ci' }).expect(201), ['api_key.created']]);
    changes.push(['revoke key', () => t.admin.delete(`/api/api-keys/${keyId}`).expect(204), ['api_key.revoked']]);
    changes.push(['connect channel', async () => {
      const res = await t.admin.post('/api/channels', channelBody('bluesky')).expect(201);
      channelId = res.body.id;
      return res;
    }, ['channel.created']]);
    changes.push(['update channel', () => t.admin.patch(`/api/channels/${channelId}`, { name: 'Renamed' }).expect(200), ['channel.updated']]);
    changes.push(['delete channel', () => t.admin.delete(`/api/channels/${channelId}`).expect(204), ['channel.deleted']]);
    changes.push(['rename workspace', () => t.admin.patch('/api/workspace', { name: 'Holdfast HQ' }).expect(200), ['workspace.renamed']]);
    changes.push(['create workspace', () => t.admin.post('/api/workspaces', { name: 'Client B', adminName: 'Bo' }).expect(201), ['workspace.created']]);
    changes.push(['remove member', () => t.admin.delete(`/api/members/${memberId}`).expect(204), ['member.disabled', 'api_key.revoked']]);

    for (const [name, act, actions] of changes) {
      const before = (await newest())[0].seq;
      const res = await act();
      const added = (await newest()).filter((e) => e.seq > before);
      expect({ name, actions: added.map((e) => e.action).reverse() }).toEqual({ name, actions });
      for (const event of added) {
        expect(event.actorId).toBe(t.admin.memberId);
        expect(event.requestId).toBe(res.headers['x-request-id']);
      }
    }

    const [update] = (await newest()).filter((e) => e.action === 'member.updated');
    expect(update).toMatchObject({
      targetType: 'member',
      targetId: memberId,
      before: { roles: ['marketer'] },
      after: { roles: ['marketer', 'approver'] },
      reason: 'covers approvals',
    });
    const [channelCreated] = (await newest()).filter((e) => e.action === 'channel.created');
    expect(JSON.stringify(channelCreated)).not.toContain('abcd-efgh-ijkl-0006');
  });

  it('writes nothing when the change is refused', async () => {
    const main = await t.admin.post('/api/channels', channelBody('facebook')).expect(201);
    const backup = await t.admin.post('/api/channels', channelBody('telegram')).expect(201);
    await t.admin.patch(`/api/channels/${main.body.id}`, { fallbackChannelIds: [backup.body.id] }).expect(200);
    const before = (await newest())[0].seq;
    await t.admin.delete(`/api/channels/${backup.body.id}`).expect(409);
    await t.admin.patch(`/api/members/${t.admin.memberId}`, { roles: ['viewer'] }).expect(409);
    await t.admin.post('/api/channels', channelBody('facebook', { credentials: {} })).expect(400);
    expect((await newest())[0].seq).toBe(before);
  });

  it('pages newest first with a cursor, and filters', async () => {
    for (let i = 0; i < 12; i++) {
      await t.admin.post('/api/members', { name: `Pager ${i}`, roles: ['viewer'] }).expect(201);
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: AuditItem[]; nextCursor: string | null } } = await t.admin
        .get(`/api/audit?limit=7${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      seen.push(...res.body.items.map((e: AuditItem) => e.seq));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen[seen.length - 1]).toBe(1);
    expect(seen.length).toBe(seen[0]);

    const created = await t.admin.get('/api/audit?action=member.created&limit=200').expect(200);
    expect(created.body.items.every((e: AuditItem) => e.action === 'member.created')).toBe(true);
    expect(created.body.items.length).toBeGreaterThanOrEqual(12);
    const one = created.body.items[0] as AuditItem;
    const byTarget = await t.admin.get(`/api/audit?targetType=member&targetId=${one.targetId}`).expect(200);
    expect(byTarget.body.items.every((e: AuditItem) => e.targetId === one.targetId)).toBe(true);
    const bySystem = await t.admin.get(`/api/audit?actorId=${t.admin.memberId}&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`).expect(200);
    expect(bySystem.body.items.length).toBeGreaterThan(10);
    const future = await t.admin.get('/api/audit?from=2100-01-01T00:00:00Z').expect(200);
    expect(future.body).toEqual({ items: [], nextCursor: null });

    await t.admin.get('/api/audit?cursor=not-a-cursor').expect(400);
    await t.admin.get('/api/audit?limit=0').expect(400);
    await t.admin.get('/api/audit?limit=5000').expect(400);
    await t.admin.get('/api/audit?from=yesterday').expect(400);
    await t.admin.get('/api/audit?actorId=42').expect(400);
  });

  it('verifies the chain', async () => {
    const res = await t.admin.get('/api/audit/verify').expect(200);
    const [head] = await newest();
    expect(res.body).toEqual({ ok: true, checked: head.seq, head: { seq: head.seq, hash: expect.stringMatching(/^[0-9a-f]{64}$/) }, firstBrokenLink: null });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the table', async () => {
    await expect(t.sql(`UPDATE audit_events SET reason = 'edited'`)).rejects.toThrow(/append-only: UPDATE/);
    await expect(t.sql('DELETE FROM audit_events')).rejects.toThrow(/append-only: DELETE/);
    await expect(t.sql('TRUNCATE audit_events')).rejects.toThrow(/append-only: TRUNCATE/);
  });

  it('reports a row altered behind its back as the first broken link', async () => {
    const workspace = t.admin.workspaceId;
    const [target] = await t.sql<{ id: string; seq: string }>(
      'SELECT id, seq FROM audit_events WHERE workspace_id = $1 AND seq = 5',
      [workspace],
    );
    await t.sql('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete');
    try {
      await t.sql(`UPDATE audit_events SET after = '{"name":"forged"}' WHERE id = $1`, [target.id]);
    } finally {
      await t.sql('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete');
    }
    const res = await t.admin.get('/api/audit/verify').expect(200);
    expect(res.body).toMatchObject({
      ok: false,
      checked: 4,
      firstBrokenLink: { seq: 5, eventId: target.id, reason: 'content_hash_mismatch' },
    });
  });
});

describe('audit trail under concurrency', () => {
  it('stays one unbroken chain when two service instances write at once', async () => {
    const first = await TestApp.start();
    const second = await TestApp.start({ sameDatabaseAs: first });
    try {
      const writes = Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? first : second).admin.post('/api/channels', channelBody('mastodon', { name: `Parallel ${i}` })),
      );
      const results = await Promise.all(writes);
      expect(results.map((r) => r.status)).toEqual(Array(30).fill(201));
      const verify = await second.admin.get('/api/audit/verify').expect(200);
      // The first start's four events (workspace, admin, key, invite) and the 30 channels.
      expect(verify.body).toMatchObject({ ok: true, checked: 34 });
      const seqs = await first.sql<{ seq: string }>('SELECT seq FROM audit_events WHERE workspace_id = $1 ORDER BY seq', [first.admin.workspaceId]);
      expect(seqs.map((r) => Number(r.seq))).toEqual(Array.from({ length: 34 }, (_, i) => i + 1));
    } finally {
      await second.close();
      await first.close();
    }
  });

  // An edit locks the channel row, then waits for the chain; a new post on that channel must not hold the
  // chain while it waits for the row (its foreign key check), or the two deadlock and one of them fails.
  it('creates posts on a channel while the channel is being edited, every request succeeding', async () => {
    const first = await TestApp.start();
    const second = await TestApp.start({ sameDatabaseAs: first });
    try {
      const channel = await first.admin.post('/api/channels', channelBody('mastodon', { name: 'Busy' })).expect(201);
      const marketers = [await first.member('marketer'), await second.member('marketer')];
      const inOneHour = new Date(Date.now() + 3600_000).toISOString();
      const requests = Array.from({ length: 60 }, (_, i) =>
        i % 3 === 0
          ? (i % 2 ? first : second).admin.patch(`/api/channels/${channel.body.id}`, { name: `Busy ${i}` })
          : marketers[i % 2].post('/api/posts', { text: `Post ${i}`, channelIds: [channel.body.id], scheduledAt: inOneHour }),
      );
      const results = await Promise.all(requests);
      expect(results.map((r) => r.status).sort()).toEqual([...Array(20).fill(200), ...Array(40).fill(201)]);
      const verify = await first.admin.get('/api/audit/verify').expect(200);
      expect(verify.body.ok).toBe(true);
      const [{ n }] = await first.sql<{ n: string }>(`SELECT count(*) AS n FROM audit_events WHERE action = 'post.created'`);
      expect(Number(n)).toBe(40);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

describe('audit trail with awkward content', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  // Everything JSON escapes, or does not, or that UTF-8 spells in four bytes: the database hashes the text
  // Node prepared, so any difference in how either side sees these bytes breaks the chain.
  const awkward = [
    'family 👩‍👩‍👧 and 𝄞 and 😀',
    'quotes " and \' and \\" backslashes \\ \\\\',
    'lines\nand\r\nreturns\tand tabs',
    'separators \u2028 and \u2029',
    'controls \u0001 \u001f \u007f \u0085',
    'markers S0123456789abcdef0123456789abcdef "S0123456789abcdef0123456789abcdef" P0123456789abcdef0123456789abcdef',
    '{"seq":1,"prevHash":"0000"}',
    '',
  ];

  it('hashes in the database exactly as Node does, so the chain verifies', async () => {
    const audit = t.app.get(AuditService);
    const workspaceId = t.admin.workspaceId;
    const actor: AuditActor = { memberId: t.admin.memberId, label: 'Zoë 👩‍👩‍👧 "admin"', requestId: 'req\u2028"1"' };
    const recorded: AuditEvent[] = [];
    for (const [i, text] of awkward.entries()) {
      recorded.push(
        await t.dataSource.transaction((manager) =>
          audit.record(manager, workspaceId, actor, {
            action: 'test.awkward',
            targetType: 'text',
            targetId: text,
            before: i % 2 ? null : { [text]: text, list: [text, 1, 2.5, true, null], nested: { z: text, a: { b: text } } },
            after: { text, number: -17, unicode: '\u00e9\u4e2d\ud83d\ude00' },
            reason: text,
          }),
        ),
      );
    }
    await t.admin.patch(`/api/members/${t.admin.memberId}`, { reason: awkward.join(' | ') }).expect(200);

    const stored = await t.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where('e.workspace_id = :workspaceId', { workspaceId })
      .orderBy('e.seq', 'ASC')
      .getMany();
    for (const event of stored) {
      expect({ seq: event.seq, hash: hashEvent(event) }).toEqual({ seq: event.seq, hash: event.hash });
    }
    for (const event of recorded) {
      const row = stored.find((e) => e.id === event.id);
      expect({ ...row, occurredAt: row?.occurredAt.toISOString() }).toEqual({ ...event, occurredAt: event.occurredAt.toISOString() });
    }
    expect(stored.find((e) => e.action === 'member.updated')?.reason).toBe(awkward.join(' | '));

    const verify = await t.admin.get('/api/audit/verify').expect(200);
    expect(verify.body).toEqual({
      ok: true,
      checked: stored.length,
      head: { seq: stored.length, hash: stored[stored.length - 1].hash },
      firstBrokenLink: null,
    });
  });
});
