// Meta Marketing API: campaign status (PAUSED/ACTIVE) on the campaign node, spend from insights (major units, strings).
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { Env } from '../../config/env';
import type { PlatformStatus } from '../budget-policy';
import type { AdAccountAccess, AdPlatformAdapter, PlatformCampaign, PlatformCampaignStatus } from '../ad-platform.port';
import { decimalToMinor } from '../money';
import { call, fail, failureOfStatus, isRecord, platformClient, RATE_LIMIT_FALLBACK_MS, text, unexpected } from './platform-http';

export const META_API_VERSION = 'v23.0';
const PAGE_SIZE = 200;
/** Throttling is an error code, not a 429: app, user, ads-management and insights limits. */
const THROTTLE_CODES = new Set([4, 17, 32, 613, 80000, 80001, 80002, 80003, 80004, 80005, 80006, 80008, 80009, 80014]);
const AUTH_CODES = new Set([102, 190]);
const TRANSIENT_CODES = new Set([1, 2]);

interface MetaCampaign {
  id: string;
  name?: string;
  status?: string;
  daily_budget?: string;
  lifetime_budget?: string;
}

interface MetaPage<T> {
  data: T[];
  paging?: { cursors?: { after?: string }; next?: string };
}

@Injectable()
export class MetaAdsAdapter implements AdPlatformAdapter {
  readonly platform = 'meta' as const;
  private readonly http: AxiosInstance;

  constructor(config: ConfigService<Env, true>) {
    this.http = platformClient(config.get('META_GRAPH_URL', { infer: true }));
  }

  async listCampaigns(account: AdAccountAccess): Promise<PlatformCampaign[]> {
    const campaigns = await this.pages<MetaCampaign>(account, `/${META_API_VERSION}/act_${account.platformAccountId}/campaigns`, {
      fields: 'id,name,status,effective_status,daily_budget,lifetime_budget',
    });
    const today = await this.spendByCampaign(account, 'today');
    const lifetime = await this.spendByCampaign(account, 'maximum');
    return campaigns.map((campaign) => ({
      platformCampaignId: campaign.id,
      name: campaign.name ?? campaign.id,
      ...statusOf(campaign.status),
      dailyBudgetMinor: budget(campaign.daily_budget),
      lifetimeBudgetMinor: budget(campaign.lifetime_budget),
      spendTodayMinor: today.get(campaign.id) ?? 0,
      spendLifetimeMinor: lifetime.get(campaign.id) ?? 0,
    }));
  }

  async setStatus(account: AdAccountAccess, platformCampaignId: string, target: 'paused' | 'active'): Promise<void> {
    const body = new URLSearchParams({ status: target === 'paused' ? 'PAUSED' : 'ACTIVE' });
    const res = await this.request(account, () =>
      this.http.post(`/${META_API_VERSION}/${encodeURIComponent(platformCampaignId)}`, body.toString(), {
        headers: { ...this.auth(account), 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    if (!isRecord(res.data) || res.data.success !== true) {
      unexpected('Meta', 'a status update without success: true');
    }
  }

  async readStatus(account: AdAccountAccess, platformCampaignId: string): Promise<PlatformCampaignStatus> {
    const res = await this.request(account, () =>
      this.http.get(`/${META_API_VERSION}/${encodeURIComponent(platformCampaignId)}`, {
        params: { fields: 'status,effective_status' },
        headers: this.auth(account),
      }),
    );
    const data = res.data as MetaCampaign;
    return statusOf(data.status);
  }

  private async spendByCampaign(account: AdAccountAccess, datePreset: 'today' | 'maximum'): Promise<Map<string, number>> {
    const rows = await this.pages<{ campaign_id?: string; spend?: string }>(account, `/${META_API_VERSION}/act_${account.platformAccountId}/insights`, {
      level: 'campaign',
      fields: 'campaign_id,spend',
      date_preset: datePreset,
    });
    const spend = new Map<string, number>();
    for (const row of rows) {
      if (row.campaign_id && row.spend !== undefined) {
        spend.set(row.campaign_id, (spend.get(row.campaign_id) ?? 0) + decimalToMinor(row.spend, account.currency));
      }
    }
    return spend;
  }

  private async pages<T>(account: AdAccountAccess, path: string, params: Record<string, string>): Promise<T[]> {
    const items: T[] = [];
    let after: string | undefined;
    do {
      const res = await this.request(account, () =>
        this.http.get<MetaPage<T>>(path, { params: { ...params, limit: PAGE_SIZE, ...(after ? { after } : {}) }, headers: this.auth(account) }),
      );
      if (!Array.isArray(res.data.data)) {
        unexpected('Meta', `a list without data at ${path}`);
      }
      items.push(...res.data.data);
      after = res.data.paging?.next ? res.data.paging.cursors?.after : undefined;
    } while (after);
    return items;
  }

  private auth(account: AdAccountAccess): Record<string, string> {
    return { authorization: `Bearer ${account.credentials.accessToken}` };
  }

  private async request<T>(_account: AdAccountAccess, send: () => Promise<AxiosResponse<T>>): Promise<AxiosResponse<T>> {
    const res = await call('Meta', send);
    if (res.status >= 200 && res.status < 300) {
      return res;
    }
    const error = isRecord(res.data) && isRecord(res.data.error) ? res.data.error : {};
    const code = typeof error.code === 'number' ? error.code : undefined;
    const said = `${text(error.message) ?? 'no message'}${code !== undefined ? ` (code ${code})` : ''}`;
    if (code !== undefined && THROTTLE_CODES.has(code)) {
      fail({ kind: 'rate_limited', reason: `Meta throttled the account: ${said}`, until: regainAccess(res.headers['x-business-use-case-usage']) });
    }
    if ((code !== undefined && AUTH_CODES.has(code)) || res.status === 401) {
      fail({ kind: 'auth_expired', reason: `Meta rejected the access token: ${said}` });
    }
    if ((code !== undefined && TRANSIENT_CODES.has(code)) || error.is_transient === true) {
      fail({ kind: 'retryable', reason: `Meta answered a transient error: ${said}` });
    }
    fail(failureOfStatus('Meta', res.status, said));
  }
}

function statusOf(raw: string | undefined): PlatformCampaignStatus {
  const status: PlatformStatus = raw === 'ACTIVE' ? 'active' : raw === 'PAUSED' ? 'paused' : 'inactive';
  return { status, rawStatus: raw ?? 'UNKNOWN' };
}

/** Meta's budgets are strings already in the currency's minor unit ("5000" is 50.00 USD). */
function budget(raw: string | undefined): number | null {
  return raw !== undefined && /^\d{1,15}$/.test(raw) && raw !== '0' ? Number(raw) : null;
}

/** X-Business-Use-Case-Usage: {"<business id>": [{..., "estimated_time_to_regain_access": minutes}]}. */
function regainAccess(header: unknown, now = Date.now()): Date {
  let minutes = 0;
  try {
    const usage = typeof header === 'string' ? (JSON.parse(header) as unknown) : undefined;
    if (isRecord(usage)) {
      for (const entries of Object.values(usage)) {
        for (const entry of Array.isArray(entries) ? entries : []) {
          if (isRecord(entry) && typeof entry.estimated_time_to_regain_access === 'number') {
            minutes = Math.max(minutes, entry.estimated_time_to_regain_access);
          }
        }
      }
    }
  } catch {
    // An unreadable header is no reason to hammer the API: fall back below.
  }
  return new Date(now + (minutes > 0 ? minutes * 60_000 : RATE_LIMIT_FALLBACK_MS));
}
