// How publishers whose tokens expire (X, LinkedIn) renew them through the channel's renewal: the same on both platforms.
import { type CredentialRenewal, PublishError, type PublishFailure, type RefreshAheadRequest } from './publisher.port';
import { Send, withoutSecrets, type PlatformTerms } from './send';

/**
 * Renewed credentials, through the channel's renewal (one at a time per channel, see PublishRequest.renewCredentials)
 * or, without one (unit tests), on the adapter's own. A refusal keeps its PublishError and an abort its error;
 * anything else (the new tokens could not be stored) is retryable. Whatever comes back is redacted from then on.
 */
export async function renewThrough(terms: PlatformTerms, send: Send, renewal: CredentialRenewal): Promise<Record<string, string>> {
  const { request } = send;
  let renewed: Record<string, string>;
  try {
    renewed = request.renewCredentials ? await request.renewCredentials(renewal) : await renewal.renew(request.credentials);
  } catch (error) {
    if (error instanceof PublishError || request.signal?.aborted) {
      throw error;
    }
    throw new PublishError(notKept(terms, error));
  }
  send.keepSecretsOf(renewed);
  return renewed;
}

/**
 * The refresh-ahead job's renewal, as a send that publishes nothing: `renewal` is the platform's (when stored
 * credentials will do, how to renew them); a failure comes out as a PublishError without any credential in it.
 */
export async function refreshAheadThrough(terms: PlatformTerms, request: RefreshAheadRequest, renewal: (send: Send) => CredentialRenewal): Promise<void> {
  const { channel, credentials, signal, renewCredentials } = request;
  const send = new Send(
    { deliveryId: 'none: refreshed ahead of expiry', channel, credentials, text: '', imageUrls: [], link: null, signal, renewCredentials },
    terms.secretFields,
  );
  try {
    await renewThrough(terms, send, renewal(send));
  } catch (error) {
    throw new PublishError(withoutSecrets(error instanceof PublishError ? error.failure : notKept(terms, error), send.secrets));
  }
}

function notKept(terms: PlatformTerms, error: unknown): PublishFailure {
  return { kind: 'retryable', reason: `The refreshed ${terms.name} tokens could not be kept: ${error instanceof Error ? error.message : String(error)}` };
}
