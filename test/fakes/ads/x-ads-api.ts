// A local X Ads API v12: account campaigns (entity_status ACTIVE/PAUSED via PUT with query parameters), synchronous stats.
// Confirmed with the search tool: stats come from GET /12/stats/accounts/{id} with metric_groups=BILLING, whose spend
// field is billed_charge_local_micro (an array per time bucket, micros of the account currency), at most 20 entity_ids
// and 7 days per call. Every request must carry a valid OAuth 1.0a signature (checked here); over the limit X answers
// 429 with x-account-rate-limit-reset (epoch seconds). Not covered: line items and promoted tweets, async stats jobs,
// draft/servable nuances, the with_deleted listing, per-endpoint limit numbers.
import { oauth1Signature } from '../../../src/ads/adapters/oauth1';
import { FakeServer, type Fault, type ReceivedRequest, type Reply } from '../fake-server';
import { AdCampaigns, type FakeStatus } from './ad-campaigns';

export interface XAdsFault extends Fault {
  status?: number;
  /** For 429: seconds until x-account-rate-limit-reset. */
  resetInSeconds?: number;
}

const STATUS: Record<FakeStatus, string> = { active: 'ACTIVE', paused: 'PAUSED', inactive: 'DRAFT' };
export const X_ADS_KEYS = { consumerKey: 'xads-ck', consumerSecret: 'xads-cs-secret', accessToken: 'xads-at', accessTokenSecret: 'xads-ats-secret' };

export class FakeXAdsApi extends FakeServer<XAdsFault> {
  readonly campaigns = new AdCampaigns((n) => (1_000_000 + n).toString(36));

  static async start(): Promise<FakeXAdsApi> {
    const fake = new FakeXAdsApi();
    await fake.listen();
    return fake;
  }

  private constructor() {
    super();
    this.api('GET', '/12/accounts/{account}/campaigns', (_r, p) => ({
      status: 200,
      body: { data: this.campaigns.ofAccount(p.account).map((c) => this.view(c.id)), next_cursor: null, request: { params: { account_id: p.account } } },
    }));
    this.api('GET', '/12/accounts/{account}/campaigns/{campaign}', (_r, p) =>
      this.campaigns.find(p.account, p.campaign) ? { status: 200, body: { data: this.view(p.campaign), request: { params: {} } } } : notFound(),
    );
    this.api('PUT', '/12/accounts/{account}/campaigns/{campaign}', (r, p) => {
      const c = this.campaigns.find(p.account, p.campaign);
      const status = r.query.get('entity_status');
      if (!c) {
        return notFound();
      }
      if (status !== 'ACTIVE' && status !== 'PAUSED') {
        return { status: 400, body: { errors: [{ code: 'INVALID_PARAMETER', message: 'entity_status must be one of ACTIVE, PAUSED', parameter: 'entity_status' }] } };
      }
      this.campaigns.apply(c, status === 'PAUSED' ? 'paused' : 'active');
      return { status: 200, body: { data: this.view(c.id), request: { params: {} } } };
    });
    this.api('GET', '/12/stats/accounts/{account}', (r, p) => {
      const ids = (r.query.get('entity_ids') ?? '').split(',').filter(Boolean);
      if (r.query.get('metric_groups') !== 'BILLING' || r.query.get('entity') !== 'CAMPAIGN' || ids.length > 20) {
        return { status: 400, body: { errors: [{ code: 'INVALID_PARAMETER', message: 'expected entity=CAMPAIGN, metric_groups=BILLING, at most 20 entity_ids' }] } };
      }
      const days = (Date.parse(r.query.get('end_time') ?? '') - Date.parse(r.query.get('start_time') ?? '')) / 86_400_000;
      if (!(days > 0 && days <= 7)) {
        return { status: 400, body: { errors: [{ code: 'INVALID_PARAMETER', message: 'The time range must be at most 7 days' }] } };
      }
      return {
        status: 200,
        body: {
          data_type: 'stats',
          time_series_length: 1,
          data: ids.map((id) => {
            const c = this.campaigns.find(p.account, id);
            return { id, id_data: [{ segment: null, metrics: { billed_charge_local_micro: c && c.spendTodayMinor > 0 ? [c.spendTodayMinor * 10_000] : null } }] };
          }),
          request: { params: { granularity: 'TOTAL' } },
        },
      };
    });
  }

  protected faultReply(fault: XAdsFault): Reply | undefined {
    if (fault.status === undefined) {
      return undefined;
    }
    if (fault.status === 429) {
      const reset = Math.ceil(Date.now() / 1000) + (fault.resetInSeconds ?? 1);
      return {
        status: 429,
        body: { errors: [{ code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded' }] },
        headers: { 'x-account-rate-limit-limit': '450', 'x-account-rate-limit-remaining': '0', 'x-account-rate-limit-reset': String(reset) },
      };
    }
    return { status: fault.status, body: { errors: [{ code: 'SERVICE_UNAVAILABLE', message: 'scripted' }] } };
  }

  protected notFound(): Reply {
    return notFound();
  }

  protected malformed(_r: ReceivedRequest, why: string): Reply {
    return { status: 400, body: { errors: [{ code: 'INVALID_PARAMETER', message: why }] } };
  }

  private view(id: string): Record<string, unknown> {
    const c = this.campaigns.byId.get(id)!;
    return {
      id: c.id,
      name: c.name,
      entity_status: STATUS[c.status],
      account_id: c.account,
      currency: 'EUR',
      daily_budget_amount_local_micro: c.dailyBudgetMinor === null ? null : c.dailyBudgetMinor * 10_000,
      total_budget_amount_local_micro: c.lifetimeBudgetMinor === null ? null : c.lifetimeBudgetMinor * 10_000,
    };
  }

  /** An Ads API route: OAuth 1.0a signature over method, URL and query checked first, as X does. */
  private api(method: string, template: string, handler: (r: ReceivedRequest, p: Record<string, string>) => Reply): void {
    this.route(method, template, (r, p) => {
      const header = r.headers.authorization ?? '';
      const oauth = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], decodeURIComponent(m[2])]));
      const { oauth_signature: signature, ...signed } = oauth;
      const expected =
        oauth.oauth_consumer_key === X_ADS_KEYS.consumerKey && oauth.oauth_token === X_ADS_KEYS.accessToken
          ? oauth1Signature(method, `${this.url}${r.path}`, { ...Object.fromEntries(r.query), ...signed }, X_ADS_KEYS.consumerSecret, X_ADS_KEYS.accessTokenSecret)
          : undefined;
      if (!header.startsWith('OAuth ') || !signature || signature !== expected) {
        return { status: 401, body: { errors: [{ code: 'UNAUTHORIZED_ACCESS', message: 'This request is not properly authenticated' }] } };
      }
      return handler(r, p);
    });
  }
}

function notFound(): Reply {
  return { status: 404, body: { errors: [{ code: 'NOT_FOUND', message: 'Sorry, that page does not exist' }] } };
}
