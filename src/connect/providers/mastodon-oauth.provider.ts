// Mastodon: any instance the admin names. Holdfast registers itself there once (POST /api/v1/apps, kept in
// oauth_apps per instance and redirect URI), then OAuth 2.0 with PKCE at the instance's /oauth/authorize.
// Every request to the instance obeys the network policy: the instance URL is user input.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isPrivateAddressRefusal, NetworkPolicy } from '../../common/network-policy';
import { CredentialVault } from '../../secrets/credential-vault';
import { ConnectError, oauthErrorWords, type AuthorizeRequest, type CodeExchange, type ConnectableAccount, type OAuthClient, type OAuthProvider } from '../oauth-provider';

export const MASTODON_SCOPES = 'write:statuses write:media read:accounts';
const REQUEST_TIMEOUT_MS = 15_000;

@Injectable()
export class MastodonOAuthProvider implements OAuthProvider {
  readonly platform = 'mastodon' as const;
  private readonly agents: ReturnType<NetworkPolicy['nodeAgents']>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vault: CredentialVault,
    private readonly network: NetworkPolicy,
  ) {
    this.agents = network.nodeAgents({ keepAlive: false });
  }

  /** Nothing to configure: the app is registered on each instance when first used. */
  missing(): string[] {
    return [];
  }

  async client(redirectUri: string, instanceUrl?: string): Promise<OAuthClient> {
    const instance = instanceUrl!;
    const [kept] = await this.dataSource.query<{ id: string; client_id: string; secret_sealed: string }[]>(
      'SELECT id, client_id, secret_sealed FROM oauth_apps WHERE instance_url = $1 AND redirect_uri = $2',
      [instance, redirectUri],
    );
    if (kept) {
      return { clientId: kept.client_id, clientSecret: this.vault.open<{ secret: string }>(kept.secret_sealed, kept.id).secret };
    }
    let app: { client_id?: unknown; client_secret?: unknown };
    try {
      ({ data: app } = await this.api(instance).post('/api/v1/apps', {
        client_name: 'Holdfast',
        redirect_uris: redirectUri,
        scopes: MASTODON_SCOPES,
        website: new URL(redirectUri).origin,
      }));
    } catch (error) {
      throw new ConnectError('token_error', `${instance} did not register Holdfast as an app: ${describe(error)}`);
    }
    if (typeof app.client_id !== 'string' || typeof app.client_secret !== 'string') {
      throw new ConnectError('token_error', `${instance} answered POST /api/v1/apps without a client id and secret: is it a Mastodon instance?`);
    }
    const id = randomUUID();
    // Two admins starting at once on a new instance: the first registration kept wins, the other is unused.
    await this.dataSource.query(
      `INSERT INTO oauth_apps (id, instance_url, redirect_uri, client_id, secret_sealed) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (instance_url, redirect_uri) DO NOTHING`,
      [id, instance, redirectUri, app.client_id, this.vault.seal({ secret: app.client_secret }, id)],
    );
    return this.client(redirectUri, instance);
  }

  authorizeUrl(request: AuthorizeRequest): string {
    const url = new URL('/oauth/authorize', request.instanceUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: request.client.clientId,
      redirect_uri: request.redirectUri,
      scope: MASTODON_SCOPES,
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  async complete(exchange: CodeExchange): Promise<{ accounts: ConnectableAccount[]; choose: boolean }> {
    const instance = exchange.instanceUrl!;
    let token: { access_token?: unknown; scope?: unknown };
    try {
      ({ data: token } = await this.api(instance, exchange.signal).post('/oauth/token', {
        grant_type: 'authorization_code',
        code: exchange.code,
        client_id: exchange.client.clientId,
        client_secret: exchange.client.clientSecret,
        redirect_uri: exchange.redirectUri,
        code_verifier: exchange.codeVerifier,
        scope: MASTODON_SCOPES,
      }));
    } catch (error) {
      throw new ConnectError('token_error', `${instance} refused the sign-in: ${describe(error)}`);
    }
    if (typeof token.access_token !== 'string') {
      throw new ConnectError('token_error', `${instance} answered without an access token`);
    }
    const granted = typeof token.scope === 'string' ? token.scope.split(/\s+/) : MASTODON_SCOPES.split(' ');
    const lacking = MASTODON_SCOPES.split(' ').filter((scope) => !granted.includes(scope) && !granted.includes(scope.split(':')[0]));
    if (lacking.length > 0) {
      throw new ConnectError('token_error', `${instance} granted less than Holdfast needs to post: ${lacking.join(', ')} missing`);
    }
    let account: { id: string; acct: string; display_name?: string };
    try {
      ({ data: account } = await this.api(instance, exchange.signal, token.access_token).get('/api/v1/accounts/verify_credentials'));
    } catch (error) {
      throw new ConnectError('account_error', `${instance} did not say which account signed in: ${describe(error)}`);
    }
    const host = new URL(instance).host;
    const handle = account.acct.includes('@') ? `@${account.acct}` : `@${account.acct}@${host}`;
    return {
      accounts: [{ accountId: `${host}:${account.id}`, name: account.display_name || handle, handle, kind: 'member', credentials: { instanceUrl: instance, accessToken: token.access_token } }],
      choose: false,
    };
  }

  private api(instance: string, signal?: AbortSignal, accessToken?: string): AxiosInstance {
    return axios.create({
      baseURL: instance,
      timeout: REQUEST_TIMEOUT_MS,
      signal,
      maxRedirects: 0,
      proxy: false,
      headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {},
      ...this.agents,
    });
  }
}

/** What went wrong, in the instance's words (never the request, which holds the code and secret). */
function describe(error: unknown): string {
  if (isPrivateAddressRefusal(error)) {
    return 'the instance resolves to a private address, which Holdfast does not connect to';
  }
  if (error instanceof AxiosError) {
    return error.response ? `HTTP ${error.response.status} ${oauthErrorWords(error.response.data)}` : `it could not be reached (${error.code ?? error.message})`;
  }
  return error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
}
