// Paid media through a crisis: the pause order commits with the crisis, whatever happens after; the reconciler drives it
// to the ad platform and retries; GET /api/pause-orders shows each order, its campaigns and where they stand.
import { AdsJobs } from '../src/ads/ads.jobs';
import { CampaignControlService } from '../src/ads/campaign-control.service';
import { FakeMetaMarketingApi } from './fakes/ads/meta-marketing-api';
import { Caller, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface OrderBody {
  id: string;
  crisisId: string | null;
  state: string;
  lastError: string | null;
  liftedAt: string | null;
  campaigns: { name: string; state: string; lastError: string | null }[];
}

describe('pause orders', () => {
  let meta: FakeMetaMarketingApi;
  let t: TestApp;
  let lead: Caller;
  let viewer: Caller;

  beforeAll(async () => {
    meta = await FakeMetaMarketingApi.start();
    t = await TestApp.start({
      env: {
        META_GRAPH_URL: meta.url,
        ADS_SYNC_INTERVAL_MS: '86400000',
        ADS_RECONCILE_INTERVAL_MS: '3600000',
        ADS_RETRY_INTERVAL_MS: '200',
      },
    });
    lead = await t.member('crisis_lead');
    viewer = await t.member('viewer');
    const account = await t.admin
      .post('/api/ad-accounts', { platform: 'meta', platformAccountId: 'act_1001', name: 'Brand on Meta', currency: 'EUR', credentials: { accessToken: 'meta-ads-token' } })
      .expect(201);
    await t.admin.post(`/api/ad-accounts/${account.body.id}/sync`).expect(200);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t.close();
    await meta.close();
  });

  async function orders(caller: Caller = viewer): Promise<OrderBody[]> {
    return (await caller.get('/api/pause-orders').expect(200)).body as OrderBody[];
  }

  it('exists once the activation answers though the pause after it crashed; the reconciler pauses once the platform answers again, and deactivation lifts it in its own transaction', async () => {
    const spring = meta.campaigns.add('1001', { name: 'Spring promo', dailyBudgetMinor: 5000, spendTodayMinor: 1234, spendLifetimeMinor: 98765 });
    await t.app.get(AdsJobs).syncAll();
    const control = t.app.get(CampaignControlService);
    // A crash between the crisis's commit and the pause: the pause after the commit never happens.
    const pauseScope = jest.spyOn(control, 'pauseScope').mockRejectedValueOnce(new Error('process died after the crisis committed'));
    // And the ad platform is down: every call is refused.
    meta.tokens.delete('meta-ads-token');

    const activation = await lead.post('/api/crisis/activate', { reason: 'Tragedy', level: 2, pauseAds: true }).expect(201);
    const crisisId = activation.body.crisis.id as string;
    expect(pauseScope).toHaveBeenCalledTimes(1);
    expect(activation.body.ads).toBeNull();
    const [single] = (await t.sql<{ n: string }>(`SELECT count(*) AS n FROM pause_orders WHERE reason = $1`, [`crisis:${crisisId}`])).map((r) => Number(r.n));
    expect(single).toBe(1);
    const [placed] = await orders();
    expect(placed).toMatchObject({ crisisId, liftedAt: null, state: 'failed', lastError: 'process died after the crisis committed' });
    expect(placed.campaigns).toEqual([expect.objectContaining({ name: 'Spring promo', state: 'pending' })]);
    expect(meta.campaigns.find('1001', spring.id)?.status).toBe('active');

    // The reconciler's cycle while the platform is down: nothing paused, the order says why.
    expect(await t.app.get(AdsJobs).reconcile()).toBe(true);
    const down = await viewer.get(`/api/pause-orders/${placed.id}`).expect(200);
    expect(down.body).toMatchObject({ state: 'failed', lastError: expect.stringContaining('Brand on Meta') });
    expect(meta.campaigns.find('1001', spring.id)?.status).toBe('active');

    // The platform answers again: the retried pause lands, and the next cycle finds nothing wrong.
    meta.tokens.add('meta-ads-token');
    await waitFor('the campaign paused on Meta', () => meta.campaigns.find('1001', spring.id)?.status === 'paused' || undefined, 30_000);
    await t.app.get(AdsJobs).reconcile();
    await waitFor('the order paused', async () => ((await viewer.get(`/api/pause-orders/${placed.id}`).expect(200)).body.state === 'paused' ? true : undefined));
    const paused = (await viewer.get(`/api/pause-orders/${placed.id}`).expect(200)).body as OrderBody;
    expect(paused).toMatchObject({ lastError: null, campaigns: [{ name: 'Spring promo', state: 'paused', lastError: null }] });

    // The end: lifted in the deactivation's transaction although the resume after it crashed; the retry job resumes.
    const driveLift = jest.spyOn(control, 'driveLift').mockRejectedValueOnce(new Error('process died after the deactivation committed'));
    await lead.post('/api/crisis/deactivate', { note: 'Over' }).expect(200);
    expect(driveLift).toHaveBeenCalledTimes(1);
    const lifted = (await viewer.get(`/api/pause-orders/${placed.id}`).expect(200)).body as OrderBody;
    expect(lifted.liftedAt).toEqual(expect.any(String));
    await waitFor('the campaign resumed on Meta', () => meta.campaigns.find('1001', spring.id)?.status === 'active' || undefined, 30_000);
    await waitFor('the order resumed', async () => ((await viewer.get(`/api/pause-orders/${placed.id}`).expect(200)).body.state === 'resumed' ? true : undefined));
  }, 90_000);

  it('are read by any member of their workspace only', async () => {
    const [order] = await orders();
    expect(order).toBeDefined();
    const stranger = await t.otherWorkspace();
    expect(await orders(stranger)).toEqual([]);
    await stranger.get(`/api/pause-orders/${order.id}`).expect(404);
    await viewer.get('/api/pause-orders/not-a-uuid').expect(400);
  });
});
