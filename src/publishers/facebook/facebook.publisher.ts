// Publishes to a Facebook Page through the Graph API (axios: Meta keeps no maintained Node SDK for Pages), with the page access token.
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Clock } from '../../common/clock';
import type { Env } from '../../config/env';
import { GraphApi } from '../meta-graph/graph-api';
import { classifyGraphFailure } from '../meta-graph/graph-errors';
import type { Publisher, PublishRequest, PublishResult, VerifiedAccount, VerifyRequest } from '../publisher.port';
import { publishing, verifying, type PlatformTerms, type Send } from '../send';
import { facebookPostUrl, photoCaption, photosOf, readFacebookCredentials, type FacebookPhoto } from './facebook-post';

const SERVICE = 'Facebook';

@Injectable()
export class FacebookPublisher implements Publisher {
  readonly platform = 'facebook' as const;
  /** Graph has no idempotency key: a lost answer goes to needs_verification. */
  readonly idempotentSends = false;
  private readonly graph: GraphApi;
  /** Only the publishing request creates a post: a lost answer before it leaves nothing on the Page. */
  private readonly terms: PlatformTerms = {
    name: SERVICE,
    publishing: 'creating the post',
    item: 'post',
    tellsAbortReason: true,
    secretFields: ['pageAccessToken'],
    classify: (error) => classifyGraphFailure(error, this.clock.now(), SERVICE),
  };

  constructor(
    config: ConfigService<Env, true>,
    private readonly clock: Clock,
  ) {
    this.graph = new GraphApi(config.get('META_GRAPH_URL', { infer: true }));
  }

  publish(request: PublishRequest): Promise<PublishResult> {
    return publishing(this.terms, request, async (send) => {
      const { pageId, pageAccessToken } = readFacebookCredentials(request.credentials);
      const id = await this.createPost(send, pageId, pageAccessToken);
      return { platformPostId: id, url: facebookPostUrl(id) };
    });
  }

  /** GET /{page-id}?fields=id,name,link with the page token. */
  verify(request: VerifyRequest): Promise<VerifiedAccount> {
    return verifying(this.terms, request, async () => {
      const { pageId, pageAccessToken } = readFacebookCredentials(request.credentials);
      const page = await this.graph.get<{ id: string; name?: string; link?: string }>(
        `/${pageId}`,
        { fields: 'id,name,link' },
        pageAccessToken,
        request.signal,
      );
      return { accountId: page.id, handle: request.channel.handle, displayName: page.name ?? null, url: page.link ?? `https://www.facebook.com/${page.id}` };
    });
  }

  /**
   * A text or link post goes to /feed; one image to /photos (url or the bytes as `source`, caption); several
   * images are uploaded unpublished to /photos, then attached to one /feed post (attached_media). Image URLs
   * come first, then library items in the post's order; library items carry their alt text (alt_text_custom).
   */
  private async createPost(send: Send, pageId: string, token: string): Promise<string> {
    const { text, link, signal } = send.request;
    const images = photosOf(send.request);
    if (images.length === 0) {
      send.postRequested = true;
      const created = await this.graph.post<{ id: string }>(`/${pageId}/feed`, { message: text || undefined, link: link ?? undefined }, token, signal);
      return created.id;
    }
    const caption = photoCaption(text, link);
    if (images.length === 1) {
      const body = await photoBody(images[0], { caption });
      send.postRequested = true;
      const photo = await this.graph.post<{ id: string; post_id?: string }>(`/${pageId}/photos`, body, token, signal);
      return photo.post_id ?? photo.id;
    }
    const media: { media_fbid: string }[] = [];
    for (const image of images) {
      // Unpublished photos appear nowhere until the feed post attaches them: a lost answer here leaves nothing on the Page.
      const photo = await this.graph.post<{ id: string }>(`/${pageId}/photos`, await photoBody(image, { published: false }), token, signal);
      media.push({ media_fbid: photo.id });
    }
    send.postRequested = true;
    const created = await this.graph.post<{ id: string }>(`/${pageId}/feed`, { message: caption, attached_media: media }, token, signal);
    return created.id;
  }
}

/**
 * The /photos body: a URL image as JSON `url`; a library item as multipart/form-data with its bytes in `source`
 * (with their type and a file name) and its alt text in `alt_text_custom`. Bytes are read before anything is sent.
 */
async function photoBody(image: FacebookPhoto, fields: { caption?: string; published?: false }): Promise<Record<string, unknown>> {
  if (image.url !== undefined) {
    return { url: image.url, ...fields };
  }
  const { media } = image;
  const form = new FormData();
  form.append('source', new Blob([await media.read()], { type: media.mimeType }), `${media.id}.${media.mimeType.split('/')[1]}`);
  if (fields.caption !== undefined) {
    form.append('caption', fields.caption);
  }
  if (fields.published === false) {
    form.append('published', 'false');
  }
  if (media.altText) {
    form.append('alt_text_custom', media.altText);
  }
  // axios sends a FormData as multipart/form-data with its boundary; GraphApi.post types its body as fields.
  return form as unknown as Record<string, unknown>;
}
