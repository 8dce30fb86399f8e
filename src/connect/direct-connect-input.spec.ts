import { DomainError } from '../common/domain-error';
import { scopeOf } from './bluesky-account-check';
import { chatIdOf } from './telegram-chat-check';

describe('chatIdOf', () => {
  it('takes an @username, a bare username, a t.me link or a numeric id', () => {
    expect(chatIdOf('@brandnews')).toBe('@brandnews');
    expect(chatIdOf(' brandnews ')).toBe('@brandnews');
    expect(chatIdOf('https://t.me/brandnews')).toBe('@brandnews');
    expect(chatIdOf('t.me/brand_news')).toBe('@brand_news');
    expect(chatIdOf('-1001234567890')).toBe('-1001234567890');
  });

  it('refuses what names no chat, saying what to give', () => {
    for (const given of ['', 'brand news', '@abc', 'https://t.me/+invitehash', '-100abc']) {
      expect(() => chatIdOf(given)).toThrow(DomainError);
      expect(() => chatIdOf(given)).toThrow(/chatId must be the channel or group: its @username/);
    }
  });
});

describe('scopeOf', () => {
  const jwt = (payload: object): string => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

  it("reads an access token's scope claim", () => {
    expect(scopeOf(jwt({ scope: 'com.atproto.appPass', sub: 'did:plc:x' }))).toBe('com.atproto.appPass');
    expect(scopeOf(jwt({ scope: 'com.atproto.access' }))).toBe('com.atproto.access');
  });

  it('answers undefined for what is no JWT or has no scope', () => {
    expect(scopeOf(undefined)).toBeUndefined();
    expect(scopeOf('opaque-token')).toBeUndefined();
    expect(scopeOf(jwt({ sub: 'did:plc:x' }))).toBeUndefined();
  });
});
