// Playbooks: the response matrix, refused at save time unless it could run as written, and the plan the crisis switch runs.
import { DomainError } from '../src/common/domain-error';
import { PlaybooksService } from '../src/playbooks/playbooks.service';
import { channelBody } from './support/factories';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const OUTAGE = {
  name: 'Outage statement',
  body: 'We know {{service}} is not working. Next update: {{eta}}.',
  variants: { x: '{{service}} down. Update {{eta}}' },
  placeholders: [
    { name: 'service', description: 'What is down' },
    { name: 'eta', description: 'When the next update comes' },
  ],
};

describe('playbooks', () => {
  let t: TestApp;
  let lead: Caller;
  let marketer: Caller;
  let approver: Caller;
  let viewer: Caller;
  let x: string;
  let mastodon: string;
  let instagram: string;
  let templateId: string;
  let strangerChannel: string;
  let stranger: Caller;
  let counter = 0;

  beforeAll(async () => {
    t = await TestApp.start();
    lead = await t.member('crisis_lead');
    marketer = await t.member('marketer');
    approver = await t.member('approver');
    viewer = await t.member('viewer');
    x = (await t.admin.post('/api/channels', channelBody('x')).expect(201)).body.id;
    mastodon = (await t.admin.post('/api/channels', channelBody('mastodon')).expect(201)).body.id;
    instagram = (await t.admin.post('/api/channels', channelBody('instagram')).expect(201)).body.id;
    templateId = (await marketer.post('/api/templates', OUTAGE).expect(201)).body.id;
    await approver.post(`/api/templates/${templateId}/approve`, { version: 1 }).expect(200);
    stranger = await t.otherWorkspace();
    strangerChannel = (await stranger.post('/api/channels', channelBody('mastodon')).expect(201)).body.id;
  });
  afterAll(() => t.close());

  function playbook(overrides: Record<string, unknown> = {}, message: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      name: `Checkout outage ${++counter}`,
      category: 'platform_outage',
      level: 2,
      contacts: [
        { name: 'Ana Ruiz', role: 'Head of communications', email: 'ana@example.com', phone: '+34 600 123 456' },
        { name: 'Ben Ode', role: 'On-call engineer', chat: 'slack:@ben' },
      ],
      platforms: ['x', 'mastodon'],
      pauseAds: true,
      messages: [{ templateId, templateVersion: 1, channelIds: [x, mastodon], offsetMinutes: 0, values: { service: 'Checkout' }, prompts: ['eta'], ...message }],
      approvalsRequired: 2,
      ...overrides,
    };
  }

  async function errorOf(body: Record<string, unknown>): Promise<string> {
    return (await lead.post('/api/playbooks', body).expect(400)).body.message;
  }

  it('is written by a crisis lead and read by anyone in the workspace', async () => {
    const created = await lead.post('/api/playbooks', playbook({ name: 'Checkout down' })).expect(201);
    expect(created.body).toMatchObject({
      name: 'Checkout down',
      category: 'platform_outage',
      level: 2,
      contacts: [
        { name: 'Ana Ruiz', role: 'Head of communications', email: 'ana@example.com', phone: '+34 600 123 456', chat: null },
        { name: 'Ben Ode', role: 'On-call engineer', email: null, phone: null, chat: 'slack:@ben' },
      ],
      platforms: ['x', 'mastodon'],
      pauseAds: true,
      messages: [{ templateId, templateVersion: 1, channelIds: [x, mastodon], offsetMinutes: 0, values: { service: 'Checkout' }, prompts: ['eta'] }],
      approvalsRequired: 2,
      revision: 1,
      authorId: lead.memberId,
      archivedAt: null,
    });
    const read = await viewer.get(`/api/playbooks/${created.body.id}`).expect(200);
    expect(read.body).toEqual(created.body);
    const list = await marketer.get('/api/playbooks').expect(200);
    expect(list.body.map((p: { id: string }) => p.id)).toContain(created.body.id);

    const minimal = await lead
      .post('/api/playbooks', { name: 'Tragedy: go quiet', category: 'external_tragedy', level: 3, contacts: [{ name: 'Ana', role: 'Comms', email: 'ana@example.com' }] })
      .expect(201);
    expect(minimal.body).toMatchObject({ platforms: null, pauseAds: false, messages: [], approvalsRequired: null });
  });

  it('accepts only approved template versions', async () => {
    const draft = (await marketer.post('/api/templates', { ...OUTAGE, name: 'Not yet approved' }).expect(201)).body.id;
    const pending = await errorOf(playbook({}, { templateId: draft }));
    expect(pending).toContain('messages[0].templateVersion: version 1 of template');
    expect(pending).toContain('is not approved yet; only approved versions can be used');

    await approver.post(`/api/templates/${draft}/reject`, { version: 1, comment: 'no' }).expect(200);
    expect(await errorOf(playbook({}, { templateId: draft }))).toContain('was rejected');

    await marketer.patch(`/api/templates/${draft}`, { body: OUTAGE.body + ' Sorry.' }).expect(200);
    expect(await errorOf(playbook({}, { templateId: draft, templateVersion: 3 }))).toContain('has no version 3');
    await approver.post(`/api/templates/${draft}/approve`, { version: 2 }).expect(200);
    await lead.post('/api/playbooks', playbook({}, { templateId: draft, templateVersion: 2 })).expect(201);

    expect(await errorOf(playbook({}, { templateId: '00000000-0000-4000-8000-000000000000' }))).toContain('does not exist in this workspace');
  });

  it('checks placeholder values and prompts against the template version', async () => {
    expect(await errorOf(playbook({}, { prompts: [] }))).toBe(
      'messages[0]: placeholder eta is required (When the next update comes): give it in values or list it in prompts',
    );
    expect(await errorOf(playbook({}, { values: { service: 'Checkout', region: 'EU' } }))).toBe(
      'messages[0].values.region is not a placeholder of the template version; it declares service, eta',
    );
    expect(await errorOf(playbook({}, { prompts: ['eta', 'severity'] }))).toContain('messages[0].prompts lists severity');
    expect(await errorOf(playbook({}, { values: { service: 'Checkout', eta: 'noon' }, prompts: ['eta'] }))).toContain(
      'prompts lists eta, which values already gives',
    );
    expect(await errorOf(playbook({}, { values: { service: 42 } }))).toContain('messages[0].values.service must be a string');
  });

  it('refuses a message whose filled text does not fit a target platform, naming the channel and the limit', async () => {
    const long = 'C'.repeat(280);
    const complete = await errorOf(playbook({}, { values: { service: long, eta: 'noon' }, prompts: [] }));
    expect(complete).toMatch(/^messages\[0\]: channel Brand on x \([0-9a-f-]+\): x: text is 298 weighted characters, the limit is 280/);
    // Too long even before the prompts are answered.
    const floor = await errorOf(playbook({}, { values: { service: long } }));
    expect(floor).toContain('messages[0] (with its prompts still unanswered): channel Brand on x');
    // Mastodon alone takes the body at 500.
    await lead.post('/api/playbooks', playbook({}, { channelIds: [mastodon], values: { service: long } })).expect(201);
    // Templates carry no image, and Instagram publishes nothing without one.
    expect(await errorOf(playbook({}, { channelIds: [instagram] }))).toContain('instagram: post has no image');
  });

  it('refuses channels of another workspace and malformed fields, writing nothing', async () => {
    const before = (await lead.get('/api/playbooks').expect(200)).body.length;
    expect(await errorOf(playbook({}, { channelIds: [x, strangerChannel] }))).toBe(
      `messages[0].channelIds names channels that do not exist in this workspace: ${strangerChannel}`,
    );
    expect(await errorOf(playbook({}, { offsetMinutes: -5 }))).toContain('offsetMinutes must not be less than 0');
    expect(await errorOf(playbook({}, { channelIds: [] }))).toContain('channelIds must name at least one channel');
    expect(await errorOf(playbook({ level: 4 }))).toContain('level must be 1, 2 or 3');
    expect(await errorOf(playbook({ category: 'alien_invasion' }))).toContain('category must be one of platform_outage');
    expect(await errorOf(playbook({ approvalsRequired: 6 }))).toContain('approvalsRequired must not be greater than 5');
    expect(await errorOf(playbook({ platforms: ['x', 'myspace'] }))).toContain('each of platforms must be one of');
    expect(await errorOf(playbook({ contacts: [] }))).toContain('contacts must name at least one responsible person');
    expect(await errorOf(playbook({ contacts: [{ name: 'Nobody', role: 'Ghost' }] }))).toBe(
      'contacts[0] (Nobody) needs a way to reach them: email, phone or chat',
    );
    expect(await errorOf(playbook({ contacts: [{ name: 'A', role: 'B', email: 'not-an-email' }] }))).toContain('email must be an email address');
    expect(await errorOf(playbook({ pauseAds: 'yes' }))).toContain('pauseAds must be a boolean');
    expect(await errorOf(playbook({ extra: 1 }))).toContain('property extra should not exist');
    expect((await lead.get('/api/playbooks').expect(200)).body.length).toBe(before);
    await lead.post('/api/playbooks', playbook({ name: 'Same name' })).expect(201);
    await lead.post('/api/playbooks', playbook({ name: 'same NAME' })).expect(409);
  });

  it('is written by crisis leads only', async () => {
    await marketer.post('/api/playbooks', playbook()).expect(403);
    await approver.post('/api/playbooks', playbook()).expect(403);
    await t.admin.post('/api/playbooks', playbook()).expect(403);
    const id = (await lead.post('/api/playbooks', playbook()).expect(201)).body.id;
    await marketer.patch(`/api/playbooks/${id}`, { level: 3 }).expect(403);
    await viewer.delete(`/api/playbooks/${id}`).expect(403);
    await approver.post(`/api/playbooks/${id}/rehearse`, { values: { eta: 'noon' } }).expect(403);
  });

  it("hides another workspace's playbooks (404)", async () => {
    const id = (await lead.post('/api/playbooks', playbook()).expect(201)).body.id;
    const strangerLead = await t.member('crisis_lead', stranger);
    await stranger.get(`/api/playbooks/${id}`).expect(404);
    await strangerLead.patch(`/api/playbooks/${id}`, { level: 3 }).expect(404);
    await strangerLead.post(`/api/playbooks/${id}/rehearse`, { values: { eta: 'noon' } }).expect(404);
    await strangerLead.delete(`/api/playbooks/${id}`).expect(404);
    expect((await stranger.get('/api/playbooks').expect(200)).body).toEqual([]);
    // Nor can their playbook use our template.
    const theirs = await strangerLead
      .post('/api/playbooks', playbook({}, { channelIds: [strangerChannel] }))
      .expect(400);
    expect(theirs.body.message).toContain(`template ${templateId} does not exist in this workspace`);
  });

  it('edits in place, checked whole again, with the before and after in the audit trail', async () => {
    const id = (await lead.post('/api/playbooks', playbook()).expect(201)).body.id;
    const edited = await lead.patch(`/api/playbooks/${id}`, { level: 3, platforms: null, reason: 'Escalated after review' }).expect(200);
    expect(edited.body).toMatchObject({ level: 3, platforms: null, revision: 2, lastEditorId: lead.memberId, pauseAds: true });
    await lead.patch(`/api/playbooks/${id}`, { messages: [{ templateId, templateVersion: 1, channelIds: [x], offsetMinutes: 10 }] }).expect(400);
    // null for a list keeps it as it is (null only clears platforms, meaning all, and approvalsRequired).
    const kept = await lead.patch(`/api/playbooks/${id}`, { contacts: null, messages: null, approvalsRequired: null }).expect(200);
    expect(kept.body).toMatchObject({ revision: 3, approvalsRequired: null, contacts: edited.body.contacts, messages: edited.body.messages });
    expect((await lead.get(`/api/playbooks/${id}`).expect(200)).body.revision).toBe(3);
    const audit = await t.admin.get(`/api/audit?targetType=playbook&targetId=${id}`).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['playbook.updated', 'playbook.updated', 'playbook.created']);
    expect(audit.body.items[1]).toMatchObject({
      actorId: lead.memberId,
      reason: 'Escalated after review',
      before: { revision: 1, level: 2, platforms: ['x', 'mastodon'] },
      after: { revision: 2, level: 3, platforms: null },
    });
  });

  it('archives: it leaves the list, cannot be edited, and cannot be planned', async () => {
    const id = (await lead.post('/api/playbooks', playbook()).expect(201)).body.id;
    const archived = await lead.delete(`/api/playbooks/${id}`).expect(200);
    expect(archived.body.archivedAt).toEqual(expect.any(String));
    expect((await lead.get('/api/playbooks').expect(200)).body.map((p: { id: string }) => p.id)).not.toContain(id);
    expect((await lead.get('/api/playbooks?archived=true').expect(200)).body.map((p: { id: string }) => p.id)).toContain(id);
    await lead.patch(`/api/playbooks/${id}`, { level: 1 }).expect(409);
    const plan = await lead.post(`/api/playbooks/${id}/rehearse`, { values: { eta: 'noon' } }).expect(400);
    expect(plan.body.message).toContain('is archived');
    const audit = await t.admin.get(`/api/audit?targetType=playbook&targetId=${id}`).expect(200);
    expect(audit.body.items[0].action).toBe('playbook.archived');
  });

  describe('planFor (called by the crisis switch)', () => {
    let service: PlaybooksService;
    let playbookId: string;
    const plan = (workspaceId: string, id: string, values: Record<string, string>): ReturnType<PlaybooksService['planFor']> =>
      t.dataSource.transaction((manager) => service.planFor(manager, workspaceId, id, values));

    async function domainError(promise: Promise<unknown>): Promise<DomainError> {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DomainError);
      return error as DomainError;
    }

    beforeAll(async () => {
      service = t.app.get(PlaybooksService);
      const second = { templateId, templateVersion: 1, channelIds: [mastodon], offsetMinutes: 60, values: {}, prompts: ['service', 'eta'] };
      const res = await lead.post('/api/playbooks', playbook({ name: 'Planned outage', level: 3 }, {}));
      playbookId = res.body.id;
      await lead.patch(`/api/playbooks/${playbookId}`, { messages: [res.body.messages[0], second] }).expect(200);
    });

    it('fills every message from its approved version with the stored values and the answers, as plain text', async () => {
      const result = await plan(lead.workspaceId, playbookId, { eta: '{{service}} at 14:00', service: '<b>Payments</b>' });
      expect(result).toEqual({
        playbookId,
        name: 'Planned outage',
        category: 'platform_outage',
        level: 3,
        platforms: ['x', 'mastodon'],
        pauseAds: true,
        approvalsRequired: 2,
        contacts: [
          { name: 'Ana Ruiz', role: 'Head of communications', email: 'ana@example.com', phone: '+34 600 123 456', chat: null },
          { name: 'Ben Ode', role: 'On-call engineer', email: null, phone: null, chat: 'slack:@ben' },
        ],
        messages: [
          {
            templateId,
            templateVersion: 1,
            channelIds: [x, mastodon],
            offsetMinutes: 0,
            text: 'We know Checkout is not working. Next update: {{service}} at 14:00.',
            platformText: { x: 'Checkout down. Update {{service}} at 14:00' },
          },
          {
            templateId,
            templateVersion: 1,
            channelIds: [mastodon],
            offsetMinutes: 60,
            text: 'We know <b>Payments</b> is not working. Next update: {{service}} at 14:00.',
            platformText: {},
          },
        ],
      });
      // The same over HTTP, for a crisis lead rehearsing.
      const rehearsed = await lead
        .post(`/api/playbooks/${playbookId}/rehearse`, { placeholderValues: { eta: '{{service}} at 14:00', service: '<b>Payments</b>' } })
        .expect(200);
      expect(rehearsed.body).toEqual(JSON.parse(JSON.stringify(result)));
    });

    it('throws a 400 naming a missing prompt or an unknown value', async () => {
      const missing = await domainError(plan(lead.workspaceId, playbookId, { eta: 'noon' }));
      expect(missing.code).toBe('invalid_input');
      expect(missing.message).toBe('messages[1]: placeholderValues.service is required (What is down)');
      const unknown = await domainError(plan(lead.workspaceId, playbookId, { eta: 'noon', service: 'x', region: 'EU' }));
      expect(unknown.message).toBe(`placeholderValues.region is not asked by playbook Planned outage; it asks for eta, service`);
      // Rehearsal takes the answers under the name activation does; the old name stays a deprecated alias.
      const res = await lead.post(`/api/playbooks/${playbookId}/rehearse`, { placeholderValues: { service: 'Checkout' } }).expect(400);
      expect(res.body.message).toContain('placeholderValues.eta is required (When the next update comes)');
      const alias = await lead.post(`/api/playbooks/${playbookId}/rehearse`, { values: { service: 'Checkout' } }).expect(400);
      expect(alias.body.message).toBe(res.body.message);
      const both = await lead.post(`/api/playbooks/${playbookId}/rehearse`, { values: { eta: 'noon' }, placeholderValues: { eta: 'noon' } }).expect(400);
      expect(both.body.message).toBe('give placeholderValues only: values is its deprecated alias');
    });

    it("throws a 400 when an answer makes a text too long for a target's platform", async () => {
      const error = await domainError(plan(lead.workspaceId, playbookId, { eta: 'E'.repeat(300), service: 'Checkout' }));
      expect(error.message).toContain('messages[0]: channel Brand on x');
      expect(error.message).toContain('the limit is 280');
    });

    it("throws a 404 for another workspace's playbook", async () => {
      const error = await domainError(plan(stranger.workspaceId, playbookId, { eta: 'noon', service: 'x' }));
      expect(error.code).toBe('not_found');
    });

    it('throws a 400 once the template version is no longer approved', async () => {
      const own = (await marketer.post('/api/templates', { ...OUTAGE, name: 'Soon withdrawn' }).expect(201)).body.id;
      await approver.post(`/api/templates/${own}/approve`, { version: 1 }).expect(200);
      const id = (await lead.post('/api/playbooks', playbook({}, { templateId: own })).expect(201)).body.id;
      await expect(plan(lead.workspaceId, id, { eta: 'noon' })).resolves.toMatchObject({ messages: [{ templateId: own }] });
      await approver.post(`/api/templates/${own}/reject`, { version: 1, comment: 'Withdrawn by legal' }).expect(200);
      const withdrawn = await domainError(plan(lead.workspaceId, id, { eta: 'noon' }));
      expect(withdrawn.message).toContain(`messages[0]: version 1 of template ${own} (Soon withdrawn) was rejected`);

      const archivedTemplate = (await marketer.post('/api/templates', { ...OUTAGE, name: 'Soon archived' }).expect(201)).body.id;
      await approver.post(`/api/templates/${archivedTemplate}/approve`, { version: 1 }).expect(200);
      const other = (await lead.post('/api/playbooks', playbook({}, { templateId: archivedTemplate })).expect(201)).body.id;
      await marketer.delete(`/api/templates/${archivedTemplate}`).expect(200);
      const archived = await domainError(plan(lead.workspaceId, other, { eta: 'noon' }));
      expect(archived.message).toContain('is archived');
    });

    it('holds its templates until the caller commits: a withdrawal waits for the activation', async () => {
      const own = (await marketer.post('/api/templates', { ...OUTAGE, name: 'Held by an activation' }).expect(201)).body.id;
      await approver.post(`/api/templates/${own}/approve`, { version: 1 }).expect(200);
      const id = (await lead.post('/api/playbooks', playbook({}, { templateId: own })).expect(201)).body.id;
      const runner = t.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        const planned = await service.planFor(runner.manager, lead.workspaceId, id, { eta: 'noon' });
        expect(planned.messages[0].templateId).toBe(own);
        const withdrawal = approver.post(`/api/templates/${own}/reject`, { version: 1, comment: 'Too late' }).then((res) => res);
        await waitFor('the withdrawal to wait on the lock', async () => {
          const waiting = await t.sql<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%FROM "templates"%FOR UPDATE%'`,
          );
          return Number(waiting[0].n) > 0;
        });
        await runner.commitTransaction();
        expect((await withdrawal).status).toBe(200);
      } finally {
        if (runner.isTransactionActive) {
          await runner.rollbackTransaction();
        }
        await runner.release();
      }
      await expect(plan(lead.workspaceId, id, { eta: 'noon' })).rejects.toThrow('was rejected');
    });

    it('throws a 400 when a target channel was disconnected since', async () => {
      const spare = (await t.admin.post('/api/channels', channelBody('mastodon', { name: 'Spare' })).expect(201)).body.id;
      const id = (await lead.post('/api/playbooks', playbook({}, { channelIds: [spare] })).expect(201)).body.id;
      await t.admin.delete(`/api/channels/${spare}`).expect(204);
      const error = await domainError(plan(lead.workspaceId, id, { eta: 'noon' }));
      expect(error.message).toBe(`messages[0]: channel ${spare} is no longer connected`);
    });
  });
});
