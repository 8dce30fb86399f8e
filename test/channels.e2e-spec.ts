// Connected accounts: per-platform credentials, sealed at rest, never shown, fallbacks chosen in advance.
import { ChannelsService } from '../src/channels/channels.service';
import { PLATFORMS } from '../src/channels/platform';
import { channelBody, CREDENTIALS, SECRET_VALUES } from './support/factories';
import { TestApp } from './support/test-app';

describe('channels', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ captureLogs: true });
  });
  afterAll(() => t.close());

  it.each(PLATFORMS)('connects a %s account and never returns its credentials', async (platform) => {
    const created = await t.admin.post('/api/channels', channelBody(platform)).expect(201);
    expect(created.body).toMatchObject({ platform, name: `Brand on ${platform}`, fallbackChannelIds: [] });
    expect(created.body.credentialFields).toEqual(Object.keys(CREDENTIALS[platform]).sort());
    expect(created.body).not.toHaveProperty('credentials');
    const fetched = await t.admin.get(`/api/channels/${created.body.id}`).expect(200);
    expect(fetched.body).toEqual(created.body);
  });

  it('seals credentials at rest with AES-256-GCM, bound to the channel', async () => {
    const created = await t.admin.post('/api/channels', channelBody('telegram')).expect(201);
    const [row] = await t.sql<{ credentials_sealed: string }>('SELECT credentials_sealed FROM channels WHERE id = $1', [created.body.id]);
    expect(row.credentials_sealed).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    for (const secret of SECRET_VALUES) {
      expect(row.credentials_sealed).not.toContain(secret);
    }
    await expect(t.app.get(ChannelsService).credentialsOf(created.body.id)).resolves.toEqual(CREDENTIALS.telegram);
  });

  it('lets any member list channels, and only admins change them', async () => {
    const viewer = await t.member('viewer');
    const marketer = await t.member(['marketer', 'approver', 'crisis_lead']);
    await viewer.get('/api/channels').expect(200);
    await marketer.post('/api/channels', channelBody()).expect(403);
    const channel = await t.admin.post('/api/channels', channelBody()).expect(201);
    await marketer.patch(`/api/channels/${channel.body.id}`, { name: 'x' }).expect(403);
    await marketer.delete(`/api/channels/${channel.body.id}`).expect(403);
  });

  describe('refuses bad input with a 400 naming the field, and writes nothing', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['an unknown platform', channelBody('mastodon', { platform: 'myspace' }), /platform must be one of x, facebook/],
      ['a missing credential', channelBody('facebook', { credentials: { pageId: '123' } }), /credentials\.pageAccessToken/],
      ['a malformed credential', channelBody('facebook', { credentials: { pageId: 'my-page', pageAccessToken: 't' } }), /credentials\.pageId must be the numeric id/],
      ['a credential of another platform', channelBody('mastodon', { credentials: { ...CREDENTIALS.mastodon, botToken: 'x' } }), /credentials\.botToken is not a mastodon credential field/],
      ['credentials that are not an object', channelBody('mastodon', { credentials: 'token' }), /credentials must be an object/],
      ['an unknown field', channelBody('mastodon', { colour: 'blue' }), /property colour should not exist/],
      ['a wrong type', channelBody('mastodon', { name: 42 }), /name must be a string/],
      ['an empty name', channelBody('mastodon', { name: '' }), /name must be longer than or equal to 1/],
      ['a fallback that is not a UUID', channelBody('mastodon', { fallbackChannelIds: ['abc'] }), /each of fallbackChannelIds must be a UUID/],
      ['an unknown fallback', channelBody('mastodon', { fallbackChannelIds: ['00000000-0000-4000-8000-000000000000'] }), /fallbackChannelIds names channels that do not exist/],
      ['an X oauth1 channel without its keys', channelBody('x', { credentials: { authType: 'oauth1', accessToken: 'a' } }), /credentials\.appKey/],
    ];

    it.each(cases)('%s', async (_name, body, message) => {
      const before = await t.sql<{ n: string }>('SELECT (SELECT count(*) FROM channels) + (SELECT count(*) FROM audit_events) AS n');
      const res = await t.admin.post('/api/channels', body).expect(400);
      expect(res.body.message).toMatch(message);
      const after = await t.sql<{ n: string }>('SELECT (SELECT count(*) FROM channels) + (SELECT count(*) FROM audit_events) AS n');
      expect(after[0].n).toBe(before[0].n);
    });
  });

  it('updates name, handle and credentials, keeping the platform', async () => {
    const channel = await t.admin.post('/api/channels', channelBody('linkedin')).expect(201);
    const newCredentials = { authorUrn: 'urn:li:person:abc123', accessToken: 'AQX-new-secret-token-9999' };
    const updated = await t.admin
      .patch(`/api/channels/${channel.body.id}`, { name: 'Founder', handle: 'founder', credentials: newCredentials })
      .expect(200);
    expect(updated.body).toMatchObject({ platform: 'linkedin', name: 'Founder', handle: 'founder' });
    expect(JSON.stringify(updated.body)).not.toContain('AQX-new-secret-token-9999');
    await expect(t.app.get(ChannelsService).credentialsOf(channel.body.id)).resolves.toEqual(newCredentials);
    await t.admin.patch(`/api/channels/${channel.body.id}`, { platform: 'x' }).expect(400);
    await t.admin.patch(`/api/channels/${channel.body.id}`, { credentials: { accessToken: 'only' } }).expect(400);
  });

  it('keeps fallbacks within the workspace, never the channel itself', async () => {
    const main = await t.admin.post('/api/channels', channelBody('facebook')).expect(201);
    const backup = await t.admin.post('/api/channels', channelBody('mastodon')).expect(201);
    const other = await t.otherWorkspace();
    const foreign = await other.post('/api/channels', channelBody('bluesky')).expect(201);

    const withFallback = await t.admin
      .patch(`/api/channels/${main.body.id}`, { fallbackChannelIds: [backup.body.id] })
      .expect(200);
    expect(withFallback.body.fallbackChannelIds).toEqual([backup.body.id]);
    await t.admin.patch(`/api/channels/${main.body.id}`, { fallbackChannelIds: [main.body.id] }).expect(400);
    await t.admin.patch(`/api/channels/${main.body.id}`, { fallbackChannelIds: [foreign.body.id] }).expect(400);
    await t.admin.patch(`/api/channels/${main.body.id}`, { fallbackChannelIds: [backup.body.id, backup.body.id] }).expect(400);

    const refused = await t.admin.delete(`/api/channels/${backup.body.id}`).expect(409);
    expect(refused.body.message).toContain('fallback');
    await t.admin.patch(`/api/channels/${main.body.id}`, { fallbackChannelIds: [] }).expect(200);
    await t.admin.delete(`/api/channels/${backup.body.id}`).expect(204);
    await t.admin.get(`/api/channels/${backup.body.id}`).expect(404);
    const [row] = await t.sql<{ credentials_sealed: string }>('SELECT credentials_sealed FROM channels WHERE id = $1', [backup.body.id]);
    expect(row.credentials_sealed).toBe('');
  });

  it('never writes a credential or an API key into any log line', async () => {
    // Everything above ran with logs captured at debug level; add failures that echo input.
    await t.admin.post('/api/channels', channelBody('telegram', { credentials: { botToken: CREDENTIALS.telegram.botToken } })).expect(400);
    await t.admin.post('/api/channels?token=x-secret-access-token-0001', channelBody('x')).expect(201);
    expect(t.logs.length).toBeGreaterThan(20);
    const text = t.logs.join('\n');
    for (const secret of [...SECRET_VALUES, t.admin.key!]) {
      expect(text).not.toContain(secret);
    }
    const requestLines = t.logs.map((line) => JSON.parse(line) as { req?: { path: string }; reqId?: string }).filter((l) => l.req);
    expect(requestLines.every((l) => typeof l.reqId === 'string' && l.req!.path.startsWith('/'))).toBe(true);
  });
});
