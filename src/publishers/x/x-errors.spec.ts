import type { ClientRequest, IncomingMessage } from 'node:http';
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { classifyXFailure, classifyXRefreshFailure, classifyXResponse, isXUnauthorized, withoutSecrets } from './x-errors';

const now = new Date('2030-01-01T12:00:00Z');
const inSeconds = (seconds: number): number => Math.floor(now.getTime() / 1000) + seconds;
const PROBLEMS = 'https://api.x.com/2/problems/';

function responseError(code: number, data: unknown, headers: Record<string, string> = {}): ApiResponseError {
  return new ApiResponseError(`Request failed with code ${code}`, {
    code,
    data: data as never,
    headers,
    request: {} as ClientRequest,
    response: {} as IncomingMessage,
  });
}

describe('classifyXResponse', () => {
  it('rate-limits until x-rate-limit-reset on a 429', () => {
    const failure = classifyXResponse(
      { status: 429, headers: { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(inSeconds(300)) }, body: {} },
      now,
    );
    expect(failure).toEqual({ kind: 'rate_limited', reason: expect.stringContaining('rate limit'), until: new Date(inSeconds(300) * 1000) });
  });

  it('waits for the 24-hour user cap when that is the one exhausted', () => {
    const failure = classifyXResponse(
      {
        status: 429,
        headers: {
          'x-rate-limit-remaining': '40',
          'x-rate-limit-reset': String(inSeconds(600)),
          'x-user-limit-24hour-remaining': '0',
          'x-user-limit-24hour-reset': String(inSeconds(20_000)),
          'x-app-limit-24hour-remaining': '900',
          'x-app-limit-24hour-reset': String(inSeconds(80_000)),
        },
        body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
      },
      now,
    );
    expect(failure).toMatchObject({ kind: 'rate_limited', until: new Date(inSeconds(20_000) * 1000) });
  });

  it('waits for the 24-hour app cap when it is at zero', () => {
    const failure = classifyXResponse(
      {
        status: 429,
        headers: { 'x-app-limit-24hour-remaining': '0', 'x-app-limit-24hour-reset': String(inSeconds(5_000)) },
        body: undefined,
      },
      now,
    );
    expect(failure).toMatchObject({ kind: 'rate_limited', until: new Date(inSeconds(5_000) * 1000) });
  });

  it('falls back to a minute when a 429 has no usable reset', () => {
    for (const headers of [{}, { 'x-rate-limit-reset': 'soon' }, { 'x-rate-limit-reset': String(inSeconds(-30)) }]) {
      expect(classifyXResponse({ status: 429, headers, body: {} }, now)).toMatchObject({
        kind: 'rate_limited',
        until: new Date(now.getTime() + 60_000),
      });
    }
  });

  it.each([500, 502, 503, 504, 408])('treats %i as retryable', (status) => {
    expect(classifyXResponse({ status, headers: {}, body: { title: 'Service Unavailable' } }, now)).toEqual({
      kind: 'retryable',
      reason: `X answered ${status}: Service Unavailable`,
    });
  });

  it('reports a 401 as expired credentials', () => {
    const body = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };
    expect(classifyXResponse({ status: 401, headers: {}, body }, now)).toEqual({
      kind: 'auth_expired',
      reason: "X rejected the channel's credentials: Unauthorized",
    });
  });

  it("recognises X's duplicate-content 403", () => {
    const detail = 'You are not allowed to create a Tweet with duplicate content.';
    const body = { detail, type: 'about:blank', title: 'Forbidden', status: 403 };
    expect(classifyXResponse({ status: 403, headers: {}, body }, now)).toEqual({ kind: 'duplicate', reason: detail });
  });

  it("makes any other 403 permanent with X's detail and problem type", () => {
    const body = {
      title: 'Client Forbidden',
      detail: 'When authenticating requests to the X API v2 endpoints, you must use keys from a Project.',
      type: `${PROBLEMS}client-forbidden`,
    };
    expect(classifyXResponse({ status: 403, headers: {}, body }, now)).toEqual({
      kind: 'permanent',
      reason: body.detail,
      platformCode: `${PROBLEMS}client-forbidden`,
    });
  });

  it('keeps the per-field messages of an invalid request in the reason', () => {
    const body = {
      errors: [{ message: '$.media.media_ids must NOT have more than 4 items' }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: `${PROBLEMS}invalid-request`,
    };
    expect(classifyXResponse({ status: 400, headers: {}, body }, now)).toEqual({
      kind: 'permanent',
      reason: 'One or more parameters to your request was invalid. ($.media.media_ids must NOT have more than 4 items)',
      platformCode: `${PROBLEMS}invalid-request`,
    });
  });

  it('uses the title, then the status, when X gives no detail', () => {
    expect(classifyXResponse({ status: 404, headers: {}, body: { title: 'Not Found Error' } }, now)).toEqual({
      kind: 'permanent',
      reason: 'Not Found Error',
    });
    expect(classifyXResponse({ status: 422, headers: {}, body: '' }, now)).toEqual({ kind: 'permanent', reason: 'HTTP 422' });
  });

  it('keeps reasons short whatever X sends', () => {
    const failure = classifyXResponse({ status: 400, headers: {}, body: { detail: 'x'.repeat(5_000) } }, now);
    expect(failure.reason.length).toBeLessThanOrEqual(500);
  });
});

