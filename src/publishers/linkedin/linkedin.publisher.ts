// Publishes to LinkedIn through the versioned Posts and Images APIs (axios: LinkedIn keeps no maintained Node client for them), as a member or an organization.
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Clock } from '../../common/clock';
import { NetworkPolicy } from '../../common/network-policy';
import type { Env } from '../../config/env';
import { readPostImages, type PostImage } from '../image-download';
import { PublishError, type Publisher, type PublishRequest, type PublishResult, type RefreshAheadRequest, type RefreshesAhead, type VerifiedAccount, type VerifyRequest } from '../publisher.port';
import { refreshAheadThrough, renewThrough } from '../renewal';
import { publishing, verifying, type PlatformTerms, type Send } from '../send';
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

@Injectable()
export class LinkedInPublisher implements Publisher, RefreshesAhead {
  readonly platform = 'linkedin' as const;
  /** The Posts API has no idempotency key: a lost answer goes to needs_verification. */
  readonly idempotentSends = false;
  private readonly logger = new Logger(LinkedInPublisher.name);
  private readonly api: LinkedInApi;
  /** Only the post request publishes: a lost answer to an upload or a refresh leaves nothing on LinkedIn. */
  private readonly terms: PlatformTerms = {
    name: 'LinkedIn',
    publishing: 'creating the post',
    item: 'post',
    tellsAbortReason: true,
    secretFields: SECRET_FIELDS,
    classify: (error) => classifyLinkedInFailure(error, this.clock.now()),
  };

  constructor(
    config: ConfigService<Env, true>,
    private readonly clock: Clock,
    private readonly network: NetworkPolicy,
  ) {
    this.api = new LinkedInApi(config.get('LINKEDIN_API_URL', { infer: true }));
  }

  publish(request: PublishRequest): Promise<PublishResult> {
    return publishing(this.terms, request, async (send) => {
      const credentials = readCredentials(request.credentials);
      if (request.imageUrls.length + (request.media ?? []).length > MAX_IMAGES) {
        throw new PublishError({ kind: 'permanent', reason: `LinkedIn takes at most ${MAX_IMAGES} images per post` });
      }
      const images = await readPostImages(this.network, request, IMAGE_LIMITS);
      const urn = await this.asAuthor(send, credentials, (token) => this.createPost(send, credentials.authorUrn, token, images));
      return { platformPostId: urn, url: `https://www.linkedin.com/feed/update/${urn}/` };
    });
  }

  /**
   * GET /rest/organizations/{id} for an organization author, GET /v2/userinfo for a member. Like X's,
   * it never refreshes: a check has nowhere to keep new tokens, so a rejected token that the next
   * send can renew is reported as retryable rather than as credentials to reconnect.
   */
  verify(request: VerifyRequest): Promise<VerifiedAccount> {
    const renewable = (raw: Record<string, string>): boolean => !!raw.refreshToken && !!raw.clientId && !!raw.clientSecret;
    return verifying(this.terms, request, async () => {
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
    }, renewable);
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
    await refreshAheadThrough(this.terms, request, (send) => ({ usable: (stored) => !expiring(stored), renew: (stored) => this.refresh(send, stored) }));
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
    const renewal = {
      usable: (stored: Record<string, string>) => !!stored.accessToken && stored.accessToken !== rejectedToken,
      renew: (stored: Record<string, string>) => this.refresh(send, stored),
    };
    return readCredentials(await renewThrough(this.terms, send, renewal)).accessToken;
  }

  /** The refresh_token grant with the stored credentials; answers them with the new token. */
  private async refresh(send: Send, stored: Record<string, string>): Promise<Record<string, string>> {
    const { request } = send;
    const { refreshToken, clientId, clientSecret } = readCredentials(stored);
    if (!refreshToken || !clientId || !clientSecret) {
      throw new PublishError({ kind: 'auth_expired', reason: 'The channel has no refresh token, client id and client secret to renew its LinkedIn token: reconnect the channel' });
    }
    send.keepSecretsOf(stored);
    let tokens;
    try {
      tokens = await this.api.refresh(refreshToken, clientId, clientSecret, request.signal);
    } catch (error) {
      throw request.signal?.aborted ? error : new PublishError(classifyLinkedInRefreshFailure(error, this.clock.now()));
    }
    send.keepSecrets(tokens.accessToken, tokens.refreshToken);
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
}

/** Channels validate these fields when connected; a record that no longer fits needs a person, like a dead token. */
function readCredentials(raw: Record<string, string>): LinkedInCredentials {
  if (!/^urn:li:(organization|person):[A-Za-z0-9_-]{1,64}$/.test(raw.authorUrn ?? '') || !raw.accessToken) {
    throw new PublishError({ kind: 'auth_expired', reason: 'The channel has no usable LinkedIn author and access token: reconnect the channel' });
  }
  return raw as unknown as LinkedInCredentials;
}
