import { AxiosError, AxiosHeaders, type AxiosResponse } from 'axios';
import { messageLink } from './telegram.publisher';
import { classifyTelegramFailure, classifyTelegramResponse, migratedChatId } from './telegram-errors';

const now = new Date('2030-01-01T12:00:00Z');

function answered(status: number, data: unknown): AxiosError {
  const response = { status, statusText: '', headers: new AxiosHeaders(), data, config: { headers: new AxiosHeaders() } } as AxiosResponse;
  return new AxiosError(`Request failed with status code ${status}`, 'ERR_BAD_REQUEST', undefined, {}, response);
}

describe('classifyTelegramResponse', () => {
  it('waits retry_after seconds on a 429', () => {
    const body = { ok: false, error_code: 429, description: 'Too Many Requests: retry after 35', parameters: { retry_after: 35 } };
    expect(classifyTelegramResponse({ status: 429, body }, now)).toEqual({
      kind: 'rate_limited',
      reason: 'Telegram rate limit reached: Too Many Requests: retry after 35',
      until: new Date(now.getTime() + 35_000),
    });
  });

  it('waits a minute on a 429 without retry_after', () => {
    expect(classifyTelegramResponse({ status: 429, body: '' }, now)).toMatchObject({ kind: 'rate_limited', until: new Date(now.getTime() + 60_000) });
  });

  it.each([
    [401, 'Unauthorized'],
    [404, 'Not Found'],
  ])('asks for the bot to be reconnected on a %i', (status, description) => {
    expect(classifyTelegramResponse({ status, body: { ok: false, error_code: status, description } }, now)).toEqual({
      kind: 'auth_expired',
      reason: `Telegram does not accept the bot token: ${description}`,
    });
  });

  it.each([
    [403, 'Forbidden: bot was blocked by the user'],
    [403, 'Forbidden: bot is not a member of the channel chat'],
    [400, 'Bad Request: chat not found'],
    [400, 'Bad Request: message is too long'],
  ])("makes a %i permanent with Telegram's description (%s)", (status, description) => {
    expect(classifyTelegramResponse({ status, body: { ok: false, error_code: status, description } }, now)).toEqual({
      kind: 'permanent',
      reason: description,
      platformCode: String(status),
    });
  });

  it('names the new chat of a migrated group', () => {
    const body = { ok: false, error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: -1001234567890 } };
    expect(classifyTelegramResponse({ status: 400, body }, now)).toMatchObject({ kind: 'permanent', reason: expect.stringContaining('-1001234567890') });
    expect(migratedChatId(answered(400, body))).toBe('-1001234567890');
    expect(migratedChatId(answered(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' }))).toBeUndefined();
  });

  it.each([500, 502, 503, 504])('retries a %i', (status) => {
    expect(classifyTelegramResponse({ status, body: '<html>nginx</html>' }, now)).toEqual({ kind: 'retryable', reason: `Telegram answered ${status}: HTTP ${status}` });
  });
});

describe('classifyTelegramFailure', () => {
  it('retries a connection never made, and calls a lost answer unknown', () => {
    expect(classifyTelegramFailure(new AxiosError('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'), now)).toMatchObject({ kind: 'retryable' });
    expect(classifyTelegramFailure(new AxiosError('socket hang up', 'ECONNRESET'), now)).toMatchObject({ kind: 'unknown' });
  });

  it('never takes the text of an unknown error, which might hold the request URL and its token', () => {
    const error = new Error('GET https://api.telegram.org/bot123:SECRET/sendMessage failed');
    expect(classifyTelegramFailure(error, now)).toEqual({ kind: 'unknown', reason: 'Telegram request failed' });
  });
});

describe('messageLink', () => {
  it('links a message of a public channel by its username', () => {
    expect(messageLink({ message_id: 42, chat: { id: -100123, username: 'brand_news' } }, '-100123')).toBe('https://t.me/brand_news/42');
    expect(messageLink({ message_id: 7, chat: { id: -100123 } }, '@brand_news')).toBe('https://t.me/brand_news/7');
  });

  it('has no public link for a private chat', () => {
    expect(messageLink({ message_id: 7, chat: { id: -100123 } }, '-100123')).toBeNull();
  });
});
