// The credential fields each platform's connection takes (mirrors src/channels/platform-credentials.ts), as a person
// fills them in: secrets in password inputs, never shown back (the service returns only which fields are stored).
import type { components } from '../../api/schema';
import type { Platform } from '../../platforms';

export type ChannelView = components['schemas']['ChannelView'];
export type VerificationView = components['schemas']['ChannelVerificationView'];
export type PlatformHealth = components['schemas']['PlatformHealthView'];

export interface CredentialField {
  name: string;
  label: string;
  /** A token or password: a password input, and never echoed. */
  secret: boolean;
  optional?: boolean;
  description?: string;
  /** X only: the field belongs to one of its two ways of signing in. */
  authType?: 'oauth2' | 'oauth1';
}

export const X_AUTH_TYPES = [
  { value: 'oauth2', label: 'OAuth 2.0 user access token' },
  { value: 'oauth1', label: 'OAuth 1.0a user keys' },
];

export const CREDENTIAL_FIELDS: Record<Platform, CredentialField[]> = {
  x: [
    { name: 'accessToken', label: 'Access token', secret: true },
    { name: 'refreshToken', label: 'Refresh token', secret: true, optional: true, authType: 'oauth2', description: 'Lets the service renew the access token by itself' },
    { name: 'clientId', label: 'Client ID', secret: false, optional: true, authType: 'oauth2', description: 'Needed with a refresh token' },
    { name: 'clientSecret', label: 'Client secret', secret: true, optional: true, authType: 'oauth2' },
    { name: 'appKey', label: 'API key', secret: true, authType: 'oauth1' },
    { name: 'appSecret', label: 'API key secret', secret: true, authType: 'oauth1' },
    { name: 'accessSecret', label: 'Access token secret', secret: true, authType: 'oauth1' },
  ],
  facebook: [
    { name: 'pageId', label: 'Page ID', secret: false, description: 'The numeric id of the Facebook Page' },
    { name: 'pageAccessToken', label: 'Page access token', secret: true },
  ],
  instagram: [
    { name: 'igUserId', label: 'Instagram account ID', secret: false, description: 'The numeric id of the professional account' },
    { name: 'accessToken', label: 'Access token', secret: true },
  ],
  linkedin: [
    { name: 'authorUrn', label: 'Author URN', secret: false, description: 'urn:li:organization:<id> or urn:li:person:<id>' },
    { name: 'accessToken', label: 'Access token', secret: true },
    { name: 'refreshToken', label: 'Refresh token', secret: true, optional: true },
    { name: 'clientId', label: 'Client ID', secret: false, optional: true, description: 'Needed with a refresh token' },
    { name: 'clientSecret', label: 'Client secret', secret: true, optional: true, description: 'Needed with a refresh token' },
  ],
  mastodon: [
    { name: 'instanceUrl', label: 'Instance URL', secret: false, description: 'For example https://mastodon.social' },
    { name: 'accessToken', label: 'Access token', secret: true },
  ],
  bluesky: [
    { name: 'identifier', label: 'Handle or DID', secret: false, description: 'For example brand.bsky.social' },
    { name: 'appPassword', label: 'App password', secret: true },
    { name: 'serviceUrl', label: 'PDS URL', secret: false, optional: true, description: 'Leave empty for https://bsky.social' },
  ],
  telegram: [
    { name: 'botToken', label: 'Bot token', secret: true, description: 'As given by @BotFather' },
    { name: 'chatId', label: 'Chat ID', secret: false, description: 'A numeric chat id or an @channelusername' },
  ],
};

/** The fields shown for a platform (X: those of the chosen way of signing in). */
export function fieldsFor(platform: Platform, xAuthType: string): CredentialField[] {
  return CREDENTIAL_FIELDS[platform].filter((field) => !field.authType || field.authType === xAuthType);
}

export const FAILOVER_LABELS: Record<ChannelView['failoverPolicy'], string> = {
  off: 'Off: deliveries wait for the platform',
  manual: 'Manual: a person confirms each failover',
  auto: 'Automatic: after a number of minutes late',
};

/** The platform's health in words, from its circuit breaker. */
export function healthWords(state: 'closed' | 'open' | 'half_open' | undefined): { label: string; color: string } {
  switch (state) {
    case 'open':
      return { label: 'Degraded', color: 'red.9' };
    case 'half_open':
      return { label: 'Recovering', color: 'yellow.4' };
    case 'closed':
    case undefined:
      return { label: 'Healthy', color: 'teal.9' };
  }
}

/** A connection check's answer as a sentence. */
export function verificationWords(channel: Pick<ChannelView, 'name'>, answer: VerificationView): string {
  if (answer.ok && answer.account) {
    const who = answer.account.displayName ? `${answer.account.displayName} (${answer.account.handle})` : answer.account.handle;
    return `${channel.name} is connected: the credentials reach ${who}.`;
  }
  const reason = answer.reason ?? 'the platform gave no reason';
  if (answer.kind === 'auth_expired') {
    return `${channel.name} needs reconnecting: the platform refused the credentials (${reason}). Nothing is sent to it until new credentials are saved or a check succeeds.`;
  }
  if (answer.kind === 'retryable' || answer.kind === 'rate_limited' || answer.kind === 'unknown') {
    return `${channel.name} could not be checked just now (${reason}). Try again later; its status is unchanged.`;
  }
  return `${channel.name} failed the check: ${reason}.`;
}
