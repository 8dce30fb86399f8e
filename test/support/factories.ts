// Valid request bodies, overridable field by field.
import type { Platform } from '../../src/channels/platform';

export const CREDENTIALS: Record<Platform, Record<string, string>> = {
  x: { authType: 'oauth2', accessToken: 'x-secret-access-token-0001', refreshToken: 'x-secret-refresh-0001', clientId: 'client-1' },
  facebook: { pageId: '1029384756', pageAccessToken: 'EAAB-secret-page-token-0002' },
  instagram: { igUserId: '17841400000000', accessToken: 'IGQ-secret-token-0003' },
  linkedin: { authorUrn: 'urn:li:organization:2414183', accessToken: 'AQX-secret-linkedin-0004' },
  mastodon: { instanceUrl: 'https://mastodon.example', accessToken: 'masto-secret-token-0005' },
  bluesky: { identifier: 'brand.bsky.social', appPassword: 'abcd-efgh-ijkl-0006' },
  telegram: { botToken: '123456789:AAsecretTelegramBotToken00000000007', chatId: '@brandnews' },
};

export function channelBody(platform: Platform = 'mastodon', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    platform,
    name: `Brand on ${platform}`,
    handle: `@brand-${platform}`,
    credentials: { ...CREDENTIALS[platform] },
    ...overrides,
  };
}

/** Every secret value the factories use, to search responses and logs for. */
export const SECRET_VALUES = Object.values(CREDENTIALS).flatMap((c) =>
  Object.entries(c)
    .filter(([field]) => /token|secret|password/i.test(field))
    .map(([, value]) => value),
);
