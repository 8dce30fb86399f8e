// Publishes to X (API v2) through twitter-api-v2, as the channel's user: OAuth 2.0 token (refreshed when due) or OAuth 1.0a keys.
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IParsedOAuth2TokenResult, SendTweetV2Params, TwitterApi } from 'twitter-api-v2';
import { Clock } from '../../common/clock';
import { NetworkPolicy } from '../../common/network-policy';
import type { Env } from '../../config/env';
import { downloadImage, type DownloadedImage } from '../image-download';
import {
  PublishError,
  type Publisher,
  type PublishFailure,
  type PublishRequest,
  type PublishResult,
  type VerifiedAccount,
  type VerifyRequest,
} from '../publisher.port';
import { XClients } from './x-client';
import { classifyXFailure, classifyXRefreshFailure, isXUnauthorized, withoutSecrets } from './x-errors';

/** What X takes as a post image (GIF goes as tweet_gif), and its 5 MB image limit. */
const IMAGE_LIMITS = {
  mediaTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
  maxBytes: 5 * 1024 * 1024,
  timeoutMs: 15_000,
};
const UPLOAD_CHUNK_BYTES = 1024 * 1024;
/** Images are usually ready at finalize; past this, let the engine retry rather than hold the send. */
const MEDIA_PROCESSING_LIMIT_MS = 120_000;
/** Refresh a token this close to its expiry: it would otherwise lapse mid-send. */
const EXPIRY_MARGIN_MS = 60_000;
const MAX_IMAGES = 4;
const SECRET_FIELDS = ['accessToken', 'refreshToken', 'clientSecret', 'appSecret', 'accessSecret'];

type XCredentials =
  | { authType: 'oauth2'; accessToken: string; refreshToken?: string; clientId?: string; clientSecret?: string; expiresAt?: string }
  | { authType: 'oauth1'; appKey: string; appSecret: string; accessToken: string; accessSecret: string };

/** What renewing an OAuth 2.0 user token takes (a public client has no secret). */
interface Renewal {
  refreshToken: string;
  clientId: string;
  clientSecret?: string;
}

type MediaIds = NonNullable<NonNullable<SendTweetV2Params['media']>['media_ids']>;

/** The v2 media upload answers (initialize, finalize, STATUS), as far as a send reads them. */
interface MediaUploadAnswer {
  data: { id: string; processing_info?: ProcessingInfo };
}

interface ProcessingInfo {
  state: 'pending' | 'in_progress' | 'failed' | 'succeeded';
  check_after_secs?: number;
  error?: { message?: string };
}

/** One send: what it may redact, and whether the post request has gone out (a failure after that is ambiguous). */
interface Send {
  request: PublishRequest;
  secrets: string[];
  postRequested: boolean;
}

@Injectable()
export class XPublisher implements Publisher {
  readonly platform = 'x' as const;
  readonly idempotentSends = false;
  private readonly logger = new Logger(XPublisher.name);
  private readonly clients: XClients;

  constructor(
    config: ConfigService<Env, true>,
    private readonly clock: Clock,
    private readonly network: NetworkPolicy,
  ) {
    this.clients = new XClients(config.get('X_API_URL', { infer: true }), config.get('DISPATCH_PLATFORM_CONCURRENCY', { infer: true }));
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const send: Send = { request, secrets: SECRET_FIELDS.map((field) => request.credentials[field]).filter(Boolean), postRequested: false };
    try {
      request.signal?.throwIfAborted();
      if (request.imageUrls.length > MAX_IMAGES) {
        throw new PublishError({ kind: 'permanent', reason: `X takes at most ${MAX_IMAGES} images per post` });
      }
      const images: DownloadedImage[] = [];
      for (const url of request.imageUrls) {
        images.push(await downloadImage(this.network, url, IMAGE_LIMITS, request.signal));
      }
      const id = await this.clients.withSignal(request.signal, () => this.asUser(send, (client) => this.createPost(client, send, images)));
      return { platformPostId: id, url: `https://x.com/${request.channel.handle.replace(/^@/, '')}/status/${id}` };
    } catch (error) {
      throw new PublishError(withoutSecrets(this.failureOf(error, send), send.secrets));
    }
  }

