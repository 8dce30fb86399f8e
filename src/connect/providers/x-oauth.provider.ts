// X: OAuth 2.0 authorization code with PKCE (S256), through twitter-api-v2 like every other X call; the
// handle read from /2/users/me. Refresh tokens come with offline.access and rotate on every use.
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiResponseError, ApiRequestError } from 'twitter-api-v2';
import type { Env } from '../../config/env';
import { XClients } from '../../publishers/x/x-client';
import { ConnectError, oauthErrorWords, type AuthorizeRequest, type CodeExchange, type ConnectableAccount, type OAuthClient, type OAuthProvider } from '../oauth-provider';

export const X_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'];

@Injectable()
export class XOAuthProvider implements OAuthProvider {
  readonly platform = 'x' as const;
  private readonly clients: XClients;

  constructor(private readonly config: ConfigService<Env, true>) {
    this.clients = new XClients(config.get('X_API_URL', { infer: true }), 4);
  }

  missing(): string[] {
    return this.config.get('X_CLIENT_ID', { infer: true }) ? [] : ['X_CLIENT_ID', 'X_CLIENT_SECRET (confidential apps)'];
  }

  client(): Promise<OAuthClient> {
    const clientSecret = this.config.get('X_CLIENT_SECRET', { infer: true });
    return Promise.resolve({ clientId: this.config.get('X_CLIENT_ID', { infer: true }), ...(clientSecret ? { clientSecret } : {}) });
  }

  authorizeUrl(request: AuthorizeRequest): string {
    const url = new URL('/i/oauth2/authorize', this.config.get('X_OAUTH_URL', { infer: true }));
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: request.client.clientId,
      redirect_uri: request.redirectUri,
      scope: X_SCOPES.join(' '),
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  async complete(exchange: CodeExchange): Promise<{ accounts: ConnectableAccount[]; choose: boolean }> {
    const app = this.clients.client({ clientId: exchange.client.clientId, clientSecret: exchange.client.clientSecret });
    let grant: Awaited<ReturnType<typeof app.loginWithOAuth2>>;
    try {
      grant = await this.clients.withSignal(exchange.signal, () =>
        app.loginWithOAuth2({ code: exchange.code, codeVerifier: exchange.codeVerifier, redirectUri: exchange.redirectUri }),
      );
    } catch (error) {
      throw new ConnectError('token_error', `X refused the sign-in: ${describe(error)}`);
    }
    if (!grant.refreshToken) {
      throw new ConnectError('token_error', 'X granted no refresh token (offline.access was not granted): the channel would stop working within two hours');
    }
    let user: { id: string; username: string; name: string };
    try {
      user = (await this.clients.withSignal(exchange.signal, () => this.clients.client(grant.accessToken).v2.me())).data;
    } catch (error) {
      throw new ConnectError('account_error', `X did not say which account signed in: ${describe(error)}`);
    }
    const credentials: Record<string, string> = {
      authType: 'oauth2',
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      clientId: exchange.client.clientId,
      ...(exchange.client.clientSecret ? { clientSecret: exchange.client.clientSecret } : {}),
      expiresAt: new Date(Date.now() + grant.expiresIn * 1000).toISOString(),
    };
    return { accounts: [{ accountId: user.id, name: user.name || `@${user.username}`, handle: `@${user.username}`, kind: 'member', credentials }], choose: false };
  }
}

/** X's words for a failure: the OAuth error body or the API's problem, never the request (it holds the code). */
function describe(error: unknown): string {
  if (error instanceof ApiResponseError) {
    return `${error.code} ${oauthErrorWords(error.data)}`;
  }
  if (error instanceof ApiRequestError) {
    return `the request did not reach X (${error.requestError.message})`;
  }
  return error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
}
