// A local Google Ads API (REST v21): googleAds:search over a tiny GAQL subset, and campaigns:mutate of status.
// Confirmed with the search tool: REST rows are camelCase with int64 as strings (metrics.costMicros "2500000");
// headers Authorization: Bearer, developer-token, optional login-customer-id; CampaignOperation {update, updateMask};
// quota errors are RESOURCE_EXHAUSTED (HTTP 429) with a GoogleAdsFailure whose quotaErrorDetails carry retryDelay.
// The GAQL understood: SELECT <fields> FROM campaign [WHERE campaign.id = N | campaign.status != 'REMOVED'] [AND
// segments.date DURING TODAY]. Not covered: other resources, ORDER BY/LIMIT, searchStream, partial failure, validate_only,
// OAuth token refresh (the adapter takes an access token).
import { FakeServer, type Fault, type ReceivedRequest, type Reply } from '../fake-server';
import { AdCampaigns, type FakeCampaign, type FakeStatus } from './ad-campaigns';

export interface GoogleFault extends Fault {
  /** RESOURCE_EXHAUSTED, UNAVAILABLE, PERMISSION_DENIED… */
  grpcStatus?: string;
  retryDelaySeconds?: number;
}

const STATUS: Record<FakeStatus, string> = { active: 'ENABLED', paused: 'PAUSED', inactive: 'REMOVED' };
const HTTP: Record<string, number> = { RESOURCE_EXHAUSTED: 429, UNAVAILABLE: 503, PERMISSION_DENIED: 403, UNAUTHENTICATED: 401, INVALID_ARGUMENT: 400 };

export class FakeGoogleAdsApi extends FakeServer<GoogleFault> {
  readonly campaigns = new AdCampaigns((n) => String(21_000_000_000 + n));
  readonly queries: string[] = [];

  static async start(): Promise<FakeGoogleAdsApi> {
    const fake = new FakeGoogleAdsApi();
    await fake.listen();
    return fake;
  }

  private constructor() {
    super();
    this.ads('POST', '/{version}/customers/{customer}/googleAds:search', (r, p) => this.search(p.customer, queryOf(r.body)));
    this.ads('POST', '/{version}/customers/{customer}/campaigns:mutate', (r, p) => {
      const operations = (r.body as { operations?: { update?: { resourceName?: string; status?: string }; updateMask?: string }[] } | undefined)?.operations ?? [];
      const results: { resourceName: string }[] = [];
      for (const operation of operations) {
        const match = /^customers\/(\d+)\/campaigns\/(\d+)$/.exec(operation.update?.resourceName ?? '');
        const c = match && match[1] === p.customer ? this.campaigns.find(p.customer, match[2]) : undefined;
        if (!c || operation.updateMask !== 'status' || (operation.update?.status !== 'PAUSED' && operation.update?.status !== 'ENABLED')) {
          return failure('INVALID_ARGUMENT', 'Request contains an invalid argument.', { requestError: 'INVALID_RESOURCE_NAME' });
        }
        this.campaigns.apply(c, operation.update.status === 'PAUSED' ? 'paused' : 'active');
        results.push({ resourceName: operation.update.resourceName! });
      }
      return { status: 200, body: { results } };
    });
  }

  private search(customer: string, query: string): Reply {
    this.queries.push(query);
    const parsed = /^SELECT (.+) FROM campaign(?: WHERE (.+))?$/.exec(query.trim());
    if (!parsed) {
      return failure('INVALID_ARGUMENT', 'Error in query: unexpected input', { queryError: 'UNEXPECTED_INPUT' });
    }
    const fields = parsed[1].split(',').map((f) => f.trim());
    const where = parsed[2] ?? '';
    const today = /segments\.date DURING TODAY/.test(where);
    const id = /campaign\.id = (\d+)/.exec(where)?.[1];
    const rows = this.campaigns
      .ofAccount(customer)
      .filter((c) => (id ? c.id === id : true))
      .filter((c) => (/campaign\.status != 'REMOVED'/.test(where) ? c.status !== 'inactive' : true))
      .map((c) => row(c, fields, today));
    return { status: 200, body: { results: rows, fieldMask: fields.join(','), requestId: 'fake-request' } };
  }

