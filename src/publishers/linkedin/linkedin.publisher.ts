// Publishes to LinkedIn through the versioned Posts and Images APIs (axios: LinkedIn keeps no maintained Node client for them), as a member or an organization.
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Clock } from '../../common/clock';
import { NetworkPolicy } from '../../common/network-policy';
import type { Env } from '../../config/env';
import { downloadImage, type DownloadedImage } from '../image-download';
import { abortReason, withoutSecrets } from '../meta-graph/graph-api';
import {
  PublishError,
  type Publisher,
  type PublishFailure,
  type PublishRequest,
  type PublishResult,
  type RefreshAheadRequest,
  type RefreshesAhead,
  type VerifiedAccount,
  type VerifyRequest,
} from '../publisher.port';
import { LinkedInApi } from './linkedin-api';
import { classifyLinkedInFailure, classifyLinkedInRefreshFailure } from './linkedin-errors';
import { toLittleText } from './little-text';

/** What the Images API takes; LinkedIn caps images by pixels (36 M), a download cap keeps memory bounded. */
const IMAGE_LIMITS = { mediaTypes: ['image/jpeg', 'image/png', 'image/gif'], maxBytes: 10 * 1024 * 1024, timeoutMs: 15_000 };
const MAX_IMAGES = 20;
/** The Posts API's limit on a media item's altText. */
const ALT_TEXT_MAX = 4086;
const SECRET_FIELDS = ['accessToken', 'refreshToken', 'clientSecret'];

interface LinkedInCredentials {
  authorUrn: string;
  accessToken: string;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
}

/** An image ready for the Images API; alt text from the library (URL images have none). */
type PostImage = DownloadedImage & { altText: string | null };

interface Send {
  request: PublishRequest;
  secrets: string[];
  /** Whether POST /rest/posts has gone out (a failure after that is ambiguous). */
  postRequested: boolean;
}

@Injectable()
export class LinkedInPublisher implements Publisher, RefreshesAhead {
  readonly platform = 'linkedin' as const;
  /** The Posts API has no idempotency key: a lost answer goes to needs_verification. */
  readonly idempotentSends = false;
  private readonly logger = new Logger(LinkedInPublisher.name);
  private readonly api: LinkedInApi;

  constructor(
    config: ConfigService<Env, true>,
    private readonly clock: Clock,
    private readonly network: NetworkPolicy,
  ) {
    this.api = new LinkedInApi(config.get('LINKEDIN_API_URL', { infer: true }));
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const send: Send = { request, secrets: SECRET_FIELDS.map((field) => request.credentials[field]).filter(Boolean), postRequested: false };
    try {
      request.signal?.throwIfAborted();
      const credentials = readCredentials(request.credentials);
      const library = request.media ?? [];
      if (request.imageUrls.length + library.length > MAX_IMAGES) {
        throw new PublishError({ kind: 'permanent', reason: `LinkedIn takes at most ${MAX_IMAGES} images per post` });
      }
      // URL images first, then the library's, in the post's order; all read before anything reaches LinkedIn.
      const images: PostImage[] = [];
      for (const url of request.imageUrls) {
        images.push({ ...(await downloadImage(this.network, url, IMAGE_LIMITS, request.signal)), altText: null });
      }
      for (const item of library) {
        images.push({ bytes: await item.read(), mediaType: item.mimeType, altText: item.altText });
      }
      const urn = await this.asAuthor(send, credentials, (token) => this.createPost(send, credentials.authorUrn, token, images));
      return { platformPostId: urn, url: `https://www.linkedin.com/feed/update/${urn}/` };
    } catch (error) {
      throw new PublishError(withoutSecrets(this.failureOf(error, send), send.secrets));
    }
  }

