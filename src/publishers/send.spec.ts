import { PublishError, type PublishFailure, type PublishRequest, type VerifyRequest } from './publisher.port';
import { refreshAheadThrough, renewThrough } from './renewal';
import { type PlatformTerms, publishing, Send, verifying } from './send';

const terms: PlatformTerms = {
  name: 'Example',
  publishing: 'creating the post',
  item: 'post',
  tellsAbortReason: true,
  secretFields: ['accessToken', 'refreshToken'],
  classify: (error) => ({ kind: 'unknown', reason: `lost: ${error instanceof Error ? error.message : String(error)}` }),
};
const channel = { id: 'channel-1', platform: 'x' as const, handle: '@someone' };

function request(overrides: Partial<PublishRequest> = {}): PublishRequest {
  return { deliveryId: 'delivery-1', channel, credentials: { accessToken: 'token-123456', refreshToken: 'refresh-123456' }, text: 'hello', imageUrls: [], link: null, ...overrides };
}

async function failureOf(promise: Promise<unknown>): Promise<PublishFailure> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof PublishError)) {
    throw new Error(`expected a PublishError, got ${String(error)}`);
  }
  return error.failure;
}

describe('publishing', () => {
  it('answers what the send answers', async () => {
    await expect(publishing(terms, request(), () => Promise.resolve({ platformPostId: '1', url: null }))).resolves.toEqual({ platformPostId: '1', url: null });
  });

  it('calls a lost answer before the publishing request retryable: nothing can be on the platform', async () => {
    const failure = await failureOf(publishing(terms, request(), () => Promise.reject(new Error('upload timed out'))));
    expect(failure).toEqual({ kind: 'retryable', reason: 'lost: upload timed out' });
  });

  it('keeps a lost answer after the publishing request unknown, for a person or an idempotent repeat', async () => {
    const failure = await failureOf(
      publishing(terms, request(), (send) => {
        send.postRequested = true;
        return Promise.reject(new Error('socket hang up'));
      }),
    );
    expect(failure).toEqual({ kind: 'unknown', reason: 'lost: socket hang up' });
  });

  it('says an abort happened, why, and whether the post had gone out', async () => {
    const controller = new AbortController();
    const during = await failureOf(
      publishing(terms, request({ signal: controller.signal }), (send) => {
        send.postRequested = true;
        controller.abort(new Error('send timed out after 30000 ms'));
        return Promise.reject(new Error('aborted'));
      }),
    );
    expect(during).toEqual({ kind: 'unknown', reason: 'Aborted (send timed out after 30000 ms) while Example was creating the post' });
    const quiet = await failureOf(publishing({ ...terms, tellsAbortReason: false }, request({ signal: controller.signal }), () => Promise.resolve('never')));
    expect(quiet).toEqual({ kind: 'retryable', reason: 'Aborted before the post was sent to Example' });
  });

  it('starts nothing once the signal is aborted', async () => {
    const send = jest.fn(() => Promise.resolve('sent'));
    const failure = await failureOf(publishing(terms, request({ signal: AbortSignal.abort() }), send));
    expect(send).not.toHaveBeenCalled();
    expect(failure).toEqual({ kind: 'retryable', reason: 'Aborted (This operation was aborted) before the post was sent to Example' });
  });

  it('keeps the kind an adapter decided, but calls its unknown before the publishing request retryable unless its verdicts stand', async () => {
    const permanent = await failureOf(publishing(terms, request(), () => Promise.reject(new PublishError({ kind: 'permanent', reason: 'too long' }))));
    expect(permanent).toEqual({ kind: 'permanent', reason: 'too long' });
    const decided = () => Promise.reject(new PublishError({ kind: 'unknown', reason: 'the container is PUBLISHED' }));
    expect(await failureOf(publishing(terms, request(), decided))).toEqual({ kind: 'retryable', reason: 'the container is PUBLISHED' });
    expect(await failureOf(publishing({ ...terms, ownVerdictsStand: true }, request(), decided))).toEqual({ kind: 'unknown', reason: 'the container is PUBLISHED' });
  });

  it('never lets a credential out in a reason, including one learnt during the send', async () => {
    const failure = await failureOf(
      publishing(terms, request(), (send) => {
        send.keepSecretsOf({ accessToken: 'renewed-654321', clientId: 'public-id' });
        return Promise.reject(new Error('refused token-123456, refresh-123456 and renewed-654321 for public-id'));
      }),
    );
    expect(failure.reason).toBe('lost: refused [redacted], [redacted] and [redacted] for public-id');
  });
});

describe('verifying', () => {
  const check: VerifyRequest = { channel, credentials: { accessToken: 'token-123456', refreshToken: 'refresh-123456' } };

  it('calls an unanswered check retryable: a read created nothing', async () => {
    expect(await failureOf(verifying(terms, check, () => Promise.reject(new Error('timeout with token-123456'))))).toEqual({
      kind: 'retryable',
      reason: 'lost: timeout with [redacted]',
    });
  });

  it('calls a rejected token retryable only where the next send can renew it', async () => {
    const rejected = () => Promise.reject(new PublishError({ kind: 'auth_expired', reason: 'token rejected' }));
    expect(await failureOf(verifying(terms, check, rejected))).toEqual({ kind: 'auth_expired', reason: 'token rejected' });
    expect(await failureOf(verifying(terms, check, rejected, (credentials) => !!credentials.refreshToken))).toEqual({
      kind: 'retryable',
      reason: "token rejected; the next send renews the token with the channel's refresh token",
    });
  });
});

describe('renewal', () => {
  const renewal = { usable: () => false, renew: () => Promise.resolve({ accessToken: 'fresh-abcdef' }) };

  it('renews on its own without the channel renewal, and redacts the new token from then on', async () => {
    const send = new Send(request(), terms.secretFields);
    await expect(renewThrough(terms, send, renewal)).resolves.toEqual({ accessToken: 'fresh-abcdef' });
    expect(send.secrets).toContain('fresh-abcdef');
  });

  it('says the renewed tokens could not be kept when storing them fails, and retries later', async () => {
    const send = new Send(request({ renewCredentials: () => Promise.reject(new Error('database is down')) }), terms.secretFields);
    expect(await failureOf(renewThrough(terms, send, renewal))).toEqual({ kind: 'retryable', reason: 'The refreshed Example tokens could not be kept: database is down' });
  });

  it('refreshes ahead through the channel renewal and keeps a refusal as the platform put it, without secrets', async () => {
    const ahead = { channel, credentials: { accessToken: 'token-123456' }, withinMs: 1000 };
    const renewCredentials = jest.fn((given: { renew(stored: Record<string, string>): Promise<Record<string, string>> }) => given.renew({ accessToken: 'stored-999999' }));
    await refreshAheadThrough(terms, { ...ahead, renewCredentials }, () => renewal);
    expect(renewCredentials).toHaveBeenCalledTimes(1);
    const refused = () => ({ usable: () => false, renew: () => Promise.reject(new PublishError({ kind: 'auth_expired', reason: 'token-123456 revoked' })) });
    expect(await failureOf(refreshAheadThrough(terms, { ...ahead, renewCredentials }, refused))).toEqual({ kind: 'auth_expired', reason: '[redacted] revoked' });
  });
});
