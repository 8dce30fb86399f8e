// Google Ads API (REST): campaign status via campaigns:mutate (PAUSED/ENABLED), status and cost_micros via GAQL search.
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { Env } from '../../config/env';
import type { PlatformStatus } from '../budget-policy';
import type { AdAccountAccess, AdPlatformAdapter, PlatformCampaign, PlatformCampaignStatus } from '../ad-platform.port';
import { microsToMinor } from '../money';
import { call, fail, failureOfStatus, isRecord, platformClient, RATE_LIMIT_FALLBACK_MS, text, unexpected } from './platform-http';

export const GOOGLE_ADS_API_VERSION = 'v21';
const RETRYABLE = new Set(['UNAVAILABLE', 'INTERNAL', 'DEADLINE_EXCEEDED', 'ABORTED']);

/** A GoogleAdsRow as REST renders it: camelCase, int64 as strings. */
interface GoogleAdsRow {
  campaign?: { resourceName?: string; id?: string; name?: string; status?: string };
  campaignBudget?: { amountMicros?: string; totalAmountMicros?: string };
  metrics?: { costMicros?: string };
}

@Injectable()
export class GoogleAdsAdapter implements AdPlatformAdapter {
  readonly platform = 'google' as const;
  private readonly http: AxiosInstance;

  constructor(config: ConfigService<Env, true>) {
    this.http = platformClient(config.get('GOOGLE_ADS_API_URL', { infer: true }));
  }

  async listCampaigns(account: AdAccountAccess): Promise<PlatformCampaign[]> {
    // Attributes and metrics are asked apart: a date-segmented query leaves out campaigns without metrics that day.
    const rows = await this.search(
      account,
      "SELECT campaign.id, campaign.name, campaign.status, campaign_budget.amount_micros, campaign_budget.total_amount_micros FROM campaign WHERE campaign.status != 'REMOVED'",
    );
    const today = costByCampaign(await this.search(account, 'SELECT campaign.id, metrics.cost_micros FROM campaign WHERE segments.date DURING TODAY'), account.currency);
    const lifetime = costByCampaign(await this.search(account, 'SELECT campaign.id, metrics.cost_micros FROM campaign'), account.currency);
    return rows.map((row) => {
      const id = row.campaign?.id ?? unexpected('Google Ads', 'a campaign row without campaign.id');
      return {
        platformCampaignId: id,
        name: row.campaign?.name ?? id,
        ...statusOf(row.campaign?.status),
        dailyBudgetMinor: micros(row.campaignBudget?.amountMicros, account.currency),
        lifetimeBudgetMinor: micros(row.campaignBudget?.totalAmountMicros, account.currency),
        spendTodayMinor: today.get(id) ?? 0,
        spendLifetimeMinor: lifetime.get(id) ?? 0,
      };
    });
  }

  async setStatus(account: AdAccountAccess, platformCampaignId: string, target: 'paused' | 'active'): Promise<void> {
    const customer = account.platformAccountId;
    const res = await this.request<{ results?: { resourceName?: string }[] }>(account, `/${GOOGLE_ADS_API_VERSION}/customers/${customer}/campaigns:mutate`, {
      operations: [
        {
          update: { resourceName: `customers/${customer}/campaigns/${idOf(platformCampaignId)}`, status: target === 'paused' ? 'PAUSED' : 'ENABLED' },
          updateMask: 'status',
        },
      ],
    });
    if (!Array.isArray(res.data.results) || res.data.results.length !== 1) {
      unexpected('Google Ads', 'a mutate answer without one result');
    }
  }

  async readStatus(account: AdAccountAccess, platformCampaignId: string): Promise<PlatformCampaignStatus> {
    const rows = await this.search(account, `SELECT campaign.id, campaign.status FROM campaign WHERE campaign.id = ${idOf(platformCampaignId)}`);
    if (rows.length === 0) {
      fail({ kind: 'permanent', reason: `Google Ads has no campaign ${platformCampaignId} in customer ${account.platformAccountId}` });
    }
    return statusOf(rows[0].campaign?.status);
  }

