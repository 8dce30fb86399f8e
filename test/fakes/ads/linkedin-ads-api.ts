// A local LinkedIn Marketing API (/rest, versioned): adCampaigns search/get, Rest.li PARTIAL_UPDATE of status, adAnalytics.
// Confirmed with the search tool: status changes are POST /rest/adAccounts/{acct}/adCampaigns/{id} with
// X-RestLi-Method: PARTIAL_UPDATE and {patch: {$set: {status}}} (204, no body); statuses ACTIVE, PAUSED, ARCHIVED,
// COMPLETED, CANCELED, DRAFT; spend is costInLocalCurrency, a major-unit string, from adAnalytics q=analytics
// pivot=CAMPAIGN. LinkedIn-Version and X-Restli-Protocol-Version 2.0.0 are required here. Not covered: campaign groups,
// creatives, analytics date-range arithmetic (today vs lifetime is told apart by the start year only), 429 headers
// (LinkedIn sends none), pagination beyond one page.
import { FakeServer, type Fault, type ReceivedRequest, type Reply } from '../fake-server';
import { AdCampaigns, major, type FakeStatus } from './ad-campaigns';

export interface LinkedInFault extends Fault {
  status?: number;
}

const STATUS: Record<FakeStatus, string> = { active: 'ACTIVE', paused: 'PAUSED', inactive: 'COMPLETED' };

export class FakeLinkedInAdsApi extends FakeServer<LinkedInFault> {
  readonly campaigns = new AdCampaigns((n) => String(700_000_000 + n));
  currency = 'EUR';

  static async start(): Promise<FakeLinkedInAdsApi> {
    const fake = new FakeLinkedInAdsApi();
    await fake.listen();
    return fake;
  }

  private constructor() {
    super();
    this.rest('GET', '/rest/adAccounts/{account}/adCampaigns', (r, p) =>
      r.query.get('q') === 'search'
        ? { status: 200, body: { elements: this.campaigns.ofAccount(p.account).map((c) => this.view(c.id)), metadata: {}, paging: { start: 0, count: 100, links: [] } } }
        : error(400, 'q must be search'),
    );
    this.rest('GET', '/rest/adAccounts/{account}/adCampaigns/{campaign}', (_r, p) =>
      this.campaigns.find(p.account, p.campaign) ? { status: 200, body: this.view(p.campaign) } : error(404, 'Not found'),
    );
    this.rest('POST', '/rest/adAccounts/{account}/adCampaigns/{campaign}', (r, p) => {
      const c = this.campaigns.find(p.account, p.campaign);
      const status = (r.body as { patch?: { $set?: { status?: string } } } | undefined)?.patch?.$set?.status;
      if (!c) {
        return error(404, 'Not found');
      }
      if (r.headers['x-restli-method'] !== 'PARTIAL_UPDATE' || (status !== 'ACTIVE' && status !== 'PAUSED')) {
        return error(400, 'Expected X-RestLi-Method: PARTIAL_UPDATE and patch.$set.status ACTIVE or PAUSED');
      }
      this.campaigns.apply(c, status === 'PAUSED' ? 'paused' : 'active');
      return { status: 204 };
    });
    this.rest('GET', '/rest/adAnalytics', (r) => {
      const raw = r.query.get('campaigns') ?? '';
      const ids = [...raw.matchAll(/urn:li:sponsoredCampaign:(\d+)/g)].map((m) => m[1]);
      const lifetime = /start:\(year:2010/.test(r.query.get('dateRange') ?? '');
      if (r.query.get('q') !== 'analytics' || r.query.get('pivot') !== 'CAMPAIGN' || !raw.startsWith('List(')) {
        return error(400, 'Expected q=analytics, pivot=CAMPAIGN, campaigns=List(...)');
      }
      return {
        status: 200,
        body: {
          elements: ids
            .map((id) => this.campaigns.byId.get(id))
            .filter((c) => c !== undefined)
            .map((c) => ({ costInLocalCurrency: major(lifetime ? c.spendLifetimeMinor : c.spendTodayMinor), pivotValues: [`urn:li:sponsoredCampaign:${c.id}`] })),
          paging: { start: 0, count: 10, links: [] },
        },
      };
    });
  }

  protected faultReply(fault: LinkedInFault): Reply | undefined {
    return fault.status === undefined ? undefined : error(fault.status, 'scripted');
  }

  protected notFound(): Reply {
    return error(404, 'Resource not found');
  }

  protected malformed(_r: ReceivedRequest, why: string): Reply {
    return error(400, why);
  }

  private view(id: string): Record<string, unknown> {
    const c = this.campaigns.byId.get(id)!;
    return {
      id: Number(c.id),
      name: c.name,
      status: STATUS[c.status],
      account: `urn:li:sponsoredAccount:${c.account}`,
      ...(c.dailyBudgetMinor !== null ? { dailyBudget: { amount: major(c.dailyBudgetMinor), currencyCode: this.currency } } : {}),
      ...(c.lifetimeBudgetMinor !== null ? { totalBudget: { amount: major(c.lifetimeBudgetMinor), currencyCode: this.currency } } : {}),
    };
  }

  private rest(method: string, template: string, handler: (r: ReceivedRequest, p: Record<string, string>) => Reply): void {
    this.route(method, template, (r, p) => {
      if (r.headers.authorization !== 'Bearer linkedin-ads-token') {
        return error(401, 'Invalid access token', 65600);
      }
      if (!/^\d{6}$/.test(String(r.headers['linkedin-version'])) || r.headers['x-restli-protocol-version'] !== '2.0.0') {
        return error(426, 'A valid LinkedIn-Version header and X-Restli-Protocol-Version: 2.0.0 are required');
      }
      return handler(r, p);
    });
  }
}

function error(status: number, message: string, serviceErrorCode = 100): Reply {
  return { status, body: { status, serviceErrorCode, code: status === 401 ? 'INVALID_ACCESS_TOKEN' : 'ERROR', message } };
}
