// Publishes to X (API v2) through twitter-api-v2, as the channel's user: OAuth 2.0 token (refreshed when due) or OAuth 1.0a keys.
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IParsedOAuth2TokenResult, SendTweetV2Params, TwitterApi } from 'twitter-api-v2';
import { Clock } from '../../common/clock';
import { NetworkPolicy } from '../../common/network-policy';
import type { Env } from '../../config/env';
import { readPostImages, type DownloadedImage, type PostImage } from '../image-download';
import { PublishError, type Publisher, type PublishRequest, type RefreshAheadRequest, type RefreshesAhead, type PublishResult, type VerifiedAccount, type VerifyRequest } from '../publisher.port';
import { refreshAheadThrough, renewThrough } from '../renewal';
import { publishing, verifying, type PlatformTerms, type Send } from '../send';
import { XClients } from './x-client';
import { classifyXFailure, classifyXRefreshFailure, isXUnauthorized } from './x-errors';

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

type MediaIds = NonNullable<NonNullable<SendTweetV2Params['media']>['media_ids']>;

const NO_BODY = Buffer.alloc(0);

/** The v2 media upload answers (initialize, finalize, STATUS), as far as a send reads them. */
interface MediaUploadAnswer {
  data: { id: string; processing_info?: ProcessingInfo };
}

interface ProcessingInfo {
  state: 'pending' | 'in_progress' | 'failed' | 'succeeded';
  check_after_secs?: number;
  error?: { message?: string };
}

@Injectable()
export class XPublisher implements Publisher, RefreshesAhead {
  readonly platform = 'x' as const;
  readonly idempotentSends = false;
  private readonly logger = new Logger(XPublisher.name);
  private readonly clients: XClients;
  /** Only the post request publishes: a lost answer to a download, an upload or a refresh leaves nothing on X. */
  private readonly terms: PlatformTerms = {
    name: 'X',
    publishing: 'creating the post',
    item: 'post',
    tellsAbortReason: true,
    secretFields: SECRET_FIELDS,
    classify: (error) => classifyXFailure(error, this.clock.now()),
  };

  constructor(
    config: ConfigService<Env, true>,
    private readonly clock: Clock,
    private readonly network: NetworkPolicy,
  ) {
    this.clients = new XClients(config.get('X_API_URL', { infer: true }), config.get('DISPATCH_PLATFORM_CONCURRENCY', { infer: true }));
  }

  publish(request: PublishRequest): Promise<PublishResult> {
    return publishing(this.terms, request, async (send) => {
      if (request.imageUrls.length + (request.media ?? []).length > MAX_IMAGES) {
        throw new PublishError({ kind: 'permanent', reason: `X takes at most ${MAX_IMAGES} images per post` });
      }
      const images = await readPostImages(this.network, request, IMAGE_LIMITS);
      const id = await this.clients.withSignal(request.signal, () => this.asUser(send, (client) => this.createPost(client, send, images)));
      return { platformPostId: id, url: `https://x.com/${request.channel.handle.replace(/^@/, '')}/status/${id}` };
    });
  }

  /**
   * GET /2/users/me as the channel's user. It never refreshes a token: X rotates refresh tokens and a
   * check has nowhere to keep the new ones, so a rejected token that the next send can renew is
   * reported as retryable rather than as credentials to reconnect.
   */
  verify(request: VerifyRequest): Promise<VerifiedAccount> {
    const renewable = (raw: Record<string, string>): boolean => raw.authType === 'oauth2' && !!raw.refreshToken && !!raw.clientId;
    return verifying(this.terms, request, async () => {
      const credentials = readCredentials(request.credentials);
      const client =
        credentials.authType === 'oauth1'
          ? this.clients.client(credentials)
          : this.clients.client(credentials.accessToken);
      const { data } = await this.clients.withSignal(request.signal, () => client.v2.me());
      return { accountId: data.id, handle: `@${data.username}`, displayName: data.name || null, url: `https://x.com/${data.username}` };
    }, renewable);
  }

  /**
   * The refresh-ahead job's renewal: an OAuth 2.0 token expiring within `withinMs` is refreshed through the
   * channel's renewal, so a send and the job never redeem one single-use refresh token twice; credentials
   * someone renewed meanwhile (not expiring any more) are kept as they are.
   */
  async refreshAhead(request: RefreshAheadRequest): Promise<boolean> {
    const expiring = (c: Record<string, string>): boolean =>
      c.authType === 'oauth2' && typeof c.expiresAt === 'string' && Date.parse(c.expiresAt) - request.withinMs <= this.clock.now().getTime();
    const credentials = readCredentials(request.credentials);
    if (!canRenew(credentials) || !expiring(request.credentials)) {
      return false;
    }
    await refreshAheadThrough(this.terms, request, (send) => ({ usable: (stored) => !expiring(stored), renew: (stored) => this.refresh(stored, send) }));
    return true;
  }