  private async search(account: AdAccountAccess, query: string): Promise<GoogleAdsRow[]> {
    const rows: GoogleAdsRow[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.request<{ results?: GoogleAdsRow[]; nextPageToken?: string }>(
        account,
        `/${GOOGLE_ADS_API_VERSION}/customers/${account.platformAccountId}/googleAds:search`,
        { query, ...(pageToken ? { pageToken } : {}) },
      );
      rows.push(...(res.data.results ?? []));
      pageToken = res.data.nextPageToken || undefined;
    } while (pageToken);
    return rows;
  }

  private async request<T>(account: AdAccountAccess, url: string, body: object): Promise<AxiosResponse<T>> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${account.credentials.accessToken}`,
      'developer-token': account.credentials.developerToken,
    };
    if (account.credentials.loginCustomerId) {
      headers['login-customer-id'] = account.credentials.loginCustomerId;
    }
    const res = await call('Google Ads', () => this.http.post<T>(url, body, { headers }));
    if (res.status >= 200 && res.status < 300) {
      return res;
    }
    const error = isRecord(res.data) && isRecord(res.data.error) ? res.data.error : {};
    const status = text(error.status) ?? '';
    const failure = firstFailure(error.details);
    const said = `${status || `HTTP ${res.status}`}: ${failure.message ?? text(error.message) ?? 'no message'}`;
    if (status === 'RESOURCE_EXHAUSTED' || res.status === 429) {
      fail({ kind: 'rate_limited', reason: `Google Ads quota exhausted: ${said}`, until: new Date(Date.now() + (failure.retryDelayMs ?? RATE_LIMIT_FALLBACK_MS)) });
    }
    if (RETRYABLE.has(status)) {
      fail({ kind: 'retryable', reason: `Google Ads answered ${said}` });
    }
    if (status === 'UNAUTHENTICATED') {
      fail({ kind: 'auth_expired', reason: `Google Ads rejected the credentials: ${said}` });
    }
    fail(failureOfStatus('Google Ads', res.status, said));
  }
}

/** The first GoogleAdsError of a GoogleAdsFailure detail: its message and, for quota errors, the retry delay. */
function firstFailure(details: unknown): { message?: string; retryDelayMs?: number } {
  for (const detail of Array.isArray(details) ? details : []) {
    const errors = isRecord(detail) && Array.isArray(detail.errors) ? detail.errors : [];
    const first: unknown = errors[0];
    if (isRecord(first)) {
      const quota = isRecord(first.details) && isRecord(first.details.quotaErrorDetails) ? first.details.quotaErrorDetails : {};
      const delay = typeof quota.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(quota.retryDelay) : null;
      return { message: text(first.message), retryDelayMs: delay ? Math.ceil(Number(delay[1]) * 1000) : undefined };
    }
  }
  return {};
}

function costByCampaign(rows: GoogleAdsRow[], currency: string): Map<string, number> {
  const cost = new Map<string, number>();
  for (const row of rows) {
    const id = row.campaign?.id;
    if (id && row.metrics?.costMicros !== undefined) {
      cost.set(id, (cost.get(id) ?? 0) + microsToMinor(row.metrics.costMicros, currency));
    }
  }
  return cost;
}

function statusOf(raw: string | undefined): PlatformCampaignStatus {
  const status: PlatformStatus = raw === 'ENABLED' ? 'active' : raw === 'PAUSED' ? 'paused' : 'inactive';
  return { status, rawStatus: raw ?? 'UNKNOWN' };
}

function micros(value: string | undefined, currency: string): number | null {
  return value !== undefined && value !== '0' ? microsToMinor(value, currency) : null;
}

/** Campaign ids are int64: never interpolate anything else into GAQL or a resource name. */
function idOf(platformCampaignId: string): string {
  if (!/^\d{1,19}$/.test(platformCampaignId)) {
    fail({ kind: 'permanent', reason: `Not a Google Ads campaign id: ${platformCampaignId}` });
  }
  return platformCampaignId;
}