  /**
   * GET /2/users/me as the channel's user. It never refreshes a token: X rotates refresh tokens and a
   * check has nowhere to keep the new ones, so a rejected token that the next send can renew is
   * reported as retryable rather than as credentials to reconnect.
   */
  async verify(request: VerifyRequest): Promise<VerifiedAccount> {
    const secrets = SECRET_FIELDS.map((field) => request.credentials[field]).filter(Boolean);
    try {
      request.signal?.throwIfAborted();
      const credentials = readCredentials(request.credentials);
      const client =
        credentials.authType === 'oauth1'
          ? this.clients.client(credentials)
          : this.clients.client(credentials.accessToken);
      const { data } = await this.clients.withSignal(request.signal, () => client.v2.me());
      return { accountId: data.id, handle: `@${data.username}`, displayName: data.name || null, url: `https://x.com/${data.username}` };
    } catch (error) {
      let failure: PublishFailure = error instanceof PublishError ? error.failure : classifyXFailure(error, this.clock.now());
      const raw = request.credentials;
      if (failure.kind === 'auth_expired' && raw.authType === 'oauth2' && raw.refreshToken && raw.clientId) {
        failure = { kind: 'retryable', reason: `${failure.reason}; the next send renews the token with the channel's refresh token` };
      } else if (failure.kind === 'unknown') {
        failure = { kind: 'retryable', reason: failure.reason }; // a read: nothing can have been created
      }
      throw new PublishError(withoutSecrets(failure, secrets));
    }
  }

  /** Runs `action` with a client for the channel's user, refreshing an OAuth 2.0 token at most once. */
  private async asUser<T>(send: Send, action: (client: TwitterApi) => Promise<T>): Promise<T> {
    const credentials = readCredentials(send.request.credentials);
    if (credentials.authType === 'oauth1') {
      const { appKey, appSecret, accessToken, accessSecret } = credentials;
      return action(this.clients.client({ appKey, appSecret, accessToken, accessSecret }));
    }
    const { refreshToken, clientId, clientSecret } = credentials;
    const renewal: Renewal | undefined = refreshToken && clientId ? { refreshToken, clientId, clientSecret } : undefined;
    if (renewal && this.isDue(credentials.expiresAt)) {
      return action(this.clients.client(await this.refresh(renewal, send)));
    }
    try {
      return await action(this.clients.client(credentials.accessToken));
    } catch (error) {
      if (!isXUnauthorized(error)) {
        throw error;
      }
      if (!renewal) {
        throw new PublishError({
          kind: 'auth_expired',
          reason: 'X rejected the access token and the channel has no refresh token and client id to renew it: reconnect the channel',
        });
      }
      // A 401 means X created nothing, so the whole action can run again with the new token.
      return action(this.clients.client(await this.refresh(renewal, send)));
    }
  }

  private async refresh(renewal: Renewal, send: Send): Promise<string> {
    const { request } = send;
    const app = this.clients.client({ clientId: renewal.clientId, clientSecret: renewal.clientSecret });
    let result: IParsedOAuth2TokenResult;
    try {
      result = await app.refreshOAuth2Token(renewal.refreshToken);
    } catch (error) {
      throw request.signal?.aborted ? error : new PublishError(classifyXRefreshFailure(error, this.clock.now()));
    }
    send.secrets.push(result.accessToken, ...(result.refreshToken ? [result.refreshToken] : []));
    // X rotates refresh tokens: the old one is dead now, so the new ones are handed over before anything else.
    try {
      await request.onCredentialsRefreshed?.({
        ...request.credentials,
        accessToken: result.accessToken,
        refreshToken: result.refreshToken ?? renewal.refreshToken,
        expiresAt: new Date(this.clock.now().getTime() + result.expiresIn * 1000).toISOString(),
      });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new PublishError({ kind: 'retryable', reason: `The refreshed X tokens could not be kept: ${why}` });
    }
    this.logger.log(`Refreshed the X access token of channel ${request.channel.id} (delivery ${request.deliveryId})`);
    return result.accessToken;
  }

  private async createPost(client: TwitterApi, send: Send, images: DownloadedImage[]): Promise<string> {
    send.postRequested = false; // a run again after a 401, which created nothing
    const mediaIds: string[] = [];
    for (const [index, image] of images.entries()) {
      mediaIds.push(await this.upload(client, image, index + 1, send.request.signal));
    }
    const post: SendTweetV2Params = { text: send.request.text };
    if (mediaIds.length > 0) {
      post.media = { media_ids: mediaIds as MediaIds };
    }
    send.postRequested = true;
    const { data } = await client.v2.tweet(post);
    return data.id;
  }