  /**
   * GET /rest/organizations/{id} for an organization author, GET /v2/userinfo for a member. Like X's,
   * it never refreshes: a check has nowhere to keep new tokens, so a rejected token that the next
   * send can renew is reported as retryable rather than as credentials to reconnect.
   */
  async verify(request: VerifyRequest): Promise<VerifiedAccount> {
    const secrets = SECRET_FIELDS.map((field) => request.credentials[field]);
    try {
      request.signal?.throwIfAborted();
      const credentials = readCredentials(request.credentials);
      const [, kind, id] = /^urn:li:(organization|person):(.+)$/.exec(credentials.authorUrn)!;
      if (kind === 'organization') {
        const organization = await this.api.organization(id, credentials.accessToken, request.signal);
        const url = organization.vanityName ? `https://www.linkedin.com/company/${organization.vanityName}/` : null;
        return { accountId: credentials.authorUrn, handle: organization.vanityName ?? request.channel.handle, displayName: organization.localizedName ?? null, url };
      }
      const member = await this.api.userinfo(credentials.accessToken, request.signal);
      if (member.sub !== id) {
        throw new PublishError({ kind: 'permanent', reason: `The access token belongs to LinkedIn member ${member.sub}, not to the channel's author ${credentials.authorUrn}` });
      }
      return { accountId: credentials.authorUrn, handle: request.channel.handle, displayName: member.name ?? null, url: null };
    } catch (error) {
      let failure: PublishFailure = error instanceof PublishError ? error.failure : classifyLinkedInFailure(error, this.clock.now());
      const raw = request.credentials;
      if (failure.kind === 'auth_expired' && raw.refreshToken && raw.clientId && raw.clientSecret) {
        failure = { kind: 'retryable', reason: `${failure.reason}; the next send renews the token with the channel's refresh token` };
      } else if (failure.kind === 'unknown') {
        failure = { kind: 'retryable', reason: failure.reason };
      }
      throw new PublishError(withoutSecrets(failure, secrets));
    }
  }

  /**
   * The refresh-ahead job's renewal: a token expiring within `withinMs` (LinkedIn's live 60 days) is refreshed
   * through the channel's renewal, so a send and the job never both redeem it; one renewed meanwhile is kept.
   */
  async refreshAhead(request: RefreshAheadRequest): Promise<boolean> {
    const expiring = (c: Record<string, string>): boolean => typeof c.expiresAt === 'string' && Date.parse(c.expiresAt) - request.withinMs <= this.clock.now().getTime();
    const { refreshToken, clientId, clientSecret } = request.credentials;
    if (!refreshToken || !clientId || !clientSecret || !expiring(request.credentials)) {
      return false;
    }
    const send: Send = {
      request: { deliveryId: 'none: refreshed ahead of expiry', channel: request.channel, credentials: request.credentials, text: '', imageUrls: [], link: null, signal: request.signal },
      secrets: SECRET_FIELDS.map((field) => request.credentials[field]).filter(Boolean),
      postRequested: false,
    };
    try {
      const renewed = await request.renewCredentials({ usable: (stored) => !expiring(stored), renew: (stored) => this.refresh(send, stored) });
      send.secrets.push(...SECRET_FIELDS.map((field) => renewed[field]).filter(Boolean));
    } catch (error) {
      const failure: PublishFailure =
        error instanceof PublishError ? error.failure : { kind: 'retryable', reason: `The refreshed LinkedIn tokens could not be kept: ${error instanceof Error ? error.message : String(error)}` };
      throw new PublishError(withoutSecrets(failure, send.secrets));
    }
    return true;
  }

  /** Runs `action` with the channel's token; on a 401, refreshes once (when it can) and runs it again. */
  private async asAuthor<T>(send: Send, credentials: LinkedInCredentials, action: (token: string) => Promise<T>): Promise<T> {
    try {
      return await action(credentials.accessToken);
    } catch (error) {
      const failure = error instanceof PublishError ? error.failure : classifyLinkedInFailure(error, this.clock.now());
      if (failure.kind !== 'auth_expired' || send.request.signal?.aborted) {
        throw error;
      }
      const { refreshToken, clientId, clientSecret } = credentials;
      if (!refreshToken || !clientId || !clientSecret) {
        throw new PublishError({
          kind: 'auth_expired',
          reason: `${failure.reason}; the channel has no refresh token, client id and client secret to renew it: reconnect the channel`,
        });
      }
      // A 401 means LinkedIn created nothing, so the whole action can run again with the new token.
      return action(await this.renew(send, credentials.accessToken));
    }
  }