  /** Runs `action` with a client for the channel's user, renewing an OAuth 2.0 token at most once. */
  private async asUser<T>(send: Send, action: (client: TwitterApi) => Promise<T>): Promise<T> {
    let credentials = readCredentials(send.request.credentials);
    if (credentials.authType === 'oauth2' && canRenew(credentials) && this.isDue(credentials.expiresAt)) {
      credentials = await this.renew(send, credentials, 'due');
      return action(this.clientFor(credentials));
    }
    try {
      return await action(this.clientFor(credentials));
    } catch (error) {
      if (!isXUnauthorized(error) || credentials.authType === 'oauth1') {
        throw error;
      }
      if (!canRenew(credentials)) {
        throw new PublishError({
          kind: 'auth_expired',
          reason: 'X rejected the access token and the channel has no refresh token and client id to renew it: reconnect the channel',
        });
      }
      // A 401 means X created nothing, so the whole action can run again with the new token.
      return action(this.clientFor(await this.renew(send, credentials, 'rejected')));
    }
  }

  private clientFor(credentials: XCredentials): TwitterApi {
    if (credentials.authType === 'oauth1') {
      const { appKey, appSecret, accessToken, accessSecret } = credentials;
      return this.clients.client({ appKey, appSecret, accessToken, accessSecret });
    }
    return this.clients.client(credentials.accessToken);
  }

  /**
   * New credentials for a token that is due or that X rejected. Through the channel's renewal (one at
   * a time per channel): X rotates refresh tokens, so a second refresh with the same one is refused.
   * Credentials stored meanwhile by another send (or a person) are used as they are.
   */
  private async renew(send: Send, held: XCredentials & { authType: 'oauth2' }, why: 'due' | 'rejected'): Promise<XCredentials> {
    const usable = (stored: Record<string, string>): boolean =>
      (why === 'due' || stored.accessToken !== held.accessToken) && !(stored.authType === 'oauth2' && this.isDue(stored.expiresAt));
    return readCredentials(await renewThrough(this.terms, send, { usable, renew: (stored) => this.refresh(stored, send) }));
  }

  /** The refresh_token grant with the stored credentials; answers them with the new pair. */
  private async refresh(stored: Record<string, string>, send: Send): Promise<Record<string, string>> {
    const { request } = send;
    const credentials = readCredentials(stored);
    if (credentials.authType !== 'oauth2' || !canRenew(credentials)) {
      throw new PublishError({ kind: 'auth_expired', reason: 'The channel has no refresh token and client id to renew its X token: reconnect the channel' });
    }
    send.keepSecretsOf(stored);
    const app = this.clients.client({ clientId: credentials.clientId, clientSecret: credentials.clientSecret });
    let result: IParsedOAuth2TokenResult;
    try {
      result = await app.refreshOAuth2Token(credentials.refreshToken);
    } catch (error) {
      throw request.signal?.aborted ? error : new PublishError(classifyXRefreshFailure(error, this.clock.now()));
    }
    send.keepSecrets(result.accessToken, result.refreshToken);
    this.logger.log(`Refreshed the X access token of channel ${request.channel.id} (delivery ${request.deliveryId})`);
    // X rotates refresh tokens: the old one is dead now.
    return {
      ...stored,
      accessToken: result.accessToken,
      refreshToken: result.refreshToken ?? credentials.refreshToken,
      expiresAt: new Date(this.clock.now().getTime() + result.expiresIn * 1000).toISOString(),
    };
  }

  private async createPost(client: TwitterApi, send: Send, images: PostImage[]): Promise<string> {
    send.postRequested = false; // a run again after a 401, which created nothing
    const mediaIds: string[] = [];
    for (const [index, image] of images.entries()) {
      const mediaId = await this.upload(client, image, index + 1, send.request.signal);
      if (image.altText) {
        // POST /2/media/metadata: the image description screen readers read (X keeps up to 1,000 characters).
        await client.v2.post('media/metadata', { id: mediaId, metadata: { alt_text: { text: [...image.altText].slice(0, 1000).join('') } } });
      }
      mediaIds.push(mediaId);
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
    // X's finalize takes no body: an empty Buffer keeps the library from sending '{}' with a JSON type.
    const finalized = await client.v2.post<MediaUploadAnswer>(`media/upload/${mediaId}/finalize`, NO_BODY);
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

  private isDue(expiresAt: string | undefined): boolean {
    return expiresAt !== undefined && Date.parse(expiresAt) - EXPIRY_MARGIN_MS <= this.clock.now().getTime();
  }
}

/** What renewing an OAuth 2.0 user token takes (a public client has no secret). */
function canRenew(credentials: XCredentials): credentials is XCredentials & { authType: 'oauth2'; refreshToken: string; clientId: string } {
  return credentials.authType === 'oauth2' && !!credentials.refreshToken && !!credentials.clientId;
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