  /**
   * The v2 chunked upload. Written out rather than using the library's uploadMedia, whose status wait
   * ignores aborts, never gives up, and takes a `pending` state without check_after_secs as done.
   */
  private async upload(client: TwitterApi, image: DownloadedImage, position: number, signal?: AbortSignal): Promise<string> {
    const init = await client.v2.post<MediaUploadAnswer>('media/upload/initialize', {
      media_type: image.mediaType,
      total_bytes: image.bytes.length,
      media_category: image.mediaType === 'image/gif' ? 'tweet_gif' : 'tweet_image',
    });
    const mediaId = init.data.id;
    for (let start = 0, segment = 0; start < image.bytes.length; start += UPLOAD_CHUNK_BYTES, segment++) {
      const media = image.bytes.subarray(start, start + UPLOAD_CHUNK_BYTES);
      await client.v2.post(`media/upload/${mediaId}/append`, { segment_index: segment, media }, { forceBodyMode: 'form-data' });
    }
    const finalized = await client.v2.post<MediaUploadAnswer>(`media/upload/${mediaId}/finalize`);
    await this.awaitProcessing(client, mediaId, position, finalized.data.processing_info, signal);
    return mediaId;
  }

  private async awaitProcessing(
    client: TwitterApi,
    mediaId: string,
    position: number,
    info: ProcessingInfo | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    const giveUpAt = this.clock.now().getTime() + MEDIA_PROCESSING_LIMIT_MS;
    while (info && (info.state === 'pending' || info.state === 'in_progress')) {
      if (this.clock.now().getTime() >= giveUpAt) {
        throw new PublishError({ kind: 'retryable', reason: `X was still processing image ${position} after ${MEDIA_PROCESSING_LIMIT_MS / 1000} s` });
      }
      await sleep(Math.max(info.check_after_secs ?? 1, 1) * 1000, undefined, { signal });
      const status = await client.v2.get<MediaUploadAnswer>('media/upload', { command: 'STATUS', media_id: mediaId });
      info = status.data.processing_info;
    }
    if (info?.state === 'failed') {
      throw new PublishError({ kind: 'permanent', reason: `X could not process image ${position}: ${info.error?.message ?? 'processing failed'}` });
    }
  }

  private failureOf(error: unknown, send: Send): PublishFailure {
    const { signal } = send.request;
    const failure: PublishFailure =
      error instanceof PublishError
        ? error.failure
        : signal?.aborted
          ? { kind: 'unknown', reason: `Aborted (${reasonOf(signal)}) ${send.postRequested ? 'while X was creating the post' : 'before the post was sent to X'}` }
          : classifyXFailure(error, this.clock.now());
    // Only the post request publishes: a lost answer to a download, an upload or a refresh leaves nothing on X.
    return failure.kind === 'unknown' && !send.postRequested ? { kind: 'retryable', reason: failure.reason } : failure;
  }

  private isDue(expiresAt: string | undefined): boolean {
    return expiresAt !== undefined && Date.parse(expiresAt) - EXPIRY_MARGIN_MS <= this.clock.now().getTime();
  }
}

/** Why the send was aborted, as its owner put it (e.g. "send timed out after 30000 ms"). */
function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  const message = typeof reason === 'object' && reason !== null ? (reason as { message?: unknown }).message : reason;
  return typeof message === 'string' && message !== '' ? message : 'aborted';
}

/** Channels validate these fields when connected; a record that no longer fits needs a person, like a dead token. */
function readCredentials(raw: Record<string, string>): XCredentials {
  const has = (...fields: string[]): boolean => fields.every((field) => typeof raw[field] === 'string' && raw[field] !== '');
  if (raw.authType === 'oauth1' && has('appKey', 'appSecret', 'accessToken', 'accessSecret')) {
    return raw as unknown as XCredentials;
  }
  if (raw.authType === 'oauth2' && has('accessToken')) {
    return raw as unknown as XCredentials;
  }
  throw new PublishError({ kind: 'auth_expired', reason: 'The channel has no usable X credentials: reconnect the channel' });
}
