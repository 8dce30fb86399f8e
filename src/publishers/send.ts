// What every publisher does the same around its platform's requests: one send's record, redaction, and when a failure is ambiguous.
import { PublishError, type PublishFailure, type PublishRequest, type VerifyRequest } from './publisher.port';

/** How one platform's failures read and are classified; the rest of a send's handling is the same on every platform. */
export interface PlatformTerms {
  /** The platform as people name it: "X", "Mastodon". */
  name: string;
  /** What the request that publishes does, for "… while X was creating the post". */
  publishing: string;
  /** What it publishes, for "… before the post was sent to X". */
  item: string;
  /** Whether an aborted send says why ("Aborted (send timed out after 30000 ms) …") or only that it was. */
  tellsAbortReason: boolean;
  /** Credential fields whose values never appear in a reason. */
  secretFields: readonly string[];
  /** The platform's classification of any error that is not already a PublishError. */
  classify(error: unknown): PublishFailure;
  /**
   * Whether a PublishError the adapter threw stands as it is, `unknown` included (Instagram decides those with
   * what the container's status said); otherwise an unknown outcome before the publishing request is retryable.
   */
  ownVerdictsStand?: boolean;
}

/** One send: the request, what its reasons are cleaned of, and whether the request that publishes has gone out. */
export class Send<R extends PublishRequest = PublishRequest> {
  /** Set just before the request that publishes: a failure after it may hide a post, a failure before it cannot. */
  postRequested = false;
  readonly secrets: string[] = [];

  constructor(
    readonly request: R,
    private readonly secretFields: readonly string[],
  ) {
    this.keepSecretsOf(request.credentials);
  }

  /** Adds the secret fields of `credentials` (stored ones read under the lock, a renewed pair) to what reasons are cleaned of. */
  keepSecretsOf(credentials: Record<string, string>): void {
    this.keepSecrets(...this.secretFields.map((field) => credentials[field]));
  }

  keepSecrets(...values: (string | undefined)[]): void {
    this.secrets.push(...values.filter((value): value is string => typeof value === 'string' && value !== ''));
  }
}

/**
 * Runs one send: nothing starts once the signal is aborted, and whatever fails comes out as a PublishError
 * classified by the platform, with the abort and "unknown" rules of `failureOf`, and no credential in its reason.
 */
export async function publishing<R extends PublishRequest, T>(terms: PlatformTerms, request: R, send: (send: Send<R>) => Promise<T>): Promise<T> {
  const state = new Send(request, terms.secretFields);
  try {
    request.signal?.throwIfAborted();
    return await send(state);
  } catch (error) {
    throw new PublishError(withoutSecrets(failureOf(terms, error, state), state.secrets));
  }
}

/**
 * Runs a connection check. A read creates nothing, so an unanswered one is simply worth asking again (unknown
 * becomes retryable); where `renewable(credentials)` says the next send can renew a rejected token, a rejection
 * is retryable too rather than credentials to reconnect (a check has nowhere to keep renewed tokens).
 */
export async function verifying<T>(
  terms: PlatformTerms,
  request: VerifyRequest,
  check: () => Promise<T>,
  renewable: (credentials: Record<string, string>) => boolean = () => false,
): Promise<T> {
  try {
    request.signal?.throwIfAborted();
    return await check();
  } catch (error) {
    let failure = error instanceof PublishError ? error.failure : terms.classify(error);
    if (failure.kind === 'auth_expired' && renewable(request.credentials)) {
      failure = { kind: 'retryable', reason: `${failure.reason}; the next send renews the token with the channel's refresh token` };
    } else if (failure.kind === 'unknown') {
      failure = { kind: 'retryable', reason: failure.reason };
    }
    throw new PublishError(withoutSecrets(failure, terms.secretFields.map((field) => request.credentials[field])));
  }
}

/**
 * What a send's error means. An abort is an unknown outcome; so is a lost answer, as the platform classifies it.
 * Only the request that publishes can create a post: an unknown outcome before it went out (a download, an
 * upload, a login, a refresh) left nothing on the platform and is retryable. After it, it stays unknown, and
 * the engine repeats the send only where the platform is idempotent (Publisher.idempotentSends).
 */
export function failureOf(terms: PlatformTerms, error: unknown, send: Send<PublishRequest>): PublishFailure {
  if (error instanceof PublishError && terms.ownVerdictsStand) {
    return error.failure;
  }
  const { signal } = send.request;
  const failure: PublishFailure =
    error instanceof PublishError ? error.failure : signal?.aborted ? { kind: 'unknown', reason: abortedReason(terms, signal, send.postRequested) } : terms.classify(error);
  return failure.kind === 'unknown' && !send.postRequested ? { kind: 'retryable', reason: failure.reason } : failure;
}

function abortedReason(terms: PlatformTerms, signal: AbortSignal, postRequested: boolean): string {
  const why = terms.tellsAbortReason ? ` (${abortReason(signal)})` : '';
  const when = postRequested ? `while ${terms.name} was ${terms.publishing}` : `before the ${terms.item} was sent to ${terms.name}`;
  return `Aborted${why} ${when}`;
}

/** Why a send was aborted, as its owner put it (e.g. "send timed out after 30000 ms"). */
export function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  const message = typeof reason === 'object' && reason !== null ? (reason as { message?: unknown }).message : reason;
  return typeof message === 'string' && message !== '' ? message : 'aborted';
}

/** Defence in depth: whatever a platform or a library put in a reason, no credential leaves in it. */
export function withoutSecrets(failure: PublishFailure, secrets: readonly (string | undefined)[]): PublishFailure {
  const reason = secrets
    .filter((secret): secret is string => typeof secret === 'string' && secret.length >= 4)
    .reduce((text, secret) => text.split(secret).join('[redacted]'), failure.reason);
  return { ...failure, reason };
}
