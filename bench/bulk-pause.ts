// Bulk pause for the crisis switch: 200 campaigns across the five ad platform fakes (40 each), X answering one 429 with a
// 1 s reset; the wall time of CampaignControlService.pauseScope until every pause is read back, then of its inverse.
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { AdsJobs } from '../src/ads/ads.jobs';
import { CampaignControlService } from '../src/ads/campaign-control.service';
import { SYSTEM_ACTOR } from '../src/audit/audit-actor';
import { FakeGoogleAdsApi } from '../test/fakes/ads/google-ads-api';
import { FakeLinkedInAdsApi } from '../test/fakes/ads/linkedin-ads-api';
import { FakeMetaMarketingApi } from '../test/fakes/ads/meta-marketing-api';
import { FakeTikTokBusinessApi } from '../test/fakes/ads/tiktok-business-api';
import { FakeXAdsApi, X_ADS_KEYS } from '../test/fakes/ads/x-ads-api';
import { BENCH_ADMIN_KEY, benchApp, benchDatabase, ms, quantile, reproduce } from './support';

const PER_PLATFORM = 40;
const RUNS = Number(process.env.BENCH_BULK_PAUSE_RUNS ?? 5);

export async function main(): Promise<void> {
  const database = await benchDatabase();
  const fakes = {
    meta: await FakeMetaMarketingApi.start(),
    x: await FakeXAdsApi.start(),
    linkedin: await FakeLinkedInAdsApi.start(),
    google: await FakeGoogleAdsApi.start(),
    tiktok: await FakeTikTokBusinessApi.start(),
  };
  const accounts = {
    meta: { id: '1001', credentials: { accessToken: 'meta-ads-token' } },
    x: { id: '18ce54d4x5t', credentials: X_ADS_KEYS },
    linkedin: { id: '5001', credentials: { accessToken: 'linkedin-ads-token' } },
    google: { id: '1234567890', credentials: { developerToken: 'google-dev-token', accessToken: 'google-ads-token' } },
    tiktok: { id: '7001', credentials: { accessToken: 'tiktok-ads-token' } },
  };
  const app = await benchApp(database.url, {
    META_GRAPH_URL: fakes.meta.url,
    X_ADS_API_URL: fakes.x.url,
    LINKEDIN_API_URL: fakes.linkedin.url,
    GOOGLE_ADS_API_URL: fakes.google.url,
    TIKTOK_API_URL: fakes.tiktok.url,
    ADS_SYNC_INTERVAL_MS: '86400000',
    ADS_RECONCILE_INTERVAL_MS: '3600000',
  });
  try {
    await app.listen(0);
    const api = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const call = async <T>(method: string, path: string, body?: object): Promise<T> => {
      const res = await fetch(api + path, {
        method,
        headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) {
        throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
      }
      return (await res.json()) as T;
    };
    const me = await call<{ workspaceId: string }>('GET', '/api/members/me');
    for (const [platform, account] of Object.entries(accounts)) {
      for (let i = 0; i < PER_PLATFORM; i++) {
        fakes[platform as keyof typeof fakes].campaigns.add(account.id, { name: `${platform} ${i}` });
      }
      const created = await call<{ id: string }>('POST', '/api/ad-accounts', { platform, platformAccountId: account.id, name: platform, currency: 'EUR', credentials: account.credentials });
      await call('POST', `/api/ad-accounts/${created.id}/sync`);
    }
    const control = app.get(CampaignControlService);
    const pauses: number[] = [];
    const resumes: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      fakes.x.failNext('PUT /12/accounts/{account}/campaigns/{campaign}', { status: 429, resetInSeconds: 1 });
      const reason = `crisis:${randomUUID()}`;
      let started = performance.now();
      const paused = await control.pauseScope({ workspaceId: me.workspaceId }, reason, SYSTEM_ACTOR, { deadlineMs: 60_000 });
      pauses.push(performance.now() - started);
      if (paused.paused.length !== 5 * PER_PLATFORM) {
        throw new Error(`Run ${run}: ${paused.paused.length} paused, ${paused.pending.length} pending`);
      }
      started = performance.now();
      const resumed = await control.endPauseOrder(me.workspaceId, reason, { resume: true }, SYSTEM_ACTOR, 60_000);
      resumes.push(performance.now() - started);
      if (resumed.resumed.length !== 5 * PER_PLATFORM) {
        throw new Error(`Run ${run}: ${resumed.resumed.length} resumed`);
      }
      process.stdout.write(`run ${run}: pause ${ms(pauses[run - 1])}, resume ${ms(resumes[run - 1])}\n`);
    }
    await app.get(AdsJobs).beforeApplicationShutdown();
    process.stdout.write(
      `bulk pause of ${5 * PER_PLATFORM} campaigns (5 fakes × ${PER_PLATFORM}, one X 429 with a 1 s reset, ADS_CONCURRENCY=${process.env.ADS_CONCURRENCY ?? 16}), ` +
        `every pause read back: median ${ms(quantile(pauses, 0.5))}, max ${ms(Math.max(...pauses))} over ${RUNS} runs; ` +
        `inverse (resume exactly the tagged ones): median ${ms(quantile(resumes, 0.5))}\n${reproduce('bulk-pause')}  (BENCH_BULK_PAUSE_RUNS=${RUNS})\n`,
    );
  } finally {
    await app.close();
    await Promise.all(Object.values(fakes).map((fake) => fake.close()));
    await database.stop();
  }
}