  /**
   * A new token for one LinkedIn rejected, through the channel's renewal (one at a time per channel):
   * a token stored meanwhile by another send (or a person) is used as it is.
   */
  private async renew(send: Send, rejectedToken: string): Promise<string> {
    const { request } = send;
    const renewal = {
      usable: (stored: Record<string, string>) => !!stored.accessToken && stored.accessToken !== rejectedToken,
      renew: (stored: Record<string, string>) => this.refresh(send, stored),
    };
    let renewed: Record<string, string>;
    try {
      renewed = request.renewCredentials ? await request.renewCredentials(renewal) : await renewal.renew(request.credentials);
    } catch (error) {
      if (error instanceof PublishError || request.signal?.aborted) {
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new PublishError({ kind: 'retryable', reason: `The refreshed LinkedIn tokens could not be kept: ${message}` });
    }
    send.secrets.push(...SECRET_FIELDS.map((field) => renewed[field]).filter(Boolean));
    return readCredentials(renewed).accessToken;
  }

  /** The refresh_token grant with the stored credentials; answers them with the new token. */
  private async refresh(send: Send, stored: Record<string, string>): Promise<Record<string, string>> {
    const { request } = send;
    const { refreshToken, clientId, clientSecret } = readCredentials(stored);
    if (!refreshToken || !clientId || !clientSecret) {
      throw new PublishError({ kind: 'auth_expired', reason: 'The channel has no refresh token, client id and client secret to renew its LinkedIn token: reconnect the channel' });
    }
    send.secrets.push(...SECRET_FIELDS.map((field) => stored[field]).filter(Boolean));
    let tokens;
    try {
      tokens = await this.api.refresh(refreshToken, clientId, clientSecret, request.signal);
    } catch (error) {
      throw request.signal?.aborted ? error : new PublishError(classifyLinkedInRefreshFailure(error, this.clock.now()));
    }
    send.secrets.push(tokens.accessToken, ...(tokens.refreshToken ? [tokens.refreshToken] : []));
    this.logger.log(`Refreshed the LinkedIn access token of channel ${request.channel.id} (delivery ${request.deliveryId})`);
    // LinkedIn's access tokens live 60 days, its refresh tokens a year: the new expiry is what refresh-ahead reads.
    const expiresAt = tokens.expiresIn ? new Date(this.clock.now().getTime() + tokens.expiresIn * 1000).toISOString() : undefined;
    return { ...stored, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? refreshToken, ...(expiresAt ? { expiresAt } : {}) };
  }

  private async createPost(send: Send, author: string, token: string, images: PostImage[]): Promise<string> {
    send.postRequested = false; // a run again after a 401, which created nothing
    const { signal, text } = send.request;
    // Uploads publish nothing: a lost answer here leaves only an unused image on LinkedIn.
    const media: { id: string; altText?: string }[] = [];
    for (const image of images) {
      const upload = await this.api.initializeImageUpload(token, author, signal);
      await this.api.uploadImage(upload.uploadUrl, token, image.bytes, image.mediaType, signal);
      media.push({ id: upload.image, ...(image.altText ? { altText: [...image.altText].slice(0, ALT_TEXT_MAX).join('') } : {}) });
    }
    // The Posts API: one image is content.media, two to twenty content.multiImage.images, each with its altText.
    const content = media.length === 1 ? { media: media[0] } : media.length > 1 ? { multiImage: { images: media } } : undefined;
    const post = {
      author,
      commentary: toLittleText(text),
      visibility: 'PUBLIC',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      ...(content ? { content } : {}),
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
    };
    send.postRequested = true;
    return this.api.createPost(token, post, signal);
  }

  private failureOf(error: unknown, send: Send): PublishFailure {
    const { signal } = send.request;
    const failure: PublishFailure =
      error instanceof PublishError
        ? error.failure
        : signal?.aborted
          ? { kind: 'unknown', reason: `Aborted (${abortReason(signal)}) ${send.postRequested ? 'while LinkedIn was creating the post' : 'before the post was sent to LinkedIn'}` }
          : classifyLinkedInFailure(error, this.clock.now());
    // Only the post request publishes: a lost answer to an upload or a refresh leaves nothing on LinkedIn.
    return failure.kind === 'unknown' && !send.postRequested ? { kind: 'retryable', reason: failure.reason } : failure;
  }
}

/** Channels validate these fields when connected; a record that no longer fits needs a person, like a dead token. */
function readCredentials(raw: Record<string, string>): LinkedInCredentials {
  if (!/^urn:li:(organization|person):[A-Za-z0-9_-]{1,64}$/.test(raw.authorUrn ?? '') || !raw.accessToken) {
    throw new PublishError({ kind: 'auth_expired', reason: 'The channel has no usable LinkedIn author and access token: reconnect the channel' });
  }
  return raw as unknown as LinkedInCredentials;
}