  protected faultReply(fault: GoogleFault): Reply | undefined {
    if (!fault.grpcStatus) {
      return undefined;
    }
    const quota = fault.grpcStatus === 'RESOURCE_EXHAUSTED';
    return failure(fault.grpcStatus, quota ? 'Too many requests.' : 'scripted', quota ? { quotaError: 'RESOURCE_TEMPORARILY_EXHAUSTED' } : { internalError: 'TRANSIENT_ERROR' }, fault.retryDelaySeconds);
  }

  protected notFound(): Reply {
    return { status: 404, body: { error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } } };
  }

  protected malformed(_r: ReceivedRequest, why: string): Reply {
    return failure('INVALID_ARGUMENT', why, { requestError: 'INVALID_INPUT' });
  }

  private ads(method: string, template: string, handler: (r: ReceivedRequest, p: Record<string, string>) => Reply): void {
    this.route(method, template, (r, p) => {
      if (r.headers.authorization !== 'Bearer google-ads-token') {
        return failure('UNAUTHENTICATED', 'Request is missing required authentication credential.', { authenticationError: 'OAUTH_TOKEN_INVALID' });
      }
      if (r.headers['developer-token'] !== 'google-dev-token') {
        return failure('PERMISSION_DENIED', 'The developer token is not valid.', { authorizationError: 'DEVELOPER_TOKEN_PROHIBITED' });
      }
      return handler(r, p);
    });
  }
}

function queryOf(body: unknown): string {
  const query = (body as { query?: unknown } | undefined)?.query;
  return typeof query === 'string' ? query : '';
}

function row(c: FakeCampaign, fields: string[], today: boolean): Record<string, unknown> {
  const out: Record<string, Record<string, string>> = {};
  const put = (resource: string, key: string, value: string): void => {
    out[resource] = { ...out[resource], [key]: value };
  };
  for (const field of fields) {
    if (field === 'campaign.id') {put('campaign', 'id', c.id);}
    if (field === 'campaign.name') {put('campaign', 'name', c.name);}
    if (field === 'campaign.status') {put('campaign', 'status', STATUS[c.status]);}
    if (field === 'campaign_budget.amount_micros' && c.dailyBudgetMinor !== null) {put('campaignBudget', 'amountMicros', String(c.dailyBudgetMinor * 10_000));}
    if (field === 'campaign_budget.total_amount_micros' && c.lifetimeBudgetMinor !== null) {put('campaignBudget', 'totalAmountMicros', String(c.lifetimeBudgetMinor * 10_000));}
    if (field === 'metrics.cost_micros') {put('metrics', 'costMicros', String((today ? c.spendTodayMinor : c.spendLifetimeMinor) * 10_000));}
  }
  out.campaign = { resourceName: `customers/${c.account}/campaigns/${c.id}`, ...out.campaign };
  return out;
}

function failure(status: string, message: string, errorCode: Record<string, string>, retryDelaySeconds?: number): Reply {
  const code = HTTP[status] ?? 500;
  return {
    status: code,
    body: {
      error: {
        code,
        message,
        status,
        details: [
          {
            '@type': 'type.googleapis.com/google.ads.googleads.v21.errors.GoogleAdsFailure',
            errors: [
              {
                errorCode,
                message,
                ...(retryDelaySeconds !== undefined ? { details: { quotaErrorDetails: { rateScope: 'ACCOUNT', rateName: 'Requests per account', retryDelay: `${retryDelaySeconds}s` } } } : {}),
              },
            ],
            requestId: 'fake-request',
          },
        ],
      },
    },
  };
}
