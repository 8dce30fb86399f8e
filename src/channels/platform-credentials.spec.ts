import { DomainError } from '../common/domain-error';
import type { Platform } from './platform';
import { validateCredentials } from './platform-credentials';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) {
      return error.details ?? [];
    }
    throw error;
  }
  return [];
}

/** One complete, valid credential object per platform (and both X flavours). */
const VALID: [Platform, Record<string, string>][] = [
  ['x', { authType: 'oauth1', appKey: 'a', appSecret: 'b', accessToken: 'c', accessSecret: 'd' }],
  ['x', { authType: 'oauth2', accessToken: 'c' }],
  ['facebook', { pageId: '1234', pageAccessToken: 'EAAB' }],
  ['instagram', { igUserId: '178414', accessToken: 't' }],
  ['linkedin', { authorUrn: 'urn:li:organization:42', accessToken: 't' }],
  ['mastodon', { instanceUrl: 'https://mastodon.social', accessToken: 't' }],
  ['bluesky', { identifier: 'brand.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' }],
  ['telegram', { botToken: '123456:' + 'A'.repeat(35), chatId: '@brandnews' }],
];

describe('platform credentials', () => {
  it.each(VALID)('accepts what %s needs and keeps exactly those fields', (platform, credentials) => {
    expect(validateCredentials(platform, { ...credentials })).toEqual(credentials);
  });

  it.each(VALID.flatMap(([platform, credentials]) => Object.keys(credentials).map((field) => [platform, field, credentials] as const)))(
    'refuses %s credentials without %s, naming that field alone',
    (platform, field, credentials) => {
      const { [field]: _missing, ...rest } = credentials;
      expect(problems(() => validateCredentials(platform, rest))).toEqual([`credentials.${field} is required for ${platform}`]);
    },
  );

  it('says what a malformed field must look like', () => {
    expect(problems(() => validateCredentials('facebook', { pageId: 'my-page', pageAccessToken: 'EAAB' }))).toEqual([
      'credentials.pageId must be the numeric id of the Facebook Page',
    ]);
    expect(problems(() => validateCredentials('telegram', { botToken: 'not-a-token', chatId: 'brand news' }))).toEqual([
      "credentials.botToken must be a bot token as @BotFather gives it: the bot's numeric id, a colon, then 30 or more letters, digits, - or _ (like 123456789:AAH…); copy it whole from /mybots → the bot → API Token",
      'credentials.chatId must be a numeric chat id or an @channelusername',
    ]);
    expect(problems(() => validateCredentials('linkedin', { authorUrn: 'urn:li:company:1', accessToken: 't' }))).toEqual([
      'credentials.authorUrn must be urn:li:organization:<id> or urn:li:person:<id>',
    ]);
  });

  it('names the two X flavours when authType is wrong', () => {
    expect(problems(() => validateCredentials('x', { authType: 'password', accessToken: 'c' }))).toEqual([
      'credentials.authType must be oauth2 (user access token) or oauth1 (user keys)',
    ]);
  });

  it('requires the OAuth 1.0a keys only for oauth1', () => {
    expect(problems(() => validateCredentials('x', { authType: 'oauth1', accessToken: 'c' }))).toEqual([
      'credentials.appKey is required for x',
      'credentials.appSecret is required for x',
      'credentials.accessSecret is required for x',
    ]);
    expect(problems(() => validateCredentials('x', { authType: 'oauth2', accessToken: 'c' }))).toEqual([]);
  });

  it('requires the client id once a refresh token is given', () => {
    expect(problems(() => validateCredentials('linkedin', { authorUrn: 'urn:li:person:abc', accessToken: 't', refreshToken: 'r' }))).toEqual([
      'credentials.clientId is required for linkedin',
      'credentials.clientSecret is required for linkedin',
    ]);
  });

  it('refuses fields the platform does not use', () => {
    expect(problems(() => validateCredentials('mastodon', { instanceUrl: 'https://m.social', accessToken: 't', pageId: '1' }))).toEqual([
      'credentials.pageId is not a mastodon credential field',
    ]);
  });

  it('answers a 400 whose message lists the problems', () => {
    let thrown: unknown;
    try {
      validateCredentials('facebook', { pageId: '1' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).message).toBe('Invalid facebook credentials: credentials.pageAccessToken is required for facebook');
  });

  it('never repeats a value in its messages', () => {
    const secret = 'super-secret-token-value';
    const messages = problems(() => validateCredentials('telegram', { botToken: secret, chatId: secret }));
    expect(messages).toHaveLength(2);
    expect(messages.join(' ')).not.toContain(secret);
  });
});
