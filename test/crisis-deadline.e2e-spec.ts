// The switch answers in seconds while a platform hangs: sends in flight are aborted at its deadline, listed as unknown.
// The abort itself is the dispatcher's (it hears GATE_CLOSING_CHANNEL); this file checks the whole behaviour.
import { FakeXApi } from './fakes/x-api';
import { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const HANG_MS = 15_000;

describe('the crisis switch while the platform hangs', () => {
  let x: FakeXApi;
  let t: TestApp;

  beforeAll(async () => {
    x = await FakeXApi.start();
    x.rateLimit = 1_000_000;
    // The send timeout stays at its default (60 s): only the switch's deadline can end the send early.
    t = await TestApp.start({ env: { X_API_URL: x.url, DISPATCH_TICK_MS: '100', CRISIS_INFLIGHT_DEADLINE_MS: '1000' } });
  });
  afterAll(async () => {
    await t.close();
    await x.close();
  });

  it('answers soon after its deadline, lists the hanging send as unknown, and never sends it again', async () => {
    const marketer = await t.member('marketer');
    const lead = await t.member('crisis_lead');
    const channel = (await t.admin.post('/api/channels', { platform: 'x', name: 'X', handle: '@brand', credentials: x.oauth2Credentials() }).expect(201)).body.id;
    x.failNext('POST /2/tweets', { delayMs: HANG_MS });
    const post = await marketer.post('/api/posts', { text: 'X holds this one', channelIds: [channel], publishNow: true }).expect(201);
    await waitFor('the send to reach X', () => x.requestsTo('POST /2/tweets').length === 1);

    const started = Date.now();
    const activation = await lead.post('/api/crisis/activate', { reason: 'X hangs', level: 1, pauseAds: false }).expect(201);
    const elapsed = Date.now() - started;
    // The deadline is 1 s; X would hold the send 15 s. Generous for a loaded machine, far below the hang.
    expect(elapsed).toBeLessThan(HANG_MS / 2);
    const [row] = await t.sql<{ id: string; state: string }>('SELECT id, state FROM deliveries WHERE post_id = $1', [post.body.id]);
    expect(activation.body.inFlight).toEqual([expect.objectContaining({ deliveryId: row.id, outcome: 'unknown', state: 'needs_verification' })]);
    expect(row.state).toBe('needs_verification');

    // Past the hang, and after the crisis: the send was never repeated by itself.
    await lead.post('/api/crisis/deactivate', { note: 'Over', resumeCampaigns: false }).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(x.requestsTo('POST /2/tweets')).toHaveLength(1);
    const [after] = await t.sql<{ state: string }>('SELECT state FROM deliveries WHERE post_id = $1', [post.body.id]);
    expect(after.state).toBe('needs_verification');
  }, 60_000);
});