describe('classifyXFailure', () => {
  it('classifies an answer by its status and headers', () => {
    const error = responseError(429, { title: 'Too Many Requests' }, { 'x-rate-limit-reset': String(inSeconds(90)) });
    expect(classifyXFailure(error, now)).toMatchObject({ kind: 'rate_limited', until: new Date(inSeconds(90) * 1000) });
  });

  // Built as twitter-api-v2 builds it (request-handler.helper createRequestError).
  const transportError = (message: string, code?: string): ApiRequestError =>
    new ApiRequestError('Request failed.', { request: {} as ClientRequest, error: Object.assign(new Error(message), { code }) });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'])('treats a connection never made (%s) as retryable', (code) => {
    expect(classifyXFailure(transportError(`connect ${code} api.x.com`, code), now)).toEqual({
      kind: 'retryable',
      reason: `X could not be reached: connect ${code} api.x.com`,
    });
  });

  it('treats a request lost after it left as of unknown outcome', () => {
    for (const error of [transportError('read ECONNRESET', 'ECONNRESET'), transportError('Request timeout.')]) {
      expect(classifyXFailure(error, now)).toEqual({
        kind: 'unknown',
        reason: expect.stringMatching(/^No answer from X \((read ECONNRESET|Request timeout\.)\): X may have processed the request$/),
      });
    }
  });

  it('treats a cut-off answer as of unknown outcome', () => {
    const error = new ApiPartialResponseError('Request failed with partial response', {
      request: {} as ClientRequest,
      response: {} as IncomingMessage,
      responseError: new Error('socket hang up'),
      rawContent: '{"da',
    });
    expect(classifyXFailure(error, now)).toEqual({
      kind: 'unknown',
      reason: "X's answer was cut off (socket hang up): X may have processed the request",
    });
  });

  it('treats anything else as of unknown outcome', () => {
    expect(classifyXFailure(new TypeError('boom'), now)).toEqual({ kind: 'unknown', reason: 'X request failed: boom' });
  });
});

describe('classifyXRefreshFailure', () => {
  it('asks for a reconnection when X refuses the refresh token', () => {
    const error = responseError(400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
    expect(classifyXRefreshFailure(error, now)).toEqual({
      kind: 'auth_expired',
      reason: 'X refused to refresh the access token: Value passed for the token was invalid.',
    });
  });

  it('asks for a reconnection when X refuses the client', () => {
    const error = responseError(401, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
    expect(classifyXRefreshFailure(error, now)).toMatchObject({ kind: 'auth_expired' });
  });

  it('keeps a token endpoint outage retryable: it says nothing about the token', () => {
    expect(classifyXRefreshFailure(responseError(503, { title: 'Service Unavailable' }), now)).toMatchObject({ kind: 'retryable' });
  });
});

describe('isXUnauthorized', () => {
  it('is true for a 401 answer only', () => {
    expect(isXUnauthorized(responseError(401, {}))).toBe(true);
    expect(isXUnauthorized(responseError(403, {}))).toBe(false);
    expect(isXUnauthorized(new Error('401'))).toBe(false);
  });
});

describe('withoutSecrets', () => {
  it('redacts every credential value wherever it appears in the reason', () => {
    const failure = { kind: 'permanent' as const, reason: 'bad token tok-123456 (tok-123456) for app-secret-9' };
    expect(withoutSecrets(failure, ['tok-123456', 'app-secret-9'])).toEqual({
      kind: 'permanent',
      reason: 'bad token [redacted] ([redacted]) for [redacted]',
    });
  });

  it('leaves the rest of the failure as it was', () => {
    const failure = { kind: 'rate_limited' as const, reason: 'slow down', until: now };
    expect(withoutSecrets(failure, ['a-secret'])).toEqual(failure);
  });
});
