// Facebook Login for Facebook Pages and Instagram professional accounts: the code becomes a short-lived user
// token, that one a long-lived user token, whose Pages (/me/accounts) come with Page tokens that do not
// expire. Facebook connects the Pages; Instagram the professional accounts linked to them, posting with
// their Page's token. The admin chooses which to connect.
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import type { Env } from '../../config/env';
import { GRAPH_API_VERSION } from '../../publishers/meta-graph/graph-api';
import { ConnectError, type AuthorizeRequest, type CodeExchange, type ConnectableAccount, type OAuthClient, type OAuthProvider } from '../oauth-provider';
import { redact } from './redact';

export const FACEBOOK_SCOPES = ['pages_show_list', 'pages_manage_posts', 'pages_read_engagement', 'business_management'];
export const INSTAGRAM_SCOPES = [...FACEBOOK_SCOPES, 'instagram_basic', 'instagram_content_publish'];
const REQUEST_TIMEOUT_MS = 15_000;
/** /me/accounts pages read at most (25 Pages each by default). */
const ACCOUNT_PAGES = 4;
const PAGE_FIELDS = 'id,name,access_token,instagram_business_account{id,username,name}';

export interface ManagedPage {
  id: string;
  name: string;
  accessToken: string;
  instagram?: { id: string; username?: string; name?: string };
}

interface TokenAnswer {
  access_token?: unknown;
}

interface AccountsAnswer {
  data?: { id?: unknown; name?: unknown; access_token?: unknown; instagram_business_account?: { id?: unknown; username?: unknown; name?: unknown } }[];
  paging?: { next?: unknown };
}

/** Injectable so that Nest reads the constructor's parameters for the two subclasses. */
@Injectable()
abstract class MetaOAuthProvider implements OAuthProvider {
  abstract readonly platform: 'facebook' | 'instagram';
  protected abstract readonly scopes: string[];
  private readonly oauthUrl: string;
  private readonly graphUrl: string;

  constructor(private readonly config: ConfigService<Env, true>) {
    this.oauthUrl = config.get('FACEBOOK_OAUTH_URL', { infer: true }).replace(/\/+$/, '');
    this.graphUrl = config.get('META_GRAPH_URL', { infer: true }).replace(/\/+$/, '');
  }

  missing(): string[] {
    return (['META_APP_ID', 'META_APP_SECRET'] as const).filter((name) => !this.config.get(name, { infer: true }));
  }

  client(): Promise<OAuthClient> {
    return Promise.resolve({ clientId: this.config.get('META_APP_ID', { infer: true }), clientSecret: this.config.get('META_APP_SECRET', { infer: true }) });
  }

  authorizeUrl(request: AuthorizeRequest): string {
    const url = new URL(`${this.oauthUrl}/${GRAPH_API_VERSION}/dialog/oauth`);
    url.search = new URLSearchParams({
      client_id: request.client.clientId,
      redirect_uri: request.redirectUri,
      state: request.state,
      response_type: 'code',
      scope: this.scopes.join(','),
    }).toString();
    return url.toString();
  }

  async complete(exchange: CodeExchange): Promise<{ accounts: ConnectableAccount[]; choose: boolean }> {
    const secrets: (string | undefined)[] = [exchange.code, exchange.client.clientSecret];
    const graph = this.http(exchange.signal);
    const shortLived = await this.token(graph, secrets, 'Facebook refused the sign-in', {
      client_id: exchange.client.clientId,
      redirect_uri: exchange.redirectUri,
      client_secret: exchange.client.clientSecret ?? '',
      code: exchange.code,
    });
    const longLived = await this.token(graph, secrets, 'Facebook did not renew the sign-in for long-lived use', {
      grant_type: 'fb_exchange_token',
      client_id: exchange.client.clientId,
      client_secret: exchange.client.clientSecret ?? '',
      fb_exchange_token: shortLived,
    });
    await this.checkPermissions(graph, longLived, secrets);
    const pages = await this.pages(graph, longLived, secrets);
    return { accounts: this.accountsOf(pages), choose: true };
  }

  /** The accounts of this platform among the Pages the person manages. */
  protected abstract accountsOf(pages: ManagedPage[]): ConnectableAccount[];

  /** GET /oauth/access_token: either grant answers {access_token, token_type, expires_in}. */
  private async token(graph: AxiosInstance, secrets: (string | undefined)[], failure: string, params: Record<string, string>): Promise<string> {
    let answer: TokenAnswer;
    try {
      ({ data: answer } = await graph.get<TokenAnswer>('/oauth/access_token', { params }));
    } catch (error) {
      throw new ConnectError('token_error', `${failure}: ${describe(error, secrets)}`);
    }
    if (typeof answer.access_token !== 'string' || answer.access_token === '') {
      throw new ConnectError('token_error', `${failure}: the answer had no access token`);
    }
    secrets.push(answer.access_token);
    return answer.access_token;
  }

