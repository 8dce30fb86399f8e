// The one interface every social platform adapter implements; the dispatch engine knows nothing else.
import type { Platform } from '../channels/platform';

export const PUBLISHERS = Symbol('PUBLISHERS');

export interface PublishRequest {
  /**
   * Our delivery id. Adapters whose platform honours an idempotency key send it as that key
   * (Mastodon's Idempotency-Key), so a send repeated after a lost answer publishes once.
   */
  deliveryId: string;
  channel: { id: string; platform: Platform; handle: string };
  /** The channel's decrypted credentials, as validated by channels/platform-credentials.ts. */
  credentials: Record<string, string>;
  /** The final text for this platform (per-platform text chosen, link composed, limits already checked). */
  text: string;
  imageUrls: string[];
  link: string | null;
  /**
   * Library media the post references (issue 15), in the post's order, already checked against this
   * platform's limits and, where the platform needs it (Bluesky's 1 MB), resized. Empty when none;
   * `imageUrls` keep working beside it.
   */
  media?: PublishMedia[];
  /** The post's options for this platform (Mastodon visibility…, Telegram parse mode…, Bluesky languages). */
  options?: PlatformPostOptions;
  /**
   * What an earlier attempt of this delivery left for the next one (Instagram's container id), and how to
   * keep it before the step that depends on it: `save` commits before it resolves.
   */
  progress?: DeliveryProgress;
  /** Aborted when the send must stop (shutdown, crisis halt): adapters pass it to every request. */
  signal?: AbortSignal;
  /**
   * Changes the channel's stored credentials (a token refresh, Telegram's moved chat), one change at
   * a time per channel across every instance: under the channel's lock it reads what is stored now;
   * if `renewal.usable(stored)` (another send already refreshed them, or a person replaced them) it
   * answers those; otherwise it calls `renewal.renew(stored)` and keeps the result, unless the stored
   * credentials changed meanwhile (a person replaced them), in which case theirs win and are answered.
   * A `renew` that throws after the stored credentials changed under it (a refresh token rotated by
   * someone else) is tried once more with what is stored then. Concurrent calls for one channel in
   * one process share one renewal. Adapters send with what it answers, never with their own result.
   * Without it (unit tests) an adapter renews on its own and keeps nothing.
   */
  renewCredentials?: (renewal: CredentialRenewal) => Promise<Record<string, string>>;
}

/** One library item as a publisher receives it. */
export interface PublishMedia {
  id: string;
  kind: 'image' | 'video';
  mimeType: string;
  byteSize: number;
  width: number | null;
  height: number | null;
  /** Alt text (the image description), null when none was given. */
  altText: string | null;
  /** The bytes to upload to this platform (a resized variant where the platform needs one). */
  read(): Promise<Buffer>;
  /**
   * A signed URL on PUBLIC_URL that serves these bytes to anyone for an hour, for platforms that fetch
   * images themselves (Instagram's image_url). Absent where the source cannot give one (unit tests).
   */
  publicUrl?(): string;
}

/** Per-post options, by platform; each publisher reads its own. */
export interface PostOptions {
  mastodon?: { visibility?: 'public' | 'unlisted' | 'private' | 'direct'; spoilerText?: string; language?: string };
  telegram?: { parseMode?: 'HTML' | 'MarkdownV2'; silent?: boolean };
  bluesky?: { languages?: string[] };
}
export type PlatformPostOptions = NonNullable<PostOptions[keyof PostOptions]>;

/** A delivery's saved progress between attempts (JSON), e.g. `{ instagramContainerId }`. */
export interface DeliveryProgress {
  state: Record<string, unknown> | null;
  save(state: Record<string, unknown>): Promise<void>;
}

