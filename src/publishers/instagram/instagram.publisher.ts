// Publishes to an Instagram professional account through the Graph API's content publishing (axios: no maintained Node SDK).
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AxiosError } from 'axios';
import { setTimeout as sleep } from 'node:timers/promises';
import { Clock } from '../../common/clock';
import type { Env } from '../../config/env';
import { GraphApi } from '../meta-graph/graph-api';
import { classifyGraphFailure } from '../meta-graph/graph-errors';
import { PublishError, type Publisher, type PublishRequest, type PublishResult, type VerifiedAccount, type VerifyRequest } from '../publisher.port';
import { publishing, verifying, type PlatformTerms, type Send } from '../send';
import { ContainerMemory, type ContainerStatus, containerStep, readInstagramCredentials } from './instagram-container';

const SERVICE = 'Instagram';
/** A carousel holds up to 10 items through the Content Publishing API. */
const MAX_IMAGES = 10;
/** Images are usually ready in seconds; past this the engine retries later, reusing the same container. */
const CONTAINER_WAIT_LIMIT_MS = 45_000;

/**
 * Instagram has no idempotency key, so sends are not idempotent: a lost answer to media_publish goes to
 * needs_verification. What this adapter does make safe is a retry after an *answered* failure: the
 * container id of each delivery is kept (in this process) until it is published, and before
 * publishing again the container's status_code is read: PUBLISHED means an earlier attempt went out
 * after all, and the delivery goes to a person instead of being posted twice; FINISHED is published
 * as is, without making a new container.
 */
@Injectable()
export class InstagramPublisher implements Publisher {
  readonly platform = 'instagram' as const;
  readonly idempotentSends = false;
  /** How long to wait between status polls of a container that is still IN_PROGRESS. */
  pollIntervalMs = 1000;
  private readonly graph: GraphApi;
  private readonly containers = new ContainerMemory();
  /**
   * Containers publish nothing by themselves: only a lost media_publish answer is ambiguous. What this adapter
   * throws itself was decided with what the container's status said, and stands.
   */
  private readonly terms: PlatformTerms = {
    name: SERVICE,
    publishing: 'publishing the post',
    item: 'post',
    tellsAbortReason: true,
    secretFields: ['accessToken'],
    classify: (error) => classifyGraphFailure(error, this.clock.now(), SERVICE),
    ownVerdictsStand: true,
  };

  constructor(
    config: ConfigService<Env, true>,
    private readonly clock: Clock,
  ) {
    this.graph = new GraphApi(config.get('META_GRAPH_URL', { infer: true }));
  }

  publish(request: PublishRequest): Promise<PublishResult> {
    return publishing(this.terms, request, async (send) => {
      const credentials = readInstagramCredentials(request.credentials);
      const images = imagesOf(request);
      if (images.length === 0) {
        throw new PublishError({ kind: 'permanent', reason: 'Instagram needs at least one image' });
      }
      if (images.length > MAX_IMAGES) {
        throw new PublishError({ kind: 'permanent', reason: `Instagram takes at most ${MAX_IMAGES} images per post` });
      }
      const containerId = await this.readyContainer(send, credentials.igUserId, credentials.accessToken);
      const mediaId = await this.publishContainer(send, credentials.igUserId, containerId, credentials.accessToken);
      this.containers.forget(request.deliveryId);
      return { platformPostId: mediaId, url: await this.permalinkOf(mediaId, credentials.accessToken, request.signal) };
    });
  }

  /** GET /{ig-user-id}?fields=id,username with the channel's token. */
  verify(request: VerifyRequest): Promise<VerifiedAccount> {
    return verifying(this.terms, request, async () => {
      const { igUserId, accessToken } = readInstagramCredentials(request.credentials);
      const user = await this.graph.get<{ id: string; username?: string; name?: string }>(
        `/${igUserId}`,
        { fields: 'id,username,name' },
        accessToken,
        request.signal,
      );
      const handle = user.username ? `@${user.username}` : request.channel.handle;
      const url = user.username ? `https://www.instagram.com/${user.username}/` : null;
      return { accountId: user.id, handle, displayName: user.name ?? user.username ?? null, url };
    });
  }

