// Templates: versions that never change, four-eyes approval of one exact version, placeholders declared and filled as text.
import { Caller, TestApp } from './support/test-app';

const OUTAGE = {
  name: 'Outage holding statement',
  body: '{{service}} is down. We are on it and will update you by {{eta}}. Thank you for your patience.',
  variants: { x: '{{service}} is down; update by {{eta}}' },
  placeholders: [
    { name: 'service', description: 'What is down, as customers call it' },
    { name: 'eta', description: 'When the next update comes' },
  ],
};

describe('templates', () => {
  let t: TestApp;
  let marketer: Caller;
  let otherMarketer: Caller;
  let approverA: Caller;
  let approverB: Caller;
  let writerApprover: Caller;
  let crisisLead: Caller;
  let viewer: Caller;
  let counter = 0;

  beforeAll(async () => {
    t = await TestApp.start();
    marketer = await t.member('marketer');
    otherMarketer = await t.member('marketer');
    approverA = await t.member('approver');
    approverB = await t.member('approver');
    writerApprover = await t.member(['marketer', 'approver']);
    crisisLead = await t.member('crisis_lead');
    viewer = await t.member('viewer');
  });
  afterAll(() => t.close());

  async function write(by: Caller = marketer, overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await by.post('/api/templates', { ...OUTAGE, name: `${OUTAGE.name} ${++counter}`, ...overrides }).expect(201);
    return res.body.id;
  }

  describe('versions and approval', () => {
    it('starts at version 1 waiting for approval, readable by anyone in the workspace', async () => {
      const id = await write();
      const res = await viewer.get(`/api/templates/${id}`).expect(200);
      expect(res.body).toMatchObject({ currentVersion: 1, approvedVersions: [], authorId: marketer.memberId, archivedAt: null });
      expect(res.body.versions).toEqual([
        expect.objectContaining({
          version: 1,
          body: OUTAGE.body,
          variants: OUTAGE.variants,
          placeholders: [
            { name: 'service', description: 'What is down, as customers call it', required: true },
            { name: 'eta', description: 'When the next update comes', required: true },
          ],
          status: 'pending',
          authorId: marketer.memberId,
          decisions: [],
          contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        }),
      ]);
      const list = await viewer.get('/api/templates').expect(200);
      expect(list.body.map((tpl: { id: string }) => tpl.id)).toContain(id);
    });

    it('is approved by an approver who did not write that version (four eyes), once', async () => {
      const id = await write(writerApprover);
      const own = await writerApprover.post(`/api/templates/${id}/approve`, { version: 1 }).expect(403);
      expect(own.body.message).toContain('Four eyes');
      const approved = await approverA.post(`/api/templates/${id}/approve`, { version: 1, comment: 'Tone is right' }).expect(200);
      expect(approved.body.approvedVersions).toEqual([1]);
      expect(approved.body.versions[0]).toMatchObject({
        status: 'approved',
        decisions: [{ approverId: approverA.memberId, decision: 'approved', comment: 'Tone is right', contentHash: approved.body.versions[0].contentHash }],
      });
      const again = await approverB.post(`/api/templates/${id}/approve`, { version: 1 }).expect(409);
      expect(again.body.message).toContain('already approved');
    });

    it('names who wrote each version and who decided on it, for every member to read', async () => {
      const id = await write(marketer);
      await otherMarketer.patch(`/api/templates/${id}`, { body: `${OUTAGE.body} More soon.` }).expect(200);
      await approverA.post(`/api/templates/${id}/approve`, { version: 2 }).expect(200);
      const names = async (c: Caller): Promise<string> => (await c.get('/api/members/me').expect(200)).body.name;
      const res = await viewer.get(`/api/templates/${id}`).expect(200);
      expect(res.body.versions.map((v: { version: number; authorName: string }) => [v.version, v.authorName])).toEqual([
        [2, await names(otherMarketer)],
        [1, await names(marketer)],
      ]);
      expect(res.body.versions[0].decisions[0]).toMatchObject({ approverId: approverA.memberId, approverName: await names(approverA) });
      const listed = (await viewer.get('/api/templates').expect(200)).body.find((t: { id: string }) => t.id === id);
      expect(listed.versions[1].authorName).toBe(await names(marketer));
    });

    it('makes every edit a new version; earlier versions keep their content and approval', async () => {
      const id = await write();
      await approverA.post(`/api/templates/${id}/approve`, { version: 1 }).expect(200);
      const edited = await writerApprover.patch(`/api/templates/${id}`, { body: OUTAGE.body.replace('Thank you', 'Thanks'), reason: 'shorter' }).expect(200);
      expect(edited.body).toMatchObject({ currentVersion: 2, approvedVersions: [1] });
      const [v2, v1] = edited.body.versions;
      expect(v2).toMatchObject({ version: 2, status: 'pending', authorId: writerApprover.memberId, placeholders: OUTAGE.placeholders.map((p) => ({ ...p, required: true })) });
      expect(v1).toMatchObject({ version: 1, status: 'approved', body: OUTAGE.body });
      expect(v2.contentHash).not.toBe(v1.contentHash);

      // The editor of version 2 may approve version 1 (someone else wrote it) but not version 2.
      await writerApprover.post(`/api/templates/${id}/approve`, { version: 2 }).expect(403);
      const approved = await approverB.post(`/api/templates/${id}/approve`, { version: 2 }).expect(200);
      expect(approved.body.approvedVersions).toEqual([2, 1]);

      // The same content again is no edit and no new version.
      const same = await marketer.patch(`/api/templates/${id}`, { body: OUTAGE.body.replace('Thank you', 'Thanks') }).expect(200);
      expect(same.body.currentVersion).toBe(2);
    });

    it('counts concurrent approvals of one version once', async () => {
      const id = await write();
      const answers = await Promise.all([approverA, approverB].map((a) => a.post(`/api/templates/${id}/approve`, { version: 1 }).then((res) => res)));
      expect(answers.map((res) => res.status).sort()).toEqual([200, 409]);
      const res = await marketer.get(`/api/templates/${id}`).expect(200);
      expect(res.body.versions[0].decisions).toHaveLength(1);
    });

    it('refuses to approve a version that does not exist', async () => {
      const id = await write();
      const res = await approverA.post(`/api/templates/${id}/approve`, { version: 7 }).expect(400);
      expect(res.body.message).toContain('no such version; its latest is 1');
      await approverA.post(`/api/templates/${id}/approve`, {}).expect(400);
    });

    it('sends a version back with a required comment; it can no longer be approved', async () => {
      const id = await write();
      const noComment = await approverA.post(`/api/templates/${id}/reject`, { version: 1 }).expect(400);
      expect(noComment.body.message).toContain('comment is required');
      const rejected = await approverA.post(`/api/templates/${id}/reject`, { version: 1, comment: 'Too casual for an outage' }).expect(200);
      expect(rejected.body.versions[0]).toMatchObject({ status: 'rejected', decisions: [{ decision: 'rejected', comment: 'Too casual for an outage' }] });
      const late = await approverB.post(`/api/templates/${id}/approve`, { version: 1 }).expect(409);
      expect(late.body.message).toContain('an edit makes a new version');
    });

    it('withdraws an approval by rejecting the approved version: it is no longer usable', async () => {
      const id = await write();
      await approverA.post(`/api/templates/${id}/approve`, { version: 1 }).expect(200);
      const before = await marketer.post(`/api/templates/${id}/preview`, { values: { service: 'Checkout', eta: 'noon' } }).expect(200);
      expect(before.body).toMatchObject({ status: 'approved', usable: true });
      const withdrawn = await approverB.post(`/api/templates/${id}/reject`, { version: 1, comment: 'Legal asked us not to promise times' }).expect(200);
      expect(withdrawn.body.approvedVersions).toEqual([]);
      const after = await marketer.post(`/api/templates/${id}/preview`, { values: { service: 'Checkout', eta: 'noon' } }).expect(200);
      expect(after.body).toMatchObject({ status: 'rejected', usable: false });
    });

    it('binds the approval to the content: a version whose stored text changed behind its back is not usable', async () => {
      const id = await write();
      await approverA.post(`/api/templates/${id}/approve`, { version: 1 }).expect(200);
      await t.sql(`UPDATE template_versions SET body = 'Everything is fine, {{service}} {{eta}}' WHERE template_id = $1`, [id]);
      const res = await marketer.post(`/api/templates/${id}/preview`, { values: { service: 'Checkout', eta: 'noon' } }).expect(200);
      expect(res.body).toMatchObject({ status: 'approved', usable: false });
    });
  });

  describe('placeholders at save time', () => {
    it('refuses a placeholder used but not declared, naming it and where', async () => {
      const res = await marketer
        .post('/api/templates', { ...OUTAGE, name: 'Undeclared', variants: { mastodon: '{{service}} {{eta}} in {{region}}' } })
        .expect(400);
      expect(res.body.message).toBe('variants.mastodon uses {{region}}, which is not declared in placeholders');
    });

    it('refuses a declared placeholder that nothing uses', async () => {
      const res = await marketer
        .post('/api/templates', { ...OUTAGE, name: 'Unused', placeholders: [...OUTAGE.placeholders, { name: 'region', description: 'Where' }] })
        .expect(400);
      expect(res.body.message).toBe('placeholders declares region, which the body and variants never use');
    });

    it('refuses malformed placeholders, bad names, unknown platforms and control characters', async () => {
      const malformed = await marketer.post('/api/templates', { ...OUTAGE, name: 'Malformed', body: OUTAGE.body + ' {{ first-name }}' }).expect(400);
      expect(malformed.body.message).toContain('body has a malformed placeholder "{{ first-name }}"');
      const badName = await marketer
        .post('/api/templates', { ...OUTAGE, name: 'Bad name', placeholders: [{ name: '1st', description: 'x' }] })
        .expect(400);
      expect(badName.body.message).toContain('placeholder name must be letters');
      const platform = await marketer.post('/api/templates', { ...OUTAGE, name: 'Platform', variants: { myspace: 'hi {{service}} {{eta}}' } }).expect(400);
      expect(platform.body.message).toContain('variants.myspace is not a platform');
      // (NUL itself is refused for every body before validation; BEL is a control character that gets this far.)
      const control = await marketer.post('/api/templates', { ...OUTAGE, name: 'Control', body: '{{service}} {{eta}}\u0007' }).expect(400);
      expect(control.body.message).toBe('body contains control characters');
    });

    it('checks an edit the same way and writes nothing when it is refused', async () => {
      const id = await write();
      await marketer.patch(`/api/templates/${id}`, { body: '{{service}} {{eta}} {{oops}}' }).expect(400);
      const res = await marketer.get(`/api/templates/${id}`).expect(200);
      expect(res.body.currentVersion).toBe(1);
      expect(res.body.versions).toHaveLength(1);
    });

    it('keeps names unique among live templates', async () => {
      await marketer.post('/api/templates', { ...OUTAGE, name: 'Unique name' }).expect(201);
      const res = await marketer.post('/api/templates', { ...OUTAGE, name: 'UNIQUE NAME' }).expect(409);
      expect(res.body.message).toContain('already exists');
    });
  });

  describe('filling', () => {
    let id: string;
    beforeAll(async () => {
      id = await write(marketer, {
        placeholders: [...OUTAGE.placeholders, { name: 'note', description: 'Anything else', required: false }],
        body: OUTAGE.body + '{{note}}',
      });
    });

    it('refuses a missing required value, naming it', async () => {
      const res = await marketer.post(`/api/templates/${id}/preview`, { values: { service: 'Checkout' } }).expect(400);
      expect(res.body.message).toBe('values.eta is required (When the next update comes)');
      await marketer.post(`/api/templates/${id}/preview`, { values: { service: 'Checkout', eta: '   ' } }).expect(400);
    });

    it('refuses a value for an unknown placeholder', async () => {
      const res = await marketer.post(`/api/templates/${id}/preview`, { values: { service: 'Checkout', eta: 'noon', sevrice: 'typo' } }).expect(400);
      expect(res.body.message).toBe('values.sevrice is not a placeholder of this template; it declares service, eta, note');
    });

    it('inserts values as plain text, never interpreting them; an optional one left out is empty', async () => {
      const service = '{{eta}} <b>**Payments**</b> $&';
      const res = await marketer.post(`/api/templates/${id}/preview`, { values: { service, eta: '14:00 CET' } }).expect(200);
      expect(res.body.text).toBe(`${service} is down. We are on it and will update you by 14:00 CET. Thank you for your patience.`);
      expect(res.body.platformText).toEqual({ x: `${service} is down; update by 14:00 CET` });
      const x = res.body.platforms.find((p: { platform: string }) => p.platform === 'x');
      expect(x).toMatchObject({ text: `${service} is down; update by 14:00 CET`, limit: 280, unit: 'weighted characters' });
    });

    it("checks each platform's filled text against its limit, the variant where there is one", async () => {
      const service = 'S'.repeat(300);
      const res = await marketer.post(`/api/templates/${id}/preview`, { values: { service, eta: 'noon' } }).expect(400);
      expect(res.body.message).toContain('x: text is 324 weighted characters, the limit is 280');
      expect(res.body.message).toContain('bluesky: text is 380 graphemes, the limit is 300');
      // Mastodon (500) gets the body, which fits.
      const ok = await marketer.post(`/api/templates/${id}/preview`, { values: { service, eta: 'noon' }, platforms: ['mastodon', 'linkedin'] }).expect(200);
      expect(ok.body.platforms.map((p: { platform: string }) => p.platform)).toEqual(['mastodon', 'linkedin']);

      // A body too long for X passes on X when X has a short variant.
      const longBody = await write(marketer, { body: `${'Long statement. '.repeat(20)}{{service}} {{eta}}` });
      const filled = await marketer.post(`/api/templates/${longBody}/preview`, { values: { service: 'Checkout', eta: 'noon' }, platforms: ['x'] }).expect(200);
      expect(filled.body.platforms[0]).toMatchObject({ platform: 'x', text: 'Checkout is down; update by noon' });
      const mastodonOnly = await marketer.post(`/api/templates/${longBody}/preview`, { values: { service: 'S'.repeat(300), eta: 'noon' }, platforms: ['mastodon'] }).expect(400);
      expect(mastodonOnly.body.message).toMatch(/^mastodon: text is \d+ characters, the limit is 500/);
    });
  });

  describe('access', () => {
    it('lets marketers and crisis leads write, approvers approve, anyone read', async () => {
      await crisisLead.post('/api/templates', { ...OUTAGE, name: 'Written by the crisis lead' }).expect(201);
      await viewer.post('/api/templates', { ...OUTAGE, name: 'Viewer' }).expect(403);
      await approverA.post('/api/templates', { ...OUTAGE, name: 'Approver' }).expect(403);
      const id = await write();
      await viewer.get(`/api/templates/${id}`).expect(200);
      await otherMarketer.post(`/api/templates/${id}/approve`, { version: 1 }).expect(403);
      await crisisLead.post(`/api/templates/${id}/approve`, { version: 1 }).expect(403);
      await viewer.patch(`/api/templates/${id}`, { body: '{{service}} {{eta}}' }).expect(403);
      await viewer.delete(`/api/templates/${id}`).expect(403);
    });

    it("hides another workspace's templates (404)", async () => {
      const id = await write();
      const stranger = await t.otherWorkspace();
      const strangerApprover = await t.member('approver', stranger);
      const strangerMarketer = await t.member('marketer', stranger);
      await stranger.get(`/api/templates/${id}`).expect(404);
      await strangerApprover.post(`/api/templates/${id}/approve`, { version: 1 }).expect(404);
      await strangerApprover.post(`/api/templates/${id}/reject`, { version: 1, comment: 'no' }).expect(404);
      await strangerMarketer.patch(`/api/templates/${id}`, { body: '{{service}} {{eta}}' }).expect(404);
      await strangerMarketer.post(`/api/templates/${id}/preview`, { values: { service: 'a', eta: 'b' } }).expect(404);
      await strangerMarketer.delete(`/api/templates/${id}`).expect(404);
      const list = await stranger.get('/api/templates').expect(200);
      expect(list.body).toEqual([]);
      // Their own template of the same name is theirs alone.
      await strangerMarketer.post('/api/templates', { ...OUTAGE, name: 'Unique name' }).expect(201);
    });
  });

  describe('archiving', () => {
    it('archives: no version is usable, it leaves the list, and it cannot be edited or approved', async () => {
      const id = await write();
      await approverA.post(`/api/templates/${id}/approve`, { version: 1 }).expect(200);
      const archived = await marketer.delete(`/api/templates/${id}`).expect(200);
      expect(archived.body).toMatchObject({ archivedAt: expect.any(String), approvedVersions: [] });
      const list = await marketer.get('/api/templates').expect(200);
      expect(list.body.map((tpl: { id: string }) => tpl.id)).not.toContain(id);
      const all = await marketer.get('/api/templates?archived=true').expect(200);
      expect(all.body.map((tpl: { id: string }) => tpl.id)).toContain(id);
      await marketer.patch(`/api/templates/${id}`, { body: '{{service}} {{eta}}' }).expect(409);
      await approverB.post(`/api/templates/${id}/reject`, { version: 1, comment: 'x' }).expect(409);
      await marketer.delete(`/api/templates/${id}`).expect(409);
      const preview = await marketer.post(`/api/templates/${id}/preview`, { values: { service: 'a', eta: 'b' } }).expect(200);
      expect(preview.body.usable).toBe(false);
      await marketer.get('/api/templates?archived=maybe').expect(400);
    });
  });

  it('audits every change in the chain', async () => {
    const id = await write();
    await marketer.patch(`/api/templates/${id}`, { name: 'Renamed for the audit', reason: 'clearer' }).expect(200);
    await approverA.post(`/api/templates/${id}/approve`, { version: 2 }).expect(200);
    await approverB.post(`/api/templates/${id}/reject`, { version: 1, comment: 'superseded' }).expect(200);
    await marketer.delete(`/api/templates/${id}`).expect(200);
    const audit = await t.admin.get(`/api/audit?targetType=template&targetId=${id}`).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'template.archived',
      'template.rejected',
      'template.approved',
      'template.updated',
      'template.created',
    ]);
    expect(audit.body.items[3]).toMatchObject({ actorId: marketer.memberId, reason: 'clearer', before: { version: 1 }, after: { version: 2, name: 'Renamed for the audit' } });
    expect(audit.body.items[1]).toMatchObject({ actorId: approverB.memberId, reason: 'superseded', after: { version: 1, status: 'rejected' } });
    const verify = await t.admin.get('/api/audit/verify').expect(200);
    expect(verify.body.ok).toBe(true);
  });
});
