import { AxiosError, AxiosHeaders, type AxiosResponse } from 'axios';
import { classifyLinkedInFailure, classifyLinkedInRefreshFailure, classifyLinkedInResponse, nextMidnightUtc } from './linkedin-errors';

const now = new Date('2030-03-10T17:45:00Z');
const answer = (status: number, data: unknown): AxiosError =>
  new AxiosError(`Request failed with status code ${status}`, 'ERR_BAD_REQUEST', undefined, {}, {
    status,
    data,
    headers: {},
    statusText: '',
    config: { headers: new AxiosHeaders() },
  } as AxiosResponse);

describe('classifyLinkedInResponse', () => {
  it('waits for midnight UTC on a 429, which carries no reset header', () => {
    const body = { status: 429, serviceErrorCode: 101, code: 'TOO_MANY_REQUESTS', message: 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.' };
    expect(classifyLinkedInResponse({ status: 429, headers: {}, body }, now)).toEqual({
      kind: 'rate_limited',
      reason: expect.stringContaining('APPLICATION DAY limit'),
      until: new Date('2030-03-11T00:00:00Z'),
    });
  });

  it('honours a Retry-After should LinkedIn send one', () => {
    expect(classifyLinkedInResponse({ status: 429, headers: { 'retry-after': '120' }, body: {} }, now)).toMatchObject({ until: new Date(now.getTime() + 120_000) });
  });

  it('reports a 401 as expired credentials', () => {
    const body = { status: 401, serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN', message: 'The token used in the request has been revoked by the user' };
    expect(classifyLinkedInResponse({ status: 401, headers: {}, body }, now)).toEqual({
      kind: 'auth_expired',
      reason: 'LinkedIn rejected the access token: The token used in the request has been revoked by the user',
    });
  });

  it.each([
    [400, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'Request body could not be converted to data map' }, 'ILLEGAL_ARGUMENT'],
    [403, { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message: 'Not enough permissions to access: partnerApiPostsExternal.CREATE.20260101' }, 'ACCESS_DENIED/100'],
    [422, { status: 422, message: 'ERROR :: /commentary :: field is required but not found and has no default value\n' }, undefined],
  ])("fails for good on a %i, with LinkedIn's message", (status, body, platformCode) => {
    expect(classifyLinkedInResponse({ status, headers: {}, body }, now)).toEqual({ kind: 'permanent', reason: body.message.trim(), ...(platformCode ? { platformCode } : {}) });
  });

  it('recognises a duplicate post', () => {
    const body = { status: 422, message: 'Content is a duplicate of urn:li:share:7000000000000000001' };
    expect(classifyLinkedInResponse({ status: 422, headers: {}, body }, now)).toEqual({ kind: 'duplicate', reason: body.message });
  });

  it.each([500, 502, 503, 504])('retries a %i', (status) => {
    expect(classifyLinkedInResponse({ status, headers: {}, body: '' }, now)).toEqual({ kind: 'retryable', reason: `LinkedIn answered ${status}: HTTP ${status}` });
  });
});

describe('classifyLinkedInFailure', () => {
  it('retries a connection never made, and calls a lost answer unknown', () => {
    expect(classifyLinkedInFailure(new AxiosError('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'), now)).toMatchObject({ kind: 'retryable' });
    expect(classifyLinkedInFailure(new AxiosError('timeout of 30000ms exceeded', 'ECONNABORTED'), now)).toMatchObject({ kind: 'unknown' });
  });
});

describe('classifyLinkedInRefreshFailure', () => {
  it('asks for a reconnection when the refresh token is refused', () => {
    expect(classifyLinkedInRefreshFailure(answer(400, { error: 'invalid_grant', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked.' }), now)).toEqual({
      kind: 'auth_expired',
      reason: 'LinkedIn refused to refresh the access token: The provided authorization grant or refresh token is invalid, expired or revoked.',
    });
  });

  it('keeps a token endpoint outage retryable', () => {
    expect(classifyLinkedInRefreshFailure(answer(503, ''), now)).toMatchObject({ kind: 'retryable' });
  });
});

describe('nextMidnightUtc', () => {
  it('is the next day at 00:00 UTC, across months and years', () => {
    expect(nextMidnightUtc(new Date('2030-12-31T23:59:59Z'))).toEqual(new Date('2031-01-01T00:00:00Z'));
    expect(nextMidnightUtc(new Date('2030-02-28T00:00:00Z'))).toEqual(new Date('2030-03-01T00:00:00Z'));
  });
});
