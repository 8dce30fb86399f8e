// The port each platform's OAuth flow implements (issue 15): where the consent screen is, how a code becomes
// tokens, and which accounts the grant reaches. The connect service owns the state, PKCE, the choice and the
// channels; a provider knows only its platform.
import type { Platform } from '../channels/platform';

export const OAUTH_PLATFORMS = ['x', 'linkedin', 'facebook', 'instagram', 'mastodon'] as const;
export type OAuthPlatform = (typeof OAUTH_PLATFORMS)[number] & Platform;

/** The app Holdfast is to the platform: from configuration, or registered on a Mastodon instance. */
export interface OAuthClient {
  clientId: string;
  clientSecret?: string;
}

export interface AuthorizeRequest {
  client: OAuthClient;
  redirectUri: string;
  state: string;
  /** PKCE S256 challenge of the flow's verifier (base64url SHA-256). */
  codeChallenge: string;
  instanceUrl?: string;
}

export interface CodeExchange {
  client: OAuthClient;
  redirectUri: string;
  code: string;
  codeVerifier: string;
  instanceUrl?: string;
  signal: AbortSignal;
}

/** One account a grant may post as, with the channel credentials that reach it (validated as the platform's). */
export interface ConnectableAccount {
  /** The platform's stable id of the account (user id, URN, Page id, Instagram user id). */
  accountId: string;
  /** What a person calls it: display name, organization or Page name. */
  name: string;
  /** The handle shown beside the name: @brand, @brand@mastodon.social, the vanity name. */
  handle: string;
  /** For a choice between kinds: 'member' or 'organization' (LinkedIn), 'page' (Facebook), 'instagram'. */
  kind: string;
  credentials: Record<string, string>;
}

export interface OAuthProvider {
  readonly platform: OAuthPlatform;
  /** The configuration variables still to set for this platform; empty when it can connect. */
  missing(): string[];
  /** Mastodon registers an app on the instance; the others answer their configured app. */
  client(redirectUri: string, instanceUrl?: string): Promise<OAuthClient>;
  authorizeUrl(request: AuthorizeRequest): string;
  /**
   * Exchanges the code and lists the accounts the grant reaches. `choose`: the admin picks among them
   * (LinkedIn organizations, Pages); otherwise the one account is connected at once. Throws ConnectError.
   */
  complete(exchange: CodeExchange): Promise<{ accounts: ConnectableAccount[]; choose: boolean }>;
}

/** Why a callback did not connect anything: the code the console explains, and words safe to show and log (no token, no code). */
export const CONNECT_ERROR_CODES = [
  'state_invalid',
  'state_expired',
  'state_used',
  'state_other_member',
  'signed_out',
  'denied',
  'token_error',
  'account_error',
  'not_configured',
] as const;
export type ConnectErrorCode = (typeof CONNECT_ERROR_CODES)[number];

export class ConnectError extends Error {
  constructor(
    readonly code: ConnectErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

/** The OAuth error body's words (RFC 6749 §5.2), without anything the platform echoed back. */
export function oauthErrorWords(body: unknown): string {
  if (body && typeof body === 'object') {
    const { error, error_description: description, message } = body as Record<string, unknown>;
    const parts = [error, description ?? message].filter((part): part is string => typeof part === 'string' && part.length > 0);
    if (parts.length > 0) {
      return parts.join(': ').slice(0, 300);
    }
  }
  return 'no explanation given';
}

/** The injection token of the providers list. */
export const OAUTH_PROVIDERS = Symbol('OAUTH_PROVIDERS');