  /** The delivery's container, made now or kept from an earlier attempt, once its status is FINISHED. */
  private async readyContainer(send: Send, igUserId: string, token: string): Promise<string> {
    const { deliveryId, signal } = send.request;
    const kept = this.containers.get(deliveryId, this.clock.now()) ?? containerOf(send.request.progress?.state, this.clock.now());
    if (kept) {
      const step = containerStep(await this.statusOf(kept, token, signal));
      if (step === 'already_published') {
        throw new PublishError({
          kind: 'unknown',
          reason: `Instagram reports container ${kept} of an earlier attempt as PUBLISHED although that attempt failed: check the profile`,
        });
      }
      if (step !== 'new_container') {
        await this.waitUntilFinished(kept, token, signal);
        return kept;
      }
      this.containers.forget(deliveryId);
    }
    const containerId = await this.createContainer(send, igUserId, token);
    this.containers.remember(deliveryId, containerId, this.clock.now());
    // Kept in the delivery before anything is published with it: a retry on another instance, or after a
    // crash, checks and reuses this container instead of making a second one.
    try {
      await send.request.progress?.save({ instagramContainerId: containerId, instagramContainerMadeAt: this.clock.now().toISOString() });
    } catch (error) {
      throw new PublishError({ kind: 'retryable', reason: `The Instagram container could not be kept for the next attempt: ${error instanceof Error ? error.message : String(error)}` });
    }
    await this.waitUntilFinished(containerId, token, signal);
    return containerId;
  }

  /**
   * One image: an IMAGE container; several: one container per item, then a CAROUSEL container of them. Image URLs
   * come first, then library items by their signed URL (Meta fetches each itself), with their alt text.
   */
  private async createContainer(send: Send, igUserId: string, token: string): Promise<string> {
    const { text, signal } = send.request;
    const images = imagesOf(send.request);
    const caption = text.trim() === '' ? undefined : text;
    if (images.length === 1) {
      return this.imageContainer(igUserId, images[0], { caption }, token, signal);
    }
    const children: string[] = [];
    for (const image of images) {
      children.push(await this.imageContainer(igUserId, image, { is_carousel_item: true }, token, signal));
    }
    const carousel = { media_type: 'CAROUSEL', children: children.join(','), caption };
    return (await this.graph.post<{ id: string }>(`/${igUserId}/media`, carousel, token, signal)).id;
  }

  /**
   * One image container. Meta fetches a library item from PUBLIC_URL itself: when it cannot, the reason says so,
   * since a PUBLIC_URL Meta cannot reach (the localhost default) is the likely cause.
   */
  private async imageContainer(igUserId: string, image: ContainerImage, fields: { caption?: string; is_carousel_item?: true }, token: string, signal?: AbortSignal): Promise<string> {
    try {
      return (await this.graph.post<{ id: string }>(`/${igUserId}/media`, { image_url: image.image_url, alt_text: image.alt_text, ...fields }, token, signal)).id;
    } catch (error) {
      const failure = classifyGraphFailure(error, this.clock.now(), SERVICE);
      if (image.fromLibrary && failure.kind === 'permanent' && /2207052/.test(failure.platformCode ?? '')) {
        throw new PublishError({ ...failure, reason: `${failure.reason} (Meta fetches library media from Holdfast's PUBLIC_URL: it must be reachable from the internet)` });
      }
      throw error;
    }
  }

  /** Polls status_code while IN_PROGRESS, at most CONTAINER_WAIT_LIMIT_MS; every wait ends at once on abort. */
  private async waitUntilFinished(containerId: string, token: string, signal?: AbortSignal): Promise<void> {
    const giveUpAt = this.clock.now().getTime() + CONTAINER_WAIT_LIMIT_MS;
    for (;;) {
      const status = await this.statusOf(containerId, token, signal);
      switch (containerStep(status)) {
        case 'publish':
          return;
        case 'already_published':
          throw new PublishError({ kind: 'unknown', reason: `Instagram reports container ${containerId} as already PUBLISHED: check the profile` });
        case 'new_container':
          if (status.status_code === 'ERROR') {
            throw new PublishError({ kind: 'permanent', reason: `Instagram could not process the media: ${status.status ?? 'ERROR'}` });
          }
          throw new PublishError({ kind: 'retryable', reason: 'The Instagram media container expired before it was published; a new one will be made' });
        case 'wait':
          if (this.clock.now().getTime() >= giveUpAt) {
            throw new PublishError({ kind: 'retryable', reason: `Instagram was still processing the media after ${CONTAINER_WAIT_LIMIT_MS / 1000} s` });
          }
          await sleep(this.pollIntervalMs, undefined, { signal });
      }
    }
  }

