// X Ads API v12: campaign entity_status (ACTIVE/PAUSED) with OAuth 1.0a, spend from the synchronous stats endpoint (micros).
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { Clock } from '../../common/clock';
import type { Env } from '../../config/env';
import type { PlatformStatus } from '../budget-policy';
import type { AdAccountAccess, AdPlatformAdapter, PlatformCampaign, PlatformCampaignStatus } from '../ad-platform.port';
import { microsToMinor } from '../money';
import { call, epochSecondsHeader, fail, failureOfStatus, isoDay, isRecord, platformClient, text, unexpected } from './platform-http';
import { oauth1Header, type OAuth1Keys } from './oauth1';

export const X_ADS_API_VERSION = '12';
const PAGE_SIZE = 200;
/** The stats endpoint takes at most 20 entity ids per call. */
const STATS_BATCH = 20;

interface XCampaign {
  id: string;
  name?: string;
  entity_status?: string;
  daily_budget_amount_local_micro?: number | null;
  total_budget_amount_local_micro?: number | null;
}

interface XStats {
  data: { id: string; id_data?: { metrics?: { billed_charge_local_micro?: number[] | null } }[] }[];
}

@Injectable()
export class XAdsAdapter implements AdPlatformAdapter {
  readonly platform = 'x' as const;
  private readonly http: AxiosInstance;
  private readonly baseUrl: string;

  constructor(
    config: ConfigService<Env, true>,
    private readonly clock: Clock,
  ) {
    this.baseUrl = config.get('X_ADS_API_URL', { infer: true });
    this.http = platformClient(this.baseUrl);
  }

  async listCampaigns(account: AdAccountAccess): Promise<PlatformCampaign[]> {
    const campaigns: XCampaign[] = [];
    let cursor: string | undefined;
    do {
      const res = await this.request<{ data: XCampaign[]; next_cursor?: string | null }>(account, 'GET', this.campaignsPath(account), {
        count: String(PAGE_SIZE),
        ...(cursor ? { cursor } : {}),
      });
      if (!Array.isArray(res.data.data)) {
        unexpected('X Ads', 'a campaign list without data');
      }
      campaigns.push(...res.data.data);
      cursor = res.data.next_cursor ?? undefined;
    } while (cursor);
    const spend = await this.spendToday(account, campaigns.map((c) => c.id));
    return campaigns.map((campaign) => ({
      platformCampaignId: campaign.id,
      name: campaign.name ?? campaign.id,
      ...statusOf(campaign.entity_status),
      dailyBudgetMinor: micros(campaign.daily_budget_amount_local_micro, account.currency),
      lifetimeBudgetMinor: micros(campaign.total_budget_amount_local_micro, account.currency),
      spendTodayMinor: spend.get(campaign.id) ?? 0,
      // One stats call covers 7 days at most: lifetime spend is summed by the controller from the days it saw.
      spendLifetimeMinor: null,
    }));
  }

  async setStatus(account: AdAccountAccess, platformCampaignId: string, target: 'paused' | 'active'): Promise<void> {
    const res = await this.request<{ data?: XCampaign }>(account, 'PUT', `${this.campaignsPath(account)}/${encodeURIComponent(platformCampaignId)}`, {
      entity_status: target === 'paused' ? 'PAUSED' : 'ACTIVE',
    });
    if (!isRecord(res.data.data)) {
      unexpected('X Ads', 'a campaign update without data');
    }
  }

  async readStatus(account: AdAccountAccess, platformCampaignId: string): Promise<PlatformCampaignStatus> {
    const res = await this.request<{ data?: XCampaign }>(account, 'GET', `${this.campaignsPath(account)}/${encodeURIComponent(platformCampaignId)}`, {});
    if (!isRecord(res.data.data)) {
      unexpected('X Ads', 'a campaign without data');
    }
    return statusOf(res.data.data.entity_status);
  }

  private async spendToday(account: AdAccountAccess, ids: string[]): Promise<Map<string, number>> {
    const spend = new Map<string, number>();
    const day = isoDay(this.clock.now());
    const next = isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000));
    for (let i = 0; i < ids.length; i += STATS_BATCH) {
      const res = await this.request<XStats>(account, 'GET', `/${X_ADS_API_VERSION}/stats/accounts/${encodeURIComponent(account.platformAccountId)}`, {
        entity: 'CAMPAIGN',
        entity_ids: ids.slice(i, i + STATS_BATCH).join(','),
        start_time: `${day}T00:00:00Z`,
        end_time: `${next}T00:00:00Z`,
        granularity: 'TOTAL',
        placement: 'ALL_ON_TWITTER',
        metric_groups: 'BILLING',
      });
      if (!Array.isArray(res.data.data)) {
        unexpected('X Ads', 'stats without data');
      }
      for (const entity of res.data.data) {
        const values = entity.id_data?.[0]?.metrics?.billed_charge_local_micro ?? [];
        spend.set(entity.id, values.reduce((sum, value) => sum + microsToMinor(value, account.currency), 0));
      }
    }
    return spend;
  }

  private campaignsPath(account: AdAccountAccess): string {
    return `/${X_ADS_API_VERSION}/accounts/${encodeURIComponent(account.platformAccountId)}/campaigns`;
  }

  /** Every parameter goes in the query string, signed with OAuth 1.0a as X requires. */
  private async request<T>(account: AdAccountAccess, method: 'GET' | 'PUT', path: string, query: Record<string, string>): Promise<AxiosResponse<T>> {
    const search = new URLSearchParams(query).toString();
    const url = `${path}${search ? `?${search}` : ''}`;
    const keys: OAuth1Keys = {
      consumerKey: account.credentials.consumerKey,
      consumerSecret: account.credentials.consumerSecret,
      accessToken: account.credentials.accessToken,
      accessTokenSecret: account.credentials.accessTokenSecret,
    };
    const authorization = oauth1Header(method, `${this.baseUrl}${url}`, keys, this.clock.now());
    const res = await call('X Ads', () => this.http.request<T>({ method, url, headers: { authorization } }));
    if (res.status >= 200 && res.status < 300) {
      return res;
    }
    const errors = isRecord(res.data) && Array.isArray(res.data.errors) ? res.data.errors : [];
    const said =
      errors
        .map((error) => (isRecord(error) ? `${text(error.code) ?? 'ERROR'}: ${text(error.message) ?? ''}` : ''))
        .filter(Boolean)
        .join('; ') || `HTTP ${res.status}`;
    const until = epochSecondsHeader(res.headers['x-account-rate-limit-reset']) ?? epochSecondsHeader(res.headers['x-rate-limit-reset']);
    fail(failureOfStatus('X Ads', res.status, said, until && until.getTime() > this.clock.now().getTime() ? until : undefined));
  }
}

function statusOf(raw: string | undefined): PlatformCampaignStatus {
  const status: PlatformStatus = raw === 'ACTIVE' ? 'active' : raw === 'PAUSED' ? 'paused' : 'inactive';
  return { status, rawStatus: raw ?? 'UNKNOWN' };
}

function micros(value: number | null | undefined, currency: string): number | null {
  return typeof value === 'number' && value > 0 ? microsToMinor(value, currency) : null;
}
