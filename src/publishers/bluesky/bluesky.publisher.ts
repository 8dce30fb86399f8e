// Publishes app.bsky.feed.post records to the channel's PDS through @atproto/api: app-password session, facets, image blobs.
import { AtpAgent, CredentialSession, type AtpSessionData, type BlobRef, XRPCError } from '@atproto/api';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { imageSize } from 'image-size';
import { createHash } from 'node:crypto';
import { Clock } from '../../common/clock';
import type { Env } from '../../config/env';
import { isPrivateAddressRefusal, NetworkPolicy, PRIVATE_ADDRESS_REFUSED } from '../../common/network-policy';
import { readPostImages, type PostImage } from '../image-download';
import { PublishError, type Publisher, type PublishFailure, type PublishRequest, type PublishResult, type VerifiedAccount, type VerifyRequest } from '../publisher.port';
import { publishing, verifying, type PlatformTerms, type Send } from '../send';
import { buildFacets, findFacetCandidates, graphemeLength } from './bluesky-facets';
import { classifyBlueskyFailure, isSessionError } from './bluesky-errors';

const DEFAULT_SERVICE = 'https://bsky.social';
/** app.bsky.feed.post: text at most 300 graphemes and 3,000 bytes; app.bsky.embed.images: 4 images of at most 1,000,000 bytes. */
const MAX_GRAPHEMES = 300;
const MAX_TEXT_BYTES = 3000;
const MAX_IMAGES = 4;
const IMAGE_LIMITS = { mediaTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'], maxBytes: 1_000_000, timeoutMs: 15_000 };
const REQUEST_TIMEOUT_MS = 30_000;
const POST_COLLECTION = 'app.bsky.feed.post';

/** What a Bluesky send may add to the port's request; absent, images carry an empty alt text. */
export interface BlueskyPublishRequest extends PublishRequest {
  /** Alt text per image, in the order of imageUrls. */
  imageDescriptions?: string[];
  /** BCP 47 languages of the text (the record's `langs`); BLUESKY_LANGS when absent. */
  languages?: string[];
}

/** A session kept between sends: createSession is limited (30 per 5 minutes, 300 a day per account). */
interface KeptSession {
  /** Which credentials it was opened with: a changed app password or PDS drops it. */
  key: string;
  data: AtpSessionData;
  pdsUrl?: URL;
}

@Injectable()
export class BlueskyPublisher implements Publisher {
  readonly platform = 'bluesky' as const;
  /** createRecord has no idempotency key (a reused rkey gives a 500 on a real PDS): a lost answer needs a person. */
  readonly idempotentSends = false;
  private readonly logger = new Logger(BlueskyPublisher.name);
  private readonly sessions = new Map<string, KeptSession>();
  private readonly defaultLanguages: string[];
  /** Only createRecord publishes: a lost answer to a login, a lookup or an upload leaves nothing visible. */
  private readonly terms: PlatformTerms = {
    name: 'Bluesky',
    publishing: 'creating the post',
    item: 'post',
    tellsAbortReason: false,
    secretFields: ['appPassword'],
    classify: (error) => this.classify(error),
  };

  constructor(
    private readonly clock: Clock,
    /** The PDS is the channel's (serviceUrl, or the one its DID document names): every request obeys the network policy. */
    private readonly network: NetworkPolicy,
    config: ConfigService<Env, true>,
  ) {
    this.defaultLanguages = config.get('BLUESKY_LANGS', { infer: true }).split(',').filter(Boolean);
  }

  publish(request: BlueskyPublishRequest): Promise<PublishResult> {
    return publishing(this.terms, request, async (send) => {
      if (graphemeLength(request.text) > MAX_GRAPHEMES || Buffer.byteLength(request.text) > MAX_TEXT_BYTES) {
        throw new PublishError({ kind: 'permanent', reason: `A Bluesky post takes at most ${MAX_GRAPHEMES} graphemes (${MAX_TEXT_BYTES} bytes)` });
      }
      if (request.imageUrls.length + (request.media ?? []).length > MAX_IMAGES) {
        throw new PublishError({ kind: 'permanent', reason: `Bluesky takes at most ${MAX_IMAGES} images per post` });
      }
      // Library items come resized under Bluesky's 1,000,000 bytes where needed (the media library's variant).
      const images = await readPostImages(this.network, request, IMAGE_LIMITS);
      const created = await this.withSession(request, send, (agent) => this.createPost(agent, send, images));
      const rkey = created.uri.split('/').pop() ?? '';
      return { platformPostId: created.uri, url: `https://bsky.app/profile/${created.handle}/post/${rkey}` };
    });
  }

  /** Opens a session with the app password and reads it back (com.atproto.server.getSession). */
  verify(request: VerifyRequest): Promise<VerifiedAccount> {
    return verifying(this.terms, request, async () => {
      const agent = this.agent(request.credentials, request.signal);
      await agent.login({ identifier: request.credentials.identifier, password: request.credentials.appPassword });
      const { data } = await agent.com.atproto.server.getSession(undefined, { signal: request.signal });
      return { accountId: data.did, handle: `@${data.handle}`, displayName: null, url: `https://bsky.app/profile/${data.handle}` };
    });
  }

  /**
   * Runs `action` with a session: the kept one (the library refreshes it on ExpiredToken), else a new one
   * from the app password. When a kept session fails for good, it opens one new session and runs again:
   * an auth error means the PDS created nothing.
   */
  private async withSession<T>(request: BlueskyPublishRequest, send: Send<BlueskyPublishRequest>, action: (agent: AtpAgent) => Promise<T>): Promise<T> {
    const { credentials, channel } = request;
    const key = sessionKey(credentials);
    const kept = this.sessions.get(channel.id);
    if (kept?.key === key) {
      const agent = this.agent(credentials, request.signal, kept);
      try {
        return await action(agent);
      } catch (error) {
        if (!isSessionError(error)) {
          throw error;
        }
        this.sessions.delete(channel.id);
        this.logger.log(`Bluesky session of channel ${channel.id} ended; opening a new one (delivery ${request.deliveryId})`);
      }
    }
    const agent = this.agent(credentials, request.signal);
    await agent.login({ identifier: credentials.identifier, password: credentials.appPassword });
    this.keep(channel.id, key, agent);
    send.postRequested = false;
    return action(agent);
  }

  private async createPost(agent: AtpAgent, send: Send<BlueskyPublishRequest>, images: PostImage[]): Promise<{ uri: string; handle: string }> {
    const { request } = send;
    const session = agent.session;
    if (!session) {
      throw new PublishError({ kind: 'retryable', reason: 'No Bluesky session' });
    }
    const candidates = findFacetCandidates(request.text);
    const dids = new Map<string, string>();
    for (const handle of new Set(candidates.filter((c) => c.kind === 'mention').map((c) => c.value.toLowerCase()))) {
      const did = await this.resolve(agent, handle, request.signal);
      if (did) {
        dids.set(handle, did);
      }
    }
    const blobs: BlobRef[] = [];
    for (const image of images) {
      const { data } = await agent.com.atproto.repo.uploadBlob(image.bytes, { encoding: image.mediaType, signal: request.signal });
      blobs.push(data.blob);
    }
    const facets = buildFacets(candidates, dids);
    const record: Record<string, unknown> = { $type: POST_COLLECTION, text: request.text, createdAt: this.clock.now().toISOString() };
    if (facets.length > 0) {
      record.facets = facets;
    }
    const langs = request.languages?.length ? request.languages : this.defaultLanguages;
    if (langs.length > 0) {
      record.langs = langs;
    }
    if (blobs.length > 0) {
      record.embed = {
        $type: 'app.bsky.embed.images',
        images: blobs.map((image, index) => {
          // Without it the app crops every image to a square until it has loaded the full one.
          const aspectRatio = aspectRatioOf(images[index].bytes);
          return { image, alt: images[index].altText ?? '', ...(aspectRatio ? { aspectRatio } : {}) };
        }),
      };
    }
    send.postRequested = true;
    const { data } = await agent.com.atproto.repo.createRecord({ repo: session.did, collection: POST_COLLECTION, record }, { signal: request.signal });
    // A refresh during the send may have brought a newer handle.
    return { uri: data.uri, handle: agent.session?.handle ?? session.handle };
  }

  /** A mention's DID (com.atproto.identity.resolveHandle); a handle nobody holds stays plain text. */
  private async resolve(agent: AtpAgent, handle: string, signal?: AbortSignal): Promise<string | undefined> {
    try {
      const { data } = await agent.com.atproto.identity.resolveHandle({ handle }, { signal });
      return data.did;
    } catch (error) {
      if (error instanceof XRPCError && Number(error.status) === 400) {
        return undefined;
      }
      throw error;
    }
  }

  /** An agent on the channel's PDS whose every request carries the send's signal and a time limit. */
  private agent(credentials: Record<string, string>, signal: AbortSignal | undefined, kept?: KeptSession): AtpAgent {
    const limited = (): AbortSignal => {
      const deadline = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
      return signal ? AbortSignal.any([signal, deadline]) : deadline;
    };
    const fetchWithSignal: typeof fetch = (input, init) => this.network.fetch(input, { ...init, signal: limited() });
    const channelKey = sessionKey(credentials);
    const session = new CredentialSession(new URL(credentials.serviceUrl || DEFAULT_SERVICE), fetchWithSignal, (event, data) => {
      // Refreshed tokens are kept for the next send; an ended session is forgotten.
      for (const [channelId, entry] of this.sessions) {
        if (entry.key === channelKey) {
          if (event === 'update' && data) {
            entry.data = data;
          } else if (event === 'expired' || event === 'create-failed') {
            this.sessions.delete(channelId);
          }
        }
      }
    });
    if (kept) {
      session.session = kept.data;
      session.pdsUrl = kept.pdsUrl;
    }
    return new AtpAgent(session);
  }

  private keep(channelId: string, key: string, agent: AtpAgent): void {
    const data = agent.session;
    if (data) {
      this.sessions.set(channelId, { key, data, pdsUrl: agent.pdsUrl });
    }
  }

  /** A refused PDS address fails at once and names nothing about what lives there. */
  private classify(error: unknown): PublishFailure {
    return isPrivateAddressRefusal(error) ? { kind: 'permanent', reason: `Bluesky PDS ${PRIVATE_ADDRESS_REFUSED}` } : classifyBlueskyFailure(error, this.clock.now());
  }
}

/** Identifies the credentials a session was opened with, without keeping the app password itself. */
function sessionKey(credentials: Record<string, string>): string {
  return createHash('sha256')
    .update([credentials.serviceUrl || DEFAULT_SERVICE, credentials.identifier, credentials.appPassword].join('\n'))
    .digest('base64url');
}

/**
 * Width and height as displayed, from the image's header (PNG, JPEG, WebP, GIF); a JPEG turned by its
 * EXIF orientation (5-8) shows rotated. Undefined when the header does not say: the field is optional.
 */
export function aspectRatioOf(bytes: Uint8Array): { width: number; height: number } | undefined {
  try {
    const { width, height, orientation } = imageSize(bytes);
    if (!(width >= 1 && height >= 1)) {
      return undefined;
    }
    return orientation !== undefined && orientation >= 5 ? { width: height, height: width } : { width, height };
  } catch {
    return undefined;
  }
}
