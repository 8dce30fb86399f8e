// Publishes statuses to the channel's Mastodon instance over its REST API (axios), once per delivery thanks to Idempotency-Key.
import { Injectable } from '@nestjs/common';
import axios, { type AxiosInstance } from 'axios';
import { setTimeout as sleep } from 'node:timers/promises';
import { Clock } from '../../common/clock';
import { isPrivateAddressRefusal, NetworkPolicy, PRIVATE_ADDRESS_REFUSED } from '../../common/network-policy';
import { readPostImages, type PostImage } from '../image-download';
import { PublishError, type Publisher, type PublishFailure, type PublishRequest, type PublishResult, type VerifiedAccount, type VerifyRequest } from '../publisher.port';
import { publishing, verifying, type PlatformTerms } from '../send';
import { classifyMastodonFailure } from './mastodon-errors';

/** What Mastodon takes as an image attachment; 16 MB is its default image limit (instances may set less, and say so with a 422). */
const IMAGE_LIMITS = {
  mediaTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/heic', 'image/avif'],
  maxBytes: 16 * 1024 * 1024,
  timeoutMs: 15_000,
};
const MAX_IMAGES = 4;
/** Socket inactivity limit for one call, so a silent instance cannot hold a send forever without a signal. */
const REQUEST_TIMEOUT_MS = 30_000;
const MEDIA_POLL_MS = 1_000;
/** Images are usually processed at once; past this, let the engine retry rather than hold the send. */
const MEDIA_PROCESSING_LIMIT_MS = 60_000;

export type MastodonVisibility = 'public' | 'unlisted' | 'private' | 'direct';

/** What a Mastodon send may add to the port's request; absent, a status is public, without a content warning or alt text. */
export interface MastodonPublishRequest extends PublishRequest {
  visibility?: MastodonVisibility;
  /** Shown as a warning before the text (Mastodon's spoiler_text). */
  contentWarning?: string;
  /** Alt text per image, in the order of imageUrls. */
  imageDescriptions?: string[];
  /** ISO 639-1 language of the text (the status's language). */
  language?: string;
}

/** The parts of Mastodon's Status, MediaAttachment and Account entities a send reads. */
interface Status {
  id: string;
  uri: string;
  url?: string | null;
}
interface MediaAttachment {
  id: string;
  url: string | null;
}
interface Account {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  url?: string | null;
}

@Injectable()
export class MastodonPublisher implements Publisher {
  readonly platform = 'mastodon' as const;
  /** POST /api/v1/statuses honours Idempotency-Key for an hour: a repeated send returns the first status. */
  readonly idempotentSends = true;

  /** The instance URL is the channel's, given by a workspace admin: its connections obey the network policy. */
  private readonly agents: ReturnType<NetworkPolicy['nodeAgents']>;
  /** Only the status request publishes: a lost answer to a download or an upload leaves nothing visible. */
  private readonly terms: PlatformTerms = {
    name: 'Mastodon',
    publishing: 'creating the status',
    item: 'status',
    tellsAbortReason: true,
    secretFields: ['accessToken'],
    classify: (error) => this.classify(error),
  };

  constructor(
    private readonly clock: Clock,
    private readonly network: NetworkPolicy,
  ) {
    this.agents = network.nodeAgents({ keepAlive: true });
  }

  publish(request: MastodonPublishRequest): Promise<PublishResult> {
    return publishing(this.terms, request, async (send) => {
      if (request.imageUrls.length + (request.media ?? []).length > MAX_IMAGES) {
        throw new PublishError({ kind: 'permanent', reason: `Mastodon takes at most ${MAX_IMAGES} images per status` });
      }
      const api = this.client(request.credentials, request.signal);
      const images = await readPostImages(this.network, request, IMAGE_LIMITS);
      const mediaIds: string[] = [];
      for (const [index, image] of images.entries()) {
        mediaIds.push(await this.upload(api, image, index + 1, request.signal));
      }
      const body: Record<string, unknown> = { visibility: request.visibility ?? 'public' };
      if (request.text !== '') {
        body.status = request.text;
      }
      if (request.contentWarning) {
        body.spoiler_text = request.contentWarning;
      }
      if (request.language) {
        body.language = request.language;
      }
      if (mediaIds.length > 0) {
        body.media_ids = mediaIds;
      }
      send.postRequested = true;
      // The same delivery always sends the same key, so a send repeated after a lost answer returns the first status.
      const { data } = await api.post<Status>('/api/v1/statuses', body, { headers: { 'Idempotency-Key': request.deliveryId } });
      return { platformPostId: data.id, url: data.url ?? data.uri };
    });
  }

  /** Reports the account the channel's token belongs to (GET /api/v1/accounts/verify_credentials). */
  verify(request: VerifyRequest): Promise<VerifiedAccount> {
    return verifying(this.terms, request, async () => {
      const api = this.client(request.credentials, request.signal);
      const { data } = await api.get<Account>('/api/v1/accounts/verify_credentials');
      const host = new URL(request.credentials.instanceUrl).host;
      const handle = data.acct.includes('@') ? `@${data.acct}` : `@${data.acct}@${host}`;
      return { accountId: data.id, handle, displayName: data.display_name || null, url: data.url ?? null };
    });
  }

  private client(credentials: Record<string, string>, signal?: AbortSignal): AxiosInstance {
    const { instanceUrl, accessToken } = credentials;
    if (!instanceUrl || !accessToken) {
      throw new PublishError({ kind: 'auth_expired', reason: 'The channel has no usable Mastodon credentials: reconnect the channel' });
    }
    return axios.create({
      baseURL: instanceUrl.replace(/\/+$/, ''),
      headers: { Authorization: `Bearer ${accessToken}` },
      timeout: REQUEST_TIMEOUT_MS,
      signal,
      // Redirects would resend the token elsewhere; an instance's API does not redirect.
      maxRedirects: 0,
      proxy: false,
      ...this.agents,
    });
  }

  /** POST /api/v2/media; a 202 means the instance is still processing, so poll GET /api/v1/media/:id until it answers 200. */
  private async upload(api: AxiosInstance, image: PostImage, position: number, signal?: AbortSignal): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([image.bytes], { type: image.mediaType }), `image-${position}.${image.mediaType.split('/')[1]}`);
    if (image.altText) {
      form.append('description', image.altText);
    }
    const uploaded = await api.post<MediaAttachment>('/api/v2/media', form);
    let media = uploaded.data;
    let processing = uploaded.status === 202 || media.url === null;
    const giveUpAt = this.clock.now().getTime() + MEDIA_PROCESSING_LIMIT_MS;
    while (processing) {
      if (this.clock.now().getTime() >= giveUpAt) {
        throw new PublishError({ kind: 'retryable', reason: `Mastodon was still processing image ${position} after ${MEDIA_PROCESSING_LIMIT_MS / 1000} s` });
      }
      await sleep(MEDIA_POLL_MS, undefined, { signal });
      const polled = await api.get<MediaAttachment>(`/api/v1/media/${encodeURIComponent(media.id)}`);
      media = polled.data;
      processing = polled.status === 206 || media.url === null;
    }
    return media.id;
  }

  /** A refused instance address fails at once and names nothing about what lives there. */
  private classify(error: unknown): PublishFailure {
    return isPrivateAddressRefusal(error) ? { kind: 'permanent', reason: `Mastodon instance ${PRIVATE_ADDRESS_REFUSED}` } : classifyMastodonFailure(error, this.clock.now());
  }
}
