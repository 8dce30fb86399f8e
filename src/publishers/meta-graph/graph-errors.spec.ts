import { AxiosError, AxiosHeaders, type AxiosResponse } from 'axios';
import { classifyGraphFailure, classifyGraphResponse, throttledUntil } from './graph-errors';

const now = new Date('2030-01-01T12:00:00Z');
const inMinutes = (minutes: number): Date => new Date(now.getTime() + minutes * 60_000);
const graphError = (error: Record<string, unknown>, headers: Record<string, string> = {}, status = 400) => ({
  status,
  headers,
  body: { error: { type: 'OAuthException', fbtrace_id: 'AbC', ...error } },
});

describe('classifyGraphResponse', () => {
  it.each([4, 17, 32, 613, 80001])('rate-limits throttling code %i until the business use case regains access', (code) => {
    const usage = JSON.stringify({ '1029384756': [{ type: 'pages', call_count: 100, total_cputime: 20, total_time: 30, estimated_time_to_regain_access: 12 }] });
    const failure = classifyGraphResponse(graphError({ code, message: '(#32) Page request limit reached' }, { 'x-business-use-case-usage': usage }), now, 'Facebook');
    expect(failure).toEqual({ kind: 'rate_limited', reason: expect.stringContaining(`code ${code}`), until: inMinutes(12) });
  });

  it('waits a quarter hour when only X-App-Usage says the app is at its limit, five minutes when nothing says', () => {
    const appUsage = { 'x-app-usage': JSON.stringify({ call_count: 100, total_time: 12, total_cputime: 9 }) };
    expect(classifyGraphResponse(graphError({ code: 4, message: '(#4) Application request limit reached' }, appUsage), now, 'Facebook')).toMatchObject({
      kind: 'rate_limited',
      until: inMinutes(15),
    });
    expect(classifyGraphResponse(graphError({ code: 17, message: '(#17) User request limit reached' }), now, 'Facebook')).toMatchObject({
      kind: 'rate_limited',
      until: inMinutes(5),
    });
  });

  it('reads the estimate from X-Page-Usage too, and takes the longest', () => {
    const headers = {
      'x-page-usage': JSON.stringify({ call_count: 100, estimated_time_to_regain_access: 40 }),
      'x-business-use-case-usage': JSON.stringify({ '1': [{ estimated_time_to_regain_access: 3 }] }),
    };
    expect(throttledUntil(headers, now)).toEqual(inMinutes(40));
    expect(throttledUntil({ 'x-business-use-case-usage': 'not json' }, now)).toEqual(inMinutes(5));
  });

  it('asks for a reconnection on 190, whatever the subcode', () => {
    const failure = classifyGraphResponse(
      graphError({ code: 190, error_subcode: 463, message: 'Error validating access token: Session has expired on Thursday.' }),
      now,
      'Facebook',
    );
    expect(failure).toEqual({ kind: 'auth_expired', reason: 'Facebook rejected the access token: Error validating access token: Session has expired on Thursday.' });
  });

  it('retries what Meta calls transient, and its unknown and temporary errors', () => {
    expect(classifyGraphResponse(graphError({ code: 2, message: 'Service temporarily unavailable', is_transient: true }, {}, 500), now, 'Facebook')).toMatchObject({ kind: 'retryable' });
    expect(classifyGraphResponse(graphError({ code: 1, message: 'An unknown error occurred' }, {}, 500), now, 'Facebook')).toMatchObject({ kind: 'retryable' });
    expect(classifyGraphResponse(graphError({ code: 131000, message: 'Something went wrong', is_transient: true }), now, 'Facebook')).toMatchObject({ kind: 'retryable' });
    expect(classifyGraphResponse({ status: 502, headers: {}, body: '<html>Bad Gateway</html>' }, now, 'Facebook')).toEqual({
      kind: 'retryable',
      reason: 'Facebook answered 502: HTTP 502',
    });
  });

  it.each([
    [10, '(#10) Application does not have permission for this action'],
    [200, '(#200) The user hasn\'t authorized the application to perform this action'],
    [299, '(#299) Requires pages_manage_posts permission'],
    [368, 'The action attempted has been deemed abusive or is otherwise disallowed'],
    [100, '(#100) Invalid parameter'],
  ])('fails for good on code %i, with the message', (code, message) => {
    expect(classifyGraphResponse(graphError({ code, message }), now, 'Facebook')).toEqual({ kind: 'permanent', reason: message, platformCode: String(code) });
  });

  it('reports a duplicate post (506) as a duplicate', () => {
    expect(classifyGraphResponse(graphError({ code: 506, message: '(#506) Duplicate status message' }), now, 'Facebook')).toEqual({
      kind: 'duplicate',
      reason: '(#506) Duplicate status message',
    });
  });

  it('classifies the Instagram publishing subcodes', () => {
    const ig = (subcode: number, message: string) => classifyGraphResponse(graphError({ code: 9004, error_subcode: subcode, message }), now, 'Instagram');
    expect(ig(2207001, 'An unexpected error has occurred')).toMatchObject({ kind: 'retryable' });
    expect(ig(2207003, 'It took too long to download the media')).toMatchObject({ kind: 'retryable' });
    expect(ig(2207020, 'The media you are trying to access has expired')).toMatchObject({ kind: 'retryable', reason: expect.stringContaining('new one') });
    expect(ig(2207004, 'The image is too large to download')).toEqual({ kind: 'permanent', reason: 'The image is too large to download', platformCode: '9004/2207004' });
    expect(ig(2207042, 'You have reached the maximum number of posts allowed')).toEqual({
      kind: 'rate_limited',
      reason: expect.stringContaining('publishing limit'),
      until: inMinutes(60),
    });
  });

  it('keeps reasons short whatever Meta sends', () => {
    expect(classifyGraphResponse(graphError({ code: 100, message: 'x'.repeat(5_000) }), now, 'Facebook').reason.length).toBeLessThanOrEqual(500);
  });
});

describe('classifyGraphFailure', () => {
  it('classifies an answer by its Graph error', () => {
    const response = { status: 400, data: { error: { code: 190, message: 'expired' } }, headers: {}, statusText: '', config: { headers: new AxiosHeaders() } } as AxiosResponse;
    const error = new AxiosError('Request failed with status code 400', 'ERR_BAD_REQUEST', undefined, {}, response);
    expect(classifyGraphFailure(error, now, 'Facebook')).toMatchObject({ kind: 'auth_expired' });
  });

  it('retries a connection never made, and calls a lost answer unknown', () => {
    expect(classifyGraphFailure(new AxiosError('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'), now, 'Facebook')).toEqual({
      kind: 'retryable',
      reason: 'Facebook could not be reached: connect ECONNREFUSED 127.0.0.1:1',
    });
    expect(classifyGraphFailure(new AxiosError('socket hang up', 'ECONNRESET'), now, 'Instagram')).toEqual({
      kind: 'unknown',
      reason: 'No answer from Instagram (ECONNRESET): Instagram may have processed the request',
    });
  });
});
