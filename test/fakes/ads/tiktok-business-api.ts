// A local TikTok Business API v1.3: campaign/get, campaign/status/update, report/integrated/get.
// Confirmed with the search tool: every answer is {code, message, request_id, data}, errors often with HTTP 200 and a
// non-zero code; 40100 is the QPS/QPM/QPD rate limit; spend comes from report/integrated/get with report_type=BASIC,
// data_level=AUCTION_CAMPAIGN, dimensions ["campaign_id"], metrics ["spend"] (a major-unit string); campaign budgets are
// JSON numbers with budget_mode BUDGET_MODE_DAY / BUDGET_MODE_TOTAL / BUDGET_MODE_INFINITE. Not covered: ad groups and ads,
// async reports, the filtering grammar beyond campaign_ids, pagination beyond one page, currency in report rows.
import { FakeServer, type Fault, type ReceivedRequest, type Reply } from '../fake-server';
import { AdCampaigns, major, type FakeStatus } from './ad-campaigns';

export interface TikTokFault extends Fault {
  /** Answer HTTP 200 with this non-zero code (40100 rate limit, 40105 bad token, 40002 bad parameter). */
  code?: number;
}

const OPERATION: Record<FakeStatus, string> = { active: 'ENABLE', paused: 'DISABLE', inactive: 'DISABLE' };
const SECONDARY: Record<FakeStatus, string> = { active: 'CAMPAIGN_STATUS_ENABLE', paused: 'CAMPAIGN_STATUS_DISABLE', inactive: 'CAMPAIGN_STATUS_DELETE' };

export class FakeTikTokBusinessApi extends FakeServer<TikTokFault> {
  readonly campaigns = new AdCampaigns((n) => String(1_780_000_000_000_000_000n + BigInt(n)));

  static async start(): Promise<FakeTikTokBusinessApi> {
    const fake = new FakeTikTokBusinessApi();
    await fake.listen();
    return fake;
  }

  private constructor() {
    super();
    this.api('GET', '/open_api/v1.3/campaign/get/', (r) => {
      const advertiser = r.query.get('advertiser_id') ?? '';
      const filter = JSON.parse(r.query.get('filtering') ?? '{}') as { campaign_ids?: string[] };
      const list = this.campaigns
        .ofAccount(advertiser)
        .filter((c) => !filter.campaign_ids || filter.campaign_ids.includes(c.id))
        .map((c) => ({
          campaign_id: c.id,
          campaign_name: c.name,
          advertiser_id: advertiser,
          operation_status: OPERATION[c.status],
          secondary_status: SECONDARY[c.status],
          budget_mode: c.dailyBudgetMinor !== null ? 'BUDGET_MODE_DAY' : c.lifetimeBudgetMinor !== null ? 'BUDGET_MODE_TOTAL' : 'BUDGET_MODE_INFINITE',
          budget: (c.dailyBudgetMinor ?? c.lifetimeBudgetMinor ?? 0) / 100,
        }));
      return ok({ list, page_info: { page: 1, page_size: list.length, total_number: list.length, total_page: 1 } });
    });
    this.api('POST', '/open_api/v1.3/campaign/status/update/', (r) => {
      const body = (r.body ?? {}) as { advertiser_id?: string; campaign_ids?: string[]; operation_status?: string };
      const found = (body.campaign_ids ?? []).map((id) => this.campaigns.find(body.advertiser_id ?? '', id));
      if (found.length === 0 || found.some((c) => !c) || (body.operation_status !== 'ENABLE' && body.operation_status !== 'DISABLE')) {
        return coded(40002, 'campaign_ids or operation_status is invalid');
      }
      for (const c of found) {
        this.campaigns.apply(c!, body.operation_status === 'DISABLE' ? 'paused' : 'active');
      }
      return ok({ campaign_ids: body.campaign_ids });
    });
    this.api('GET', '/open_api/v1.3/report/integrated/get/', (r) => {
      if (r.query.get('report_type') !== 'BASIC' || r.query.get('data_level') !== 'AUCTION_CAMPAIGN' || r.query.get('metrics') !== '["spend"]') {
        return coded(40002, 'report_type, data_level or metrics is invalid');
      }
      const lifetime = r.query.get('query_lifetime') === 'true';
      const list = this.campaigns
        .ofAccount(r.query.get('advertiser_id') ?? '')
        .map((c) => ({ dimensions: { campaign_id: c.id }, metrics: { spend: major(lifetime ? c.spendLifetimeMinor : c.spendTodayMinor) } }));
      return ok({ list, page_info: { page: 1, page_size: list.length, total_number: list.length, total_page: 1 } });
    });
  }

  protected faultReply(fault: TikTokFault): Reply | undefined {
    return fault.code === undefined ? undefined : coded(fault.code, fault.code === 40100 ? 'Too many requests. Please retry in some time.' : 'scripted');
  }

  protected notFound(): Reply {
    return { status: 404, body: { code: 40400, message: 'Not found', request_id: 'fake', data: {} } };
  }

  protected malformed(_r: ReceivedRequest, why: string): Reply {
    return coded(40002, why);
  }

  private api(method: string, template: string, handler: (r: ReceivedRequest) => Reply): void {
    this.route(method, template, (r) => (r.headers['access-token'] === 'tiktok-ads-token' ? handler(r) : coded(40105, 'Access token is incorrect or has been revoked.')));
  }
}

function ok(data: unknown): Reply {
  return { status: 200, body: { code: 0, message: 'OK', request_id: 'fake', data } };
}

function coded(code: number, message: string): Reply {
  return { status: 200, body: { code, message, request_id: 'fake', data: {} } };
}
