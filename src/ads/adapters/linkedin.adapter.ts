// LinkedIn Marketing API (versioned /rest): adCampaigns status via Rest.li PARTIAL_UPDATE, spend from adAnalytics (major units, strings).
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { Clock } from '../../common/clock';
import type { Env } from '../../config/env';
import type { PlatformStatus } from '../budget-policy';
import type { AdAccountAccess, AdPlatformAdapter, PlatformCampaign, PlatformCampaignStatus } from '../ad-platform.port';
import { decimalToMinor } from '../money';
import { call, fail, failureOfStatus, isRecord, platformClient, text, unexpected } from './platform-http';

/** The Marketing API version (YYYYMM) sent in LinkedIn-Version on every call. */
export const LINKEDIN_VERSION = '202509';
const PAGE_SIZE = 100;
const ANALYTICS_BATCH = 20;

interface LinkedInMoney {
  amount?: string;
  currencyCode?: string;
}

interface LinkedInCampaign {
  id: number | string;
  name?: string;
  status?: string;
  dailyBudget?: LinkedInMoney;
  totalBudget?: LinkedInMoney;
}

@Injectable()
export class LinkedInAdsAdapter implements AdPlatformAdapter {
  readonly platform = 'linkedin' as const;
  private readonly http: AxiosInstance;

  constructor(
    config: ConfigService<Env, true>,
    private readonly clock: Clock,
  ) {
    this.http = platformClient(config.get('LINKEDIN_API_URL', { infer: true }));
  }

  async listCampaigns(account: AdAccountAccess): Promise<PlatformCampaign[]> {
    const campaigns: LinkedInCampaign[] = [];
    let pageToken: string | undefined;
    do {
      const query = `q=search&pageSize=${PAGE_SIZE}${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`;
      const res = await this.request<{ elements?: LinkedInCampaign[]; metadata?: { nextPageToken?: string } }>(account, 'GET', `${this.campaignsPath(account)}?${query}`);
      if (!Array.isArray(res.data.elements)) {
        unexpected('LinkedIn', 'a campaign search without elements');
      }
      campaigns.push(...res.data.elements);
      pageToken = res.data.metadata?.nextPageToken || undefined;
    } while (pageToken);
    const ids = campaigns.map((c) => String(c.id));
    const now = this.clock.now();
    const today = await this.spend(account, ids, now, now);
    const lifetime = await this.spend(account, ids, new Date(Date.UTC(2010, 0, 1)), now);
    return campaigns.map((campaign) => {
      const id = String(campaign.id);
      return {
        platformCampaignId: id,
        name: campaign.name ?? id,
        ...statusOf(campaign.status),
        dailyBudgetMinor: this.money(account, id, campaign.dailyBudget),
        lifetimeBudgetMinor: this.money(account, id, campaign.totalBudget),
        spendTodayMinor: today.get(id) ?? 0,
        spendLifetimeMinor: lifetime.get(id) ?? 0,
      };
    });
  }

  async setStatus(account: AdAccountAccess, platformCampaignId: string, target: 'paused' | 'active'): Promise<void> {
    await this.request(account, 'POST', `${this.campaignsPath(account)}/${encodeURIComponent(platformCampaignId)}`, {
      patch: { $set: { status: target === 'paused' ? 'PAUSED' : 'ACTIVE' } },
    });
  }

  async readStatus(account: AdAccountAccess, platformCampaignId: string): Promise<PlatformCampaignStatus> {
    const res = await this.request<LinkedInCampaign>(account, 'GET', `${this.campaignsPath(account)}/${encodeURIComponent(platformCampaignId)}`);
    return statusOf(res.data.status);
  }

  /** costInLocalCurrency per campaign over [from, to] (whole days), in minor units. */
  private async spend(account: AdAccountAccess, ids: string[], from: Date, to: Date): Promise<Map<string, number>> {
    const spend = new Map<string, number>();
    for (let i = 0; i < ids.length; i += ANALYTICS_BATCH) {
      const campaigns = ids
        .slice(i, i + ANALYTICS_BATCH)
        .map((id) => encodeURIComponent(`urn:li:sponsoredCampaign:${id}`))
        .join(',');
      // Rest.li 2.0 query syntax: the structure stays literal, only the values are encoded.
      const query =
        `q=analytics&pivot=CAMPAIGN&timeGranularity=ALL&dateRange=(start:${restliDate(from)},end:${restliDate(to)})` +
        `&campaigns=List(${campaigns})&fields=costInLocalCurrency,pivotValues`;
      const res = await this.request<{ elements?: { costInLocalCurrency?: string; pivotValues?: string[] }[] }>(account, 'GET', `/rest/adAnalytics?${query}`);
      if (!Array.isArray(res.data.elements)) {
        unexpected('LinkedIn', 'analytics without elements');
      }
      for (const element of res.data.elements) {
        const id = element.pivotValues?.[0]?.replace(/^urn:li:sponsoredCampaign:/, '');
        if (id && element.costInLocalCurrency !== undefined) {
          spend.set(id, (spend.get(id) ?? 0) + decimalToMinor(element.costInLocalCurrency, account.currency));
        }
      }
    }
    return spend;
  }

  private money(account: AdAccountAccess, campaignId: string, money: LinkedInMoney | undefined): number | null {
    if (!money?.amount) {
      return null;
    }
    if (money.currencyCode && money.currencyCode !== account.currency) {
      fail({
        kind: 'permanent',
        reason: `LinkedIn reports campaign ${campaignId} in ${money.currencyCode} but the ad account was connected as ${account.currency}: fix the account's currency`,
      });
    }
    return decimalToMinor(money.amount, account.currency);
  }

  private campaignsPath(account: AdAccountAccess): string {
    return `/rest/adAccounts/${encodeURIComponent(account.platformAccountId)}/adCampaigns`;
  }

  private async request<T>(account: AdAccountAccess, method: 'GET' | 'POST', url: string, patch?: object): Promise<AxiosResponse<T>> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${account.credentials.accessToken}`,
      'linkedin-version': LINKEDIN_VERSION,
      'x-restli-protocol-version': '2.0.0',
    };
    if (patch) {
      headers['x-restli-method'] = 'PARTIAL_UPDATE';
    }
    const res = await call('LinkedIn', () => this.http.request<T>({ method, url, headers, data: patch }));
    if (res.status >= 200 && res.status < 300) {
      return res;
    }
    const body: Record<string, unknown> = isRecord(res.data) ? res.data : {};
    const code = typeof body.serviceErrorCode === 'number' ? ` (serviceErrorCode ${body.serviceErrorCode})` : '';
    fail(failureOfStatus('LinkedIn', res.status, `${text(body.message) ?? `HTTP ${res.status}`}${code}`));
  }
}

function statusOf(raw: string | undefined): PlatformCampaignStatus {
  const status: PlatformStatus = raw === 'ACTIVE' ? 'active' : raw === 'PAUSED' ? 'paused' : 'inactive';
  return { status, rawStatus: raw ?? 'UNKNOWN' };
}

function restliDate(date: Date): string {
  return `(year:${date.getUTCFullYear()},month:${date.getUTCMonth() + 1},day:${date.getUTCDate()})`;
}