  /** Facebook Login lets the person untick permissions: without them the channel could not post, so say which now. */
  private async checkPermissions(graph: AxiosInstance, userToken: string, secrets: (string | undefined)[]): Promise<void> {
    let answer: { data?: { permission?: unknown; status?: unknown }[] };
    try {
      ({ data: answer } = await graph.get<typeof answer>('/me/permissions', { headers: { Authorization: `Bearer ${userToken}` } }));
    } catch (error) {
      throw new ConnectError('token_error', `Facebook did not say which permissions were granted: ${describe(error, secrets)}`);
    }
    const granted = (Array.isArray(answer.data) ? answer.data : []).filter((entry) => entry.status === 'granted').map((entry) => entry.permission);
    const lacking = this.scopes.filter((scope) => !granted.includes(scope));
    if (lacking.length > 0) {
      throw new ConnectError(
        'token_error',
        `Facebook granted less than Holdfast needs to post: ${lacking.join(', ')} not granted. Connect again and keep every permission ticked`,
      );
    }
  }

  /** The Pages the person manages, following paging.next (on the Graph host only, the token in the header). */
  private async pages(graph: AxiosInstance, userToken: string, secrets: (string | undefined)[]): Promise<ManagedPage[]> {
    const pages: ManagedPage[] = [];
    let next: { path: string; params?: Record<string, string> } | undefined = { path: '/me/accounts', params: { fields: PAGE_FIELDS } };
    for (let read = 0; next && read < ACCOUNT_PAGES; read++) {
      let answer: AccountsAnswer;
      try {
        ({ data: answer } = await graph.get<AccountsAnswer>(next.path, {
          params: next.params,
          headers: { Authorization: `Bearer ${userToken}` },
        }));
      } catch (error) {
        throw new ConnectError('account_error', `Facebook did not list the Pages you manage: ${describe(error, secrets)}`);
      }
      for (const page of Array.isArray(answer.data) ? answer.data : []) {
        if (typeof page.id !== 'string' || typeof page.access_token !== 'string' || page.access_token === '') {
          continue; // a Page the person cannot act for (no task that grants a token)
        }
        secrets.push(page.access_token);
        const linked = page.instagram_business_account;
        pages.push({
          id: page.id,
          name: typeof page.name === 'string' && page.name !== '' ? page.name : `Page ${page.id}`,
          accessToken: page.access_token,
          ...(linked && typeof linked.id === 'string'
            ? {
                instagram: {
                  id: linked.id,
                  ...(typeof linked.username === 'string' ? { username: linked.username } : {}),
                  ...(typeof linked.name === 'string' ? { name: linked.name } : {}),
                },
              }
            : {}),
        });
      }
      next = this.nextPage(answer.paging?.next);
    }
    return pages;
  }

  /** paging.next is an absolute URL that repeats the token in its query: kept only on the Graph host, without it. */
  private nextPage(raw: unknown): { path: string; params?: Record<string, string> } | undefined {
    if (typeof raw !== 'string') {
      return undefined;
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return undefined;
    }
    const base = new URL(`${this.graphUrl}/${GRAPH_API_VERSION}`);
    if (url.origin !== base.origin || !url.pathname.startsWith(`${base.pathname}/`)) {
      return undefined;
    }
    url.searchParams.delete('access_token');
    return { path: url.pathname.slice(base.pathname.length), params: Object.fromEntries(url.searchParams) };
  }

  private http(signal: AbortSignal): AxiosInstance {
    return axios.create({ baseURL: `${this.graphUrl}/${GRAPH_API_VERSION}`, timeout: REQUEST_TIMEOUT_MS, signal, maxRedirects: 0 });
  }
}

@Injectable()
export class FacebookOAuthProvider extends MetaOAuthProvider {
  readonly platform = 'facebook' as const;
  protected readonly scopes = FACEBOOK_SCOPES;

  protected accountsOf(pages: ManagedPage[]): ConnectableAccount[] {
    return pages.map((page) => ({
      accountId: page.id,
      name: page.name,
      handle: page.name,
      kind: 'page',
      credentials: { pageId: page.id, pageAccessToken: page.accessToken },
    }));
  }
}

@Injectable()
export class InstagramOAuthProvider extends MetaOAuthProvider {
  readonly platform = 'instagram' as const;
  protected readonly scopes = INSTAGRAM_SCOPES;

  /** Only Pages with a linked professional account; the account posts with its Page's token. */
  protected accountsOf(pages: ManagedPage[]): ConnectableAccount[] {
    return pages.flatMap((page) => {
      const account = page.instagram;
      if (!account) {
        return [];
      }
      const handle = account.username ? `@${account.username}` : page.name;
      return [{ accountId: account.id, name: account.name || account.username || page.name, handle, kind: 'instagram', credentials: { igUserId: account.id, accessToken: page.accessToken } }];
    });
  }
}

/** Graph's words: {error: {message, type, code, error_subcode, fbtrace_id}}, without any secret the request held. */
function describe(error: unknown, secrets: (string | undefined)[]): string {
  let words: string;
  if (error instanceof AxiosError) {
    if (error.response) {
      const body = error.response.data as { error?: { message?: unknown; type?: unknown; code?: unknown; error_subcode?: unknown } } | undefined;
      const graph = body && typeof body === 'object' ? body.error : undefined;
      words =
        graph && typeof graph.message === 'string'
          ? `${graph.message.slice(0, 300)}${typeof graph.code === 'number' ? ` (${typeof graph.type === 'string' ? `${graph.type} ` : ''}code ${graph.code}${typeof graph.error_subcode === 'number' ? `, subcode ${graph.error_subcode}` : ''})` : ''}`
          : `HTTP ${error.response.status} without an explanation`;
    } else {
      words = `Facebook could not be reached (${error.code ?? 'no answer'})`;
    }
  } else {
    words = error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
  }
  return redact(words, secrets);
}
