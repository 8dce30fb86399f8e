import { XRPCError } from '@atproto/api';
import { classifyBlueskyFailure, classifyBlueskyResponse, isSessionError, rateLimitEnd } from './bluesky-errors';

const now = new Date('2030-01-01T12:00:00Z');
const epoch = (seconds: number): string => String(Math.floor(now.getTime() / 1000) + seconds);

describe('classifyBlueskyResponse', () => {
  it('rate-limits until ratelimit-reset (epoch seconds)', () => {
    const failure = classifyBlueskyResponse(
      { status: 429, error: 'RateLimitExceeded', message: 'Rate Limit Exceeded', headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': epoch(900) } },
      now,
    );
    expect(failure).toEqual({
      kind: 'rate_limited',
      reason: 'Bluesky rate limit reached: RateLimitExceeded: Rate Limit Exceeded',
      until: new Date(now.getTime() + 900_000),
    });
  });

  it('falls back to retry-after, then to a minute', () => {
    expect(rateLimitEnd({ 'retry-after': '120' }, now)).toEqual(new Date(now.getTime() + 120_000));
    expect(rateLimitEnd({ 'ratelimit-reset': epoch(-10) }, now)).toEqual(new Date(now.getTime() + 60_000));
  });

  it.each([
    [401, 'AuthenticationRequired'],
    [400, 'ExpiredToken'],
    [400, 'InvalidToken'],
    [400, 'AccountTakedown'],
  ])('needs the channel reconnected on %i %s', (status, error) => {
    expect(classifyBlueskyResponse({ status, error, message: 'no', headers: {} }, now)).toMatchObject({ kind: 'auth_expired' });
  });

  it("makes InvalidRequest and BlobTooLarge permanent with the PDS's message", () => {
    expect(classifyBlueskyResponse({ status: 400, error: 'BlobTooLarge', message: 'This file is too large.', headers: {} }, now)).toEqual({
      kind: 'permanent',
      reason: 'BlobTooLarge: This file is too large.',
      platformCode: 'BlobTooLarge',
    });
  });

  it.each([500, 502, 503, 504])('retries a %i', (status) => {
    expect(classifyBlueskyResponse({ status, error: 'InternalServerError', message: 'Internal Server Error', headers: {} }, now)).toMatchObject({ kind: 'retryable' });
  });
});

describe('classifyBlueskyFailure', () => {
  it('retries a connection never made, and calls a lost answer unknown', () => {
    const refused = XRPCError.from(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) }));
    const reset = XRPCError.from(new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }));

    expect(classifyBlueskyFailure(refused, now)).toEqual({ kind: 'retryable', reason: 'Bluesky could not be reached: fetch failed: connect ECONNREFUSED 127.0.0.1:9' });
    expect(classifyBlueskyFailure(reset, now)).toMatchObject({ kind: 'unknown' });
  });
});

describe('isSessionError', () => {
  it('is true for token errors and a 401, not for the content or the account', () => {
    expect(isSessionError(new XRPCError(400, 'ExpiredToken', 'Token has expired'))).toBe(true);
    expect(isSessionError(new XRPCError(401, 'AuthenticationRequired', 'Authentication Required'))).toBe(true);
    expect(isSessionError(new XRPCError(400, 'InvalidRequest', 'bad record'))).toBe(false);
    expect(isSessionError(new Error('ExpiredToken'))).toBe(false);
  });
});
