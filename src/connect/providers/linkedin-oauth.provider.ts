// LinkedIn: OAuth 2.0 three-legged (web apps use no PKCE; the state still binds the flow). The grant reaches
// the member (OpenID Connect userinfo) and the organizations the member administers (organizationAcls), and
// the admin chooses which of them to connect; each gets the same member token.
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import type { Env } from '../../config/env';
import { LINKEDIN_VERSION, RESTLI_PROTOCOL_VERSION } from '../../publishers/linkedin/linkedin-api';
import { redact } from './redact';
import { ConnectError, oauthErrorWords, type AuthorizeRequest, type CodeExchange, type ConnectableAccount, type OAuthClient, type OAuthProvider } from '../oauth-provider';

export const LINKEDIN_SCOPES = ['openid', 'profile', 'w_member_social', 'r_organization_admin', 'w_organization_social'];
const REQUEST_TIMEOUT_MS = 15_000;
/** organizationAcls answers at most this many a page; a member administering more is rare, a few pages are read. */
const ACL_PAGE_SIZE = 100;
const ACL_PAGES = 5;

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
  scope?: unknown;
}

interface AclAnswer {
  elements?: { organization?: unknown; role?: unknown; state?: unknown }[];
  paging?: { start?: number; count?: number; total?: number };
}

@Injectable()
export class LinkedInOAuthProvider implements OAuthProvider {
  readonly platform = 'linkedin' as const;
  private readonly oauthUrl: string;
  private readonly apiUrl: string;

  constructor(private readonly config: ConfigService<Env, true>) {
    this.oauthUrl = config.get('LINKEDIN_OAUTH_URL', { infer: true }).replace(/\/+$/, '');
    this.apiUrl = config.get('LINKEDIN_API_URL', { infer: true }).replace(/\/+$/, '');
  }

  missing(): string[] {
    return (['LINKEDIN_CLIENT_ID', 'LINKEDIN_CLIENT_SECRET'] as const).filter((name) => !this.config.get(name, { infer: true }));
  }

  client(): Promise<OAuthClient> {
    return Promise.resolve({ clientId: this.config.get('LINKEDIN_CLIENT_ID', { infer: true }), clientSecret: this.config.get('LINKEDIN_CLIENT_SECRET', { infer: true }) });
  }

