import { DomainError } from '../common/domain-error';
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

describe('platform credentials', () => {
  it('accepts what each platform needs', () => {
    expect(validateCredentials('facebook', { pageId: '1234', pageAccessToken: 'EAAB' })).toEqual({
      pageId: '1234',
      pageAccessToken: 'EAAB',
    });
    expect(validateCredentials('x', { authType: 'oauth1', appKey: 'a', appSecret: 'b', accessToken: 'c', accessSecret: 'd' })).toHaveProperty('appKey');
    expect(validateCredentials('x', { authType: 'oauth2', accessToken: 'c' })).toEqual({ authType: 'oauth2', accessToken: 'c' });
    expect(validateCredentials('mastodon', { instanceUrl: 'https://mastodon.social', accessToken: 't' })).toBeTruthy();
    expect(validateCredentials('bluesky', { identifier: 'brand.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' })).toBeTruthy();
    expect(validateCredentials('telegram', { botToken: '123456:' + 'A'.repeat(35), chatId: '@brandnews' })).toBeTruthy();
    expect(validateCredentials('linkedin', { authorUrn: 'urn:li:organization:42', accessToken: 't' })).toBeTruthy();
    expect(validateCredentials('instagram', { igUserId: '178414', accessToken: 't' })).toBeTruthy();
  });

  it('names every missing or malformed field', () => {
    expect(problems(() => validateCredentials('facebook', { pageId: 'my-page' }))).toEqual(
      expect.arrayContaining([
        'credentials.pageId must be the numeric id of the Facebook Page',
        expect.stringMatching(/^credentials\.pageAccessToken /),
      ]),
    );
  });

  it('requires the OAuth 1.0a keys only for oauth1', () => {
    const missing = problems(() => validateCredentials('x', { authType: 'oauth1', accessToken: 'c' }));
    expect(missing.map((m) => m.split(' ')[0])).toEqual(
      expect.arrayContaining(['credentials.appKey', 'credentials.appSecret', 'credentials.accessSecret']),
    );
  });

  it('refuses fields the platform does not use', () => {
    expect(problems(() => validateCredentials('mastodon', { instanceUrl: 'https://m.social', accessToken: 't', pageId: '1' }))).toEqual([
      'credentials.pageId is not a mastodon credential field',
    ]);
  });

  it('never repeats a value in its messages', () => {
    const secret = 'super-secret-token-value';
    const messages = problems(() => validateCredentials('telegram', { botToken: secret, chatId: secret }));
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.join(' ')).not.toContain(secret);
  });
});
