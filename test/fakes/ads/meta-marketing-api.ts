// A local Meta Marketing API (Graph v23.0): campaigns of an ad account, campaign status updates and reads, insights spend.
// Shapes from Meta's Marketing API reference: POST /{campaign-id} status=PAUSED|ACTIVE → {success: true}; budgets are
// strings in the currency's minor unit; insights spend is a major-unit string; throttling is an error code (17, 613,
// 80000-80014) with X-Business-Use-Case-Usage, not a 429. Not covered: ad sets and ads, async insights jobs, batch requests,
// effective_status subtleties (CAMPAIGN_PAUSED vs ADSET_PAUSED), appsecret_proof.
import { FakeServer, type Fault, type ReceivedRequest, type Reply } from '../fake-server';
import { AdCampaigns, major, type FakeStatus } from './ad-campaigns';

export interface MetaFault extends Fault {
  /** Answer a Graph error with this code (17 = user request limit, 190 = token expired, 100 = invalid parameter). */
  code?: number;
  /** Minutes for estimated_time_to_regain_access on throttling codes. */
  regainMinutes?: number;
}

const STATUS: Record<FakeStatus, string> = { active: 'ACTIVE', paused: 'PAUSED', inactive: 'ARCHIVED' };

export class FakeMetaMarketingApi extends FakeServer<MetaFault> {
  readonly campaigns = new AdCampaigns((n) => String(120200000000000 + n));
  readonly tokens = new Set<string>(['meta-ads-token']);

  static async start(): Promise<FakeMetaMarketingApi> {
    const fake = new FakeMetaMarketingApi();
    await fake.listen();
    return fake;
  }

  private constructor() {
    super();
    this.graph('GET', '/{version}/act_{account}/campaigns', (_r, p) => ({
      status: 200,
      body: {
        data: this.campaigns.ofAccount(p.account).map((c) => ({
          id: c.id,
          name: c.name,
          status: STATUS[c.status],
          effective_status: STATUS[c.status],
          ...(c.dailyBudgetMinor !== null ? { daily_budget: String(c.dailyBudgetMinor) } : {}),
          ...(c.lifetimeBudgetMinor !== null ? { lifetime_budget: String(c.lifetimeBudgetMinor) } : {}),
        })),
        paging: { cursors: { before: 'MAZDZD', after: 'MjQZD' } },
      },
    }));
    this.graph('GET', '/{version}/act_{account}/insights', (r, p) => {
      const lifetime = r.query.get('date_preset') === 'maximum';
      const today = new Date().toISOString().slice(0, 10);
      return {
        status: 200,
        body: {
          data: this.campaigns.ofAccount(p.account).map((c) => ({
            campaign_id: c.id,
            spend: major(lifetime ? c.spendLifetimeMinor : c.spendTodayMinor),
            date_start: today,
            date_stop: today,
          })),
          paging: { cursors: { before: 'MAZDZD', after: 'MAZDZD' } },
        },
      };
    });
    this.graph('GET', '/{version}/{campaign}', (_r, p) => {
      const c = this.campaigns.byId.get(p.campaign);
      return c ? { status: 200, body: { id: c.id, status: STATUS[c.status], effective_status: STATUS[c.status] } } : graphError(100, 'Unsupported get request.', 400);
    });
    this.graph('POST', '/{version}/{campaign}', (r, p) => {
      const c = this.campaigns.byId.get(p.campaign);
      const status = (r.body as Record<string, string> | undefined)?.status;
      if (!c) {
        return graphError(100, 'Unsupported post request.', 400);
      }
      if (status !== 'PAUSED' && status !== 'ACTIVE') {
        return graphError(100, '(#100) Param status must be one of {ACTIVE, PAUSED, DELETED, ARCHIVED}', 400);
      }
      this.campaigns.apply(c, status === 'PAUSED' ? 'paused' : 'active');
      return { status: 200, body: { success: true } };
    });
  }

  protected faultReply(fault: MetaFault): Reply | undefined {
    if (fault.code === undefined) {
      return undefined;
    }
    const reply = graphError(fault.code, `(#${fault.code}) scripted`, fault.code === 190 ? 401 : 400);
    if (fault.regainMinutes !== undefined) {
      reply.headers = {
        'x-business-use-case-usage': JSON.stringify({ '1': [{ type: 'ads_management', call_count: 100, estimated_time_to_regain_access: fault.regainMinutes }] }),
      };
    }
    return reply;
  }

  protected notFound(): Reply {
    return graphError(803, 'Some of the aliases you requested do not exist', 404);
  }

  protected malformed(_r: ReceivedRequest, why: string): Reply {
    return graphError(100, why, 400);
  }

  /** A Graph route: the access token comes as a Bearer header or the access_token parameter. */
  private graph(method: string, template: string, handler: (r: ReceivedRequest, p: Record<string, string>) => Reply): void {
    this.route(method, template, (r, p) => {
      const bearer = /^Bearer (.+)$/.exec(r.headers.authorization ?? '')?.[1] ?? r.query.get('access_token') ?? '';
      if (!this.tokens.has(bearer)) {
        return graphError(190, 'Invalid OAuth access token - Cannot parse access token', 401);
      }
      return handler(r, p);
    });
  }
}

function graphError(code: number, message: string, status: number): Reply {
  return { status, body: { error: { message, type: 'OAuthException', code, fbtrace_id: 'AbCdEf123', is_transient: false } } };
}