/** What an adapter hands to renewCredentials: when stored credentials will do, and how to renew them. */
export interface CredentialRenewal {
  /** Whether the stored credentials can be sent with as they are (not the stale ones this send holds). */
  usable(stored: Record<string, string>): boolean;
  /** Asks the platform for new credentials from the stored ones (rotating refresh tokens); throws PublishError when refused. */
  renew(stored: Record<string, string>): Promise<Record<string, string>>;
}

export interface PublishResult {
  /** The platform's id for the published post. */
  platformPostId: string;
  /** A public URL for the post, when the platform gives one or it can be built. */
  url: string | null;
}

/** How a failed send is to be treated; every adapter maps its platform's errors onto these. */
export type PublishFailure =
  /** The request was not processed: try again later (503, refused connections); retryAt when the platform said when. */
  | { kind: 'retryable'; reason: string; retryAt?: Date }
  /**
   * The request may or may not have been processed (a timeout or a connection lost after sending):
   * repeated only where sends are idempotent, otherwise a person verifies it.
   */
  | { kind: 'unknown'; reason: string }
  /** Over a rate limit: no request to this account before `until`. */
  | { kind: 'rate_limited'; reason: string; until: Date }
  /** The platform refused the content or the request: retrying cannot help. */
  | { kind: 'permanent'; reason: string; platformCode?: string }
  /** The platform says this exact content was already posted (X's duplicate-content 403). */
  | { kind: 'duplicate'; reason: string }
  /** The credentials no longer work even after a refresh: a person must reconnect the channel. */
  | { kind: 'auth_expired'; reason: string };

export class PublishError extends Error {
  constructor(readonly failure: PublishFailure) {
    super(`${failure.kind}: ${failure.reason}`);
    this.name = 'PublishError';
  }
}

/**
 * Idempotency contract: `publish` is called at most once per attempt. When the outcome of an
 * attempt is unknown (the process died, the answer was lost), the engine repeats the send only if
 * `idempotentSends` is true, meaning a repeat with the same deliveryId cannot create a second post;
 * otherwise the delivery goes to needs_verification for a person to check.
 */
export interface Publisher {
  readonly platform: Platform;
  readonly idempotentSends: boolean;
  /** Publishes, or throws PublishError with the classified failure (any other error is treated as retryable). */
  publish(request: PublishRequest): Promise<PublishResult>;
  /**
   * The connection check: asks the platform's identity endpoint which account the credentials reach.
   * Reads only, never posts; throws PublishError (auth_expired when the credentials no longer work).
   */
  verify(request: { channel: { id: string; platform: Platform; handle: string }; credentials: Record<string, string>; signal?: AbortSignal }): Promise<{ accountId: string; handle: string; displayName: string | null; url: string | null }>;
}

/**
 * What the once-per-cluster refresh-ahead job gives a publisher whose platform's tokens expire (X, LinkedIn):
 * the stored credentials, how far ahead counts as expiring, and the channel's renewal (as in PublishRequest).
 */
export interface RefreshAheadRequest {
  channel: { id: string; platform: Platform; handle: string };
  credentials: Record<string, string>;
  /** Credentials that expire within this many milliseconds are renewed now. */
  withinMs: number;
  renewCredentials: (renewal: CredentialRenewal) => Promise<Record<string, string>>;
  signal?: AbortSignal;
}

/** A publisher that can renew its channel's credentials before they expire, ahead of any send. */
export interface RefreshesAhead {
  /** Renews through `renewCredentials` when the credentials expire within `withinMs`; answers whether they were expiring. Throws PublishError. */
  refreshAhead(request: RefreshAheadRequest): Promise<boolean>;
}

export function refreshesAhead(publisher: Publisher): publisher is Publisher & RefreshesAhead {
  return typeof (publisher as Partial<RefreshesAhead>).refreshAhead === 'function';
}

/** What a connection check found: the account the credentials reach. */
export type VerifiedAccount = Awaited<ReturnType<Publisher['verify']>>;
/** What a connection check is given. */
export type VerifyRequest = Parameters<Publisher['verify']>[0];