  /**
   * media_publish; when Graph answers an error that may hide a publication (a 5xx, is_transient), the
   * container's status says what happened before anything is retried.
   */
  private async publishContainer(send: Send, igUserId: string, containerId: string, token: string): Promise<string> {
    const { signal } = send.request;
    send.postRequested = true;
    try {
      return (await this.graph.post<{ id: string }>(`/${igUserId}/media_publish`, { creation_id: containerId }, token, signal)).id;
    } catch (error) {
      const failure = classifyGraphFailure(error, this.clock.now(), SERVICE);
      const answered = error instanceof AxiosError && error.response !== undefined;
      if (!answered || signal?.aborted || failure.kind !== 'retryable') {
        throw error; // a lost answer stays unknown; a decided refusal keeps its kind
      }
      let status: ContainerStatus;
      try {
        status = await this.statusOf(containerId, token, signal);
      } catch {
        throw new PublishError({ kind: 'unknown', reason: `${failure.reason}; the container's status could not be read to tell whether it was published` });
      }
      if (containerStep(status) === 'already_published') {
        this.containers.forget(send.request.deliveryId);
        throw new PublishError({ kind: 'unknown', reason: `${failure.reason}; yet the container is PUBLISHED: the post is out, confirm it on the profile` });
      }
      throw new PublishError(failure); // not published: the next attempt publishes the same container
    }
  }

  private statusOf(containerId: string, token: string, signal?: AbortSignal): Promise<ContainerStatus> {
    return this.graph.get<ContainerStatus>(`/${containerId}`, { fields: 'status_code,status' }, token, signal);
  }

  /** The post is out by now: a permalink that cannot be read leaves the URL empty rather than failing the send. */
  private async permalinkOf(mediaId: string, token: string, signal?: AbortSignal): Promise<string | null> {
    try {
      const media = await this.graph.get<{ permalink?: string }>(`/${mediaId}`, { fields: 'permalink' }, token, signal);
      return media.permalink ?? null;
    } catch {
      return null;
    }
  }
}

/** The container an earlier attempt kept in the delivery's progress, unless it has lapsed (containers live 24 h). */
function containerOf(state: Record<string, unknown> | null | undefined, now: Date): string | undefined {
  const id = state?.instagramContainerId;
  const madeAt = typeof state?.instagramContainerMadeAt === 'string' ? Date.parse(state.instagramContainerMadeAt) : NaN;
  return typeof id === 'string' && /^\d{1,30}$/.test(id) && now.getTime() - madeAt < 24 * 60 * 60 * 1000 ? id : undefined;
}

/** An image container's fields: the URL Meta fetches and, for a library item with one, its alt text. */
interface ContainerImage {
  image_url: string;
  alt_text?: string;
  /** A library item's signed URL on PUBLIC_URL (not a URL the post gave). */
  fromLibrary?: true;
}

/**
 * The post's images in order: image URLs first, then library items by a signed URL on PUBLIC_URL, made now (a new
 * container is made within the URL's hour; a kept one was fetched already). Video is not published here.
 */
function imagesOf(request: PublishRequest): ContainerImage[] {
  const library = (request.media ?? []).map((media): ContainerImage => {
    if (media.kind !== 'image' || !media.publicUrl) {
      throw new PublishError({ kind: 'permanent', reason: `Instagram fetches images by URL, and media item ${media.id} has no URL Holdfast can give it` });
    }
    return { image_url: media.publicUrl(), ...(media.altText ? { alt_text: media.altText } : {}), fromLibrary: true };
  });
  return [...request.imageUrls.map((url) => ({ image_url: url })), ...library];
}
