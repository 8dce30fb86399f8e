// The workspace's time zone: the zone the console's calendar opens in, set by an admin, checked against IANA.
import { TestApp } from './support/test-app';

describe('workspace time zone', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('is UTC until an admin sets it, then every member reads the new zone', async () => {
    const viewer = await t.member('viewer');
    expect((await viewer.get('/api/workspace').expect(200)).body.timeZone).toBe('UTC');
    const res = await t.admin.patch('/api/workspace', { timeZone: 'Europe/Madrid' }).expect(200);
    expect(res.body).toMatchObject({ timeZone: 'Europe/Madrid' });
    expect((await viewer.get('/api/workspace').expect(200)).body.timeZone).toBe('Europe/Madrid');
    // The console reads it from the session it already holds.
    expect((await viewer.get('/api/auth/session').expect(200)).body.workspace).toMatchObject({ timeZone: 'Europe/Madrid' });
    const audit = await t.admin.get('/api/audit?action=workspace.time_zone_changed').expect(200);
    const event = (audit.body.items as { action: string; before: unknown; after: unknown }[]).find((e) => e.action === 'workspace.time_zone_changed');
    expect(event).toMatchObject({ before: { timeZone: 'UTC' }, after: { timeZone: 'Europe/Madrid' } });
  });

  it('keeps the name when only the zone changes, and the zone when only the name changes', async () => {
    const other = await t.otherWorkspace('Zones Ltd');
    await other.patch('/api/workspace', { timeZone: 'America/New_York' }).expect(200);
    const renamed = await other.patch('/api/workspace', { name: 'Zones Inc' }).expect(200);
    expect(renamed.body).toMatchObject({ name: 'Zones Inc', timeZone: 'America/New_York' });
  });

  it('refuses a zone that is not IANA, an empty change, and a non-admin', async () => {
    const bad = await t.admin.patch('/api/workspace', { timeZone: 'Mars/Olympus' }).expect(400);
    expect(bad.body.message).toBe('timeZone "Mars/Olympus" is not an IANA time zone such as Europe/Madrid');
    expect(bad.body.details).toEqual(['timeZone "Mars/Olympus" is not an IANA time zone such as Europe/Madrid']);
    expect((await t.admin.patch('/api/workspace', { timeZone: 42 }).expect(400)).body.message).toContain('timeZone must be a string');
    expect((await t.admin.patch('/api/workspace', {}).expect(400)).body.message).toBe('give name, timeZone or reauthGraceMinutes to change');
    expect((await t.admin.patch('/api/workspace', { name: null, timeZone: 'Europe/Madrid' }).expect(400)).body.message).toContain('name must be a string');
    expect((await t.admin.patch('/api/workspace', { timeZone: null }).expect(400)).body.message).toContain('timeZone must be a string');
    const marketer = await t.member('marketer');
    await marketer.patch('/api/workspace', { timeZone: 'Asia/Tokyo' }).expect(403);
    expect((await t.admin.get('/api/workspace').expect(200)).body.timeZone).not.toBe('Asia/Tokyo');
  });
});
