import { AxiosError, AxiosHeaders, type AxiosResponse } from 'axios';
import { classifyMastodonFailure, classifyMastodonResponse, mastodonMessage, rateLimitEnd } from './mastodon-errors';

const now = new Date('2030-01-01T12:00:00Z');

function answered(status: number, data: unknown, headers: Record<string, string> = {}): AxiosError {
  const response = { status, statusText: '', headers: new AxiosHeaders(headers), data, config: { headers: new AxiosHeaders() } } as AxiosResponse;
  return new AxiosError(`Request failed with status code ${status}`, 'ERR_BAD_RESPONSE', undefined, {}, response);
}

describe('classifyMastodonResponse', () => {
  it('rate-limits until X-RateLimit-Reset, an ISO 8601 instant', () => {
    const failure = classifyMastodonResponse(
      { status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2030-01-01T12:03:30.000Z' }, body: { error: 'Too many requests' } },
      now,
    );
    expect(failure).toEqual({ kind: 'rate_limited', reason: 'Mastodon rate limit reached: Too many requests', until: new Date('2030-01-01T12:03:30.000Z') });
  });

  it('waits a whole 5-minute window when the reset is missing, unreadable or past', () => {
    for (const headers of [{}, { 'x-ratelimit-reset': '1893499200' }, { 'x-ratelimit-reset': '2029-12-31T00:00:00Z' }]) {
      expect(classifyMastodonResponse({ status: 429, headers, body: {} }, now)).toMatchObject({ until: new Date(now.getTime() + 300_000) });
    }
  });

  it('reports a 401 as expired credentials', () => {
    expect(classifyMastodonResponse({ status: 401, headers: {}, body: { error: 'The access token is invalid' } }, now)).toEqual({
      kind: 'auth_expired',
      reason: "Mastodon rejected the channel's access token: The access token is invalid",
    });
  });

  it('reports a suspended or unconfirmed account as needing a person', () => {
    const body = { error: 'Your login is currently disabled' };
    expect(classifyMastodonResponse({ status: 403, headers: {}, body }, now)).toMatchObject({ kind: 'auth_expired' });
  });

  it.each([404, 410, 422, 403])("makes a %i permanent with Mastodon's message", (status) => {
    expect(classifyMastodonResponse({ status, headers: {}, body: { error: 'Validation failed: Text character limit of 500 exceeded' } }, now)).toEqual({
      kind: 'permanent',
      reason: 'Validation failed: Text character limit of 500 exceeded',
      platformCode: String(status),
    });
  });

  it.each([500, 502, 503, 504, 408])('retries a %i', (status) => {
    expect(classifyMastodonResponse({ status, headers: {}, body: '<html>Bad gateway</html>' }, now)).toEqual({
      kind: 'retryable',
      reason: `Mastodon answered ${status}: HTTP ${status}`,
    });
  });
});

describe('classifyMastodonFailure', () => {
  it('classifies an answer by its status and headers', () => {
    const error = answered(429, { error: 'Too many requests' }, { 'x-ratelimit-reset': '2030-01-01T12:01:00Z' });
    expect(classifyMastodonFailure(error, now)).toMatchObject({ kind: 'rate_limited', until: new Date('2030-01-01T12:01:00Z') });
  });

  it('retries a connection never made', () => {
    const error = new AxiosError('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED');
    expect(classifyMastodonFailure(error, now)).toEqual({ kind: 'retryable', reason: 'The Mastodon instance could not be reached: connect ECONNREFUSED 127.0.0.1:9' });
  });

  it('treats a connection lost after the request left as of unknown outcome', () => {
    for (const error of [new AxiosError('socket hang up', 'ECONNRESET'), new AxiosError('timeout of 30000ms exceeded', 'ECONNABORTED')]) {
      expect(classifyMastodonFailure(error, now)).toMatchObject({ kind: 'unknown' });
    }
  });
});

describe('mastodonMessage', () => {
  it('joins error and error_description, and ignores HTML pages', () => {
    expect(mastodonMessage({ error: 'invalid_grant', error_description: 'The provided authorization grant is invalid' })).toBe(
      'invalid_grant (The provided authorization grant is invalid)',
    );
    expect(mastodonMessage('<!DOCTYPE html><html>…</html>')).toBeUndefined();
    expect(mastodonMessage(undefined)).toBeUndefined();
  });
});

describe('rateLimitEnd', () => {
  it('reads the first value of a repeated header', () => {
    expect(rateLimitEnd({ 'x-ratelimit-reset': ['2030-01-01T12:10:00Z', 'junk'] }, now)).toEqual(new Date('2030-01-01T12:10:00Z'));
  });
});
