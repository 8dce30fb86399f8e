// TikTok Business API v1.3: campaign operation_status (ENABLE/DISABLE), spend from the integrated report; errors may come as HTTP 200 with a code.
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { Clock } from '../../common/clock';
import type { Env } from '../../config/env';
import type { PlatformStatus } from '../budget-policy';
import type { AdAccountAccess, AdPlatformAdapter, PlatformCampaign, PlatformCampaignStatus } from '../ad-platform.port';
import { decimalToMinor, numberToMinor } from '../money';
import { call, fail, failureOfStatus, isoDay, platformClient, unexpected } from './platform-http';

const BASE = '/open_api/v1.3';
const PAGE_SIZE = 1000;
/** "Requests are too frequent": QPS/QPM/QPD exceeded, with no reset given. */
const RATE_LIMITED = 40100;
const AUTH_CODES = new Set([40102, 40104, 40105]);
/** TikTok does not say until when: its limits are per second and per minute, so a short wait is the honest guess. */
const RATE_LIMIT_WAIT_MS = 5_000;

interface TikTokAnswer<T> {
  code: number;
  message?: string;
  request_id?: string;
  data?: T;
}

interface TikTokCampaign {
  campaign_id: string;
  campaign_name?: string;
  operation_status?: string;
  secondary_status?: string;
  budget?: number;
  budget_mode?: string;
}

interface TikTokPage<T> {
  list?: T[];
  page_info?: { page?: number; total_page?: number };
}

@Injectable()
export class TikTokAdsAdapter implements AdPlatformAdapter {
  readonly platform = 'tiktok' as const;
  private readonly http: AxiosInstance;

  constructor(
    config: ConfigService<Env, true>,
    private readonly clock: Clock,
  ) {
    this.http = platformClient(config.get('TIKTOK_API_URL', { infer: true }));
  }

  async listCampaigns(account: AdAccountAccess): Promise<PlatformCampaign[]> {
    const campaigns = await this.pages<TikTokCampaign>(account, '/campaign/get/', {});
    const day = isoDay(this.clock.now());
    const today = await this.spend(account, { start_date: day, end_date: day });
    const lifetime = await this.spend(account, { query_lifetime: 'true' });
    return campaigns.map((campaign) => {
      const budget = typeof campaign.budget === 'number' && campaign.budget > 0 ? numberToMinor(campaign.budget, account.currency) : null;
      return {
        platformCampaignId: campaign.campaign_id,
        name: campaign.campaign_name ?? campaign.campaign_id,
        ...statusOf(campaign),
        dailyBudgetMinor: campaign.budget_mode === 'BUDGET_MODE_DAY' ? budget : null,
        lifetimeBudgetMinor: campaign.budget_mode === 'BUDGET_MODE_TOTAL' ? budget : null,
        spendTodayMinor: today.get(campaign.campaign_id) ?? 0,
        spendLifetimeMinor: lifetime.get(campaign.campaign_id) ?? 0,
      };
    });
  }

  async setStatus(account: AdAccountAccess, platformCampaignId: string, target: 'paused' | 'active'): Promise<void> {
    const data = await this.request<{ campaign_ids?: string[] }>(account, () =>
      this.http.post(
        `${BASE}/campaign/status/update/`,
        { advertiser_id: account.platformAccountId, campaign_ids: [platformCampaignId], operation_status: target === 'paused' ? 'DISABLE' : 'ENABLE' },
        { headers: this.auth(account) },
      ),
    );
    if (!data.campaign_ids?.includes(platformCampaignId)) {
      unexpected('TikTok', `a status update that does not list campaign ${platformCampaignId}`);
    }
  }

  async readStatus(account: AdAccountAccess, platformCampaignId: string): Promise<PlatformCampaignStatus> {
    const [campaign] = await this.pages<TikTokCampaign>(account, '/campaign/get/', { filtering: JSON.stringify({ campaign_ids: [platformCampaignId] }) });
    if (!campaign) {
      fail({ kind: 'permanent', reason: `TikTok has no campaign ${platformCampaignId} for advertiser ${account.platformAccountId}` });
    }
    return statusOf(campaign);
  }

  private async spend(account: AdAccountAccess, range: Record<string, string>): Promise<Map<string, number>> {
    const rows = await this.pages<{ dimensions?: { campaign_id?: string }; metrics?: { spend?: string } }>(account, '/report/integrated/get/', {
      report_type: 'BASIC',
      data_level: 'AUCTION_CAMPAIGN',
      dimensions: JSON.stringify(['campaign_id']),
      metrics: JSON.stringify(['spend']),
      ...range,
    });
    const spend = new Map<string, number>();
    for (const row of rows) {
      const id = row.dimensions?.campaign_id;
      if (id && row.metrics?.spend !== undefined) {
        spend.set(id, (spend.get(id) ?? 0) + decimalToMinor(row.metrics.spend, account.currency));
      }
    }
    return spend;
  }

  private async pages<T>(account: AdAccountAccess, path: string, params: Record<string, string>): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1, total = 1; page <= total; page++) {
      const data = await this.request<TikTokPage<T>>(account, () =>
        this.http.get(`${BASE}${path}`, {
          params: { advertiser_id: account.platformAccountId, page, page_size: PAGE_SIZE, ...params },
          headers: this.auth(account),
        }),
      );
      if (!Array.isArray(data.list)) {
        unexpected('TikTok', `a page without list at ${path}`);
      }
      items.push(...data.list);
      total = data.page_info?.total_page ?? 1;
    }
    return items;
  }

  private auth(account: AdAccountAccess): Record<string, string> {
    return { 'access-token': account.credentials.accessToken };
  }

  /** TikTok answers errors as HTTP 200 with a non-zero code as often as with an HTTP error status. */
  private async request<T>(_account: AdAccountAccess, send: () => Promise<AxiosResponse<TikTokAnswer<T>>>): Promise<T> {
    const res = await call('TikTok', send);
    const body = res.data as Partial<TikTokAnswer<T>> | undefined;
    const code = typeof body?.code === 'number' ? body.code : undefined;
    const said = `${body?.message ?? `HTTP ${res.status}`}${code !== undefined ? ` (code ${code})` : ''}`;
    if (code === RATE_LIMITED) {
      fail({ kind: 'rate_limited', reason: `TikTok rate limit: ${said}`, until: new Date(this.clock.now().getTime() + RATE_LIMIT_WAIT_MS) });
    }
    if (code !== undefined && AUTH_CODES.has(code)) {
      fail({ kind: 'auth_expired', reason: `TikTok rejected the access token: ${said}` });
    }
    if (res.status < 200 || res.status >= 300) {
      fail(failureOfStatus('TikTok', res.status, said));
    }
    if (code === undefined) {
      unexpected('TikTok', 'an answer without code');
    }
    if (code !== 0) {
      fail(code >= 50000 ? { kind: 'retryable', reason: `TikTok answered ${said}` } : { kind: 'permanent', reason: `TikTok refused: ${said}` });
    }
    return body?.data ?? unexpected('TikTok', 'a successful answer without data');
  }
}

function statusOf(campaign: TikTokCampaign): PlatformCampaignStatus {
  const deleted = campaign.secondary_status === 'CAMPAIGN_STATUS_DELETE' || campaign.operation_status === 'DELETE';
  const status: PlatformStatus = deleted ? 'inactive' : campaign.operation_status === 'ENABLE' ? 'active' : campaign.operation_status === 'DISABLE' ? 'paused' : 'inactive';
  return { status, rawStatus: campaign.secondary_status ?? campaign.operation_status ?? 'UNKNOWN' };
}