  authorizeUrl(request: AuthorizeRequest): string {
    const url = new URL(`${this.oauthUrl}/oauth/v2/authorization`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: request.client.clientId,
      redirect_uri: request.redirectUri,
      state: request.state,
      scope: LINKEDIN_SCOPES.join(' '),
    }).toString();
    return url.toString();
  }

  async complete(exchange: CodeExchange): Promise<{ accounts: ConnectableAccount[]; choose: boolean }> {
    const secrets = [exchange.code, exchange.client.clientSecret];
    let token: TokenAnswer;
    try {
      const form = new URLSearchParams({
        grant_type: 'authorization_code',
        code: exchange.code,
        redirect_uri: exchange.redirectUri,
        client_id: exchange.client.clientId,
        client_secret: exchange.client.clientSecret ?? '',
      });
      ({ data: token } = await this.http(exchange.signal).post<TokenAnswer>(`${this.oauthUrl}/oauth/v2/accessToken`, form.toString(), {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }));
    } catch (error) {
      throw new ConnectError('token_error', `LinkedIn refused the sign-in: ${describe(error, secrets)}`);
    }
    if (typeof token.access_token !== 'string' || token.access_token === '') {
      throw new ConnectError('token_error', 'LinkedIn answered the sign-in without an access token');
    }
    const accessToken = token.access_token;
    secrets.push(accessToken, typeof token.refresh_token === 'string' ? token.refresh_token : undefined);
    const granted = typeof token.scope === 'string' ? token.scope.split(/[\s,]+/).filter(Boolean) : LINKEDIN_SCOPES;
    const lacking = LINKEDIN_SCOPES.filter((scope) => !granted.includes(scope));
    if (lacking.length > 0) {
      throw new ConnectError('token_error', `LinkedIn granted less than Holdfast needs: ${lacking.join(', ')} missing (is the app approved for the Community Management API?)`);
    }
    const credentials: Record<string, string> = {
      accessToken,
      ...(typeof token.refresh_token === 'string' && token.refresh_token !== '' ? { refreshToken: token.refresh_token } : {}),
      clientId: exchange.client.clientId,
      clientSecret: exchange.client.clientSecret ?? '',
      ...(typeof token.expires_in === 'number' && token.expires_in > 0 ? { expiresAt: new Date(Date.now() + token.expires_in * 1000).toISOString() } : {}),
    };

    const api = this.http(exchange.signal, accessToken);
    let member: { sub?: unknown; name?: unknown };
    try {
      ({ data: member } = await api.get<{ sub?: unknown; name?: unknown }>('/v2/userinfo'));
    } catch (error) {
      throw new ConnectError('account_error', `LinkedIn did not say which member signed in: ${describe(error, secrets)}`);
    }
    if (typeof member.sub !== 'string' || member.sub === '') {
      throw new ConnectError('account_error', 'LinkedIn answered the member without an id (sub)');
    }
    const memberName = typeof member.name === 'string' && member.name !== '' ? member.name : 'LinkedIn member';
    const memberUrn = `urn:li:person:${member.sub}`;
    const accounts: ConnectableAccount[] = [
      { accountId: memberUrn, name: memberName, handle: memberName, kind: 'member', credentials: { authorUrn: memberUrn, ...credentials } },
    ];
    for (const organizationId of await this.administered(api, secrets)) {
      let organization: { localizedName?: unknown; vanityName?: unknown };
      try {
        ({ data: organization } = await api.get<{ localizedName?: unknown; vanityName?: unknown }>(`/rest/organizations/${encodeURIComponent(organizationId)}`, {
          headers: restHeaders(),
        }));
      } catch (error) {
        throw new ConnectError('account_error', `LinkedIn did not show organization ${organizationId}: ${describe(error, secrets)}`);
      }
      const urn = `urn:li:organization:${organizationId}`;
      const name = typeof organization.localizedName === 'string' && organization.localizedName !== '' ? organization.localizedName : `Organization ${organizationId}`;
      const handle = typeof organization.vanityName === 'string' && organization.vanityName !== '' ? organization.vanityName : name;
      accounts.push({ accountId: urn, name, handle, kind: 'organization', credentials: { authorUrn: urn, ...credentials } });
    }
    return { accounts, choose: true };
  }

  /** The ids of the organizations whose approved administrator the member is, in LinkedIn's order. */
  private async administered(api: AxiosInstance, secrets: (string | undefined)[]): Promise<string[]> {
    const ids: string[] = [];
    for (let page = 0; page < ACL_PAGES; page++) {
      let answer: AclAnswer;
      try {
        ({ data: answer } = await api.get<AclAnswer>('/rest/organizationAcls', {
          params: { q: 'roleAssignee', role: 'ADMINISTRATOR', state: 'APPROVED', start: page * ACL_PAGE_SIZE, count: ACL_PAGE_SIZE },
          headers: restHeaders(),
        }));
      } catch (error) {
        throw new ConnectError('account_error', `LinkedIn did not list the organizations the member administers: ${describe(error, secrets)}`);
      }
      const elements = Array.isArray(answer.elements) ? answer.elements : [];
      for (const element of elements) {
        const id = typeof element.organization === 'string' ? /^urn:li:organization:(\d+)$/.exec(element.organization)?.[1] : undefined;
        if (id && element.role === 'ADMINISTRATOR' && element.state === 'APPROVED' && !ids.includes(id)) {
          ids.push(id);
        }
      }
      const total = answer.paging?.total;
      if (elements.length < ACL_PAGE_SIZE || (typeof total === 'number' && (page + 1) * ACL_PAGE_SIZE >= total)) {
        break;
      }
    }
    return ids;
  }

  private http(signal: AbortSignal, accessToken?: string): AxiosInstance {
    return axios.create({
      baseURL: this.apiUrl,
      timeout: REQUEST_TIMEOUT_MS,
      signal,
      maxRedirects: 0,
      headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {},
    });
  }
}

function restHeaders(): Record<string, string> {
  return { 'LinkedIn-Version': LINKEDIN_VERSION, 'X-Restli-Protocol-Version': RESTLI_PROTOCOL_VERSION };
}

/** LinkedIn's words for a failure (OAuth error or REST error body), never the request, with any secret cut out. */
function describe(error: unknown, secrets: (string | undefined)[]): string {
  let words: string;
  if (error instanceof AxiosError) {
    words = error.response ? `HTTP ${error.response.status} ${linkedInWords(error.response.data)}` : `LinkedIn could not be reached (${error.code ?? 'no answer'})`;
  } else {
    words = error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
  }
  return redact(words, secrets);
}

/** A REST error is {status, serviceErrorCode, code, message}; the OAuth endpoint answers {error, error_description}. */
function linkedInWords(body: unknown): string {
  if (body && typeof body === 'object' && !('error' in body)) {
    const { code, message } = body as Record<string, unknown>;
    const parts = [code, message].filter((part): part is string => typeof part === 'string' && part.length > 0);
    if (parts.length > 0) {
      return parts.join(': ').slice(0, 300);
    }
  }
  return oauthErrorWords(body);
}
