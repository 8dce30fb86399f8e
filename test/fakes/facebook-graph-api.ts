// A local Meta Graph API for tests: Page feed and photo posts, Instagram content publishing, the identity reads, Graph errors and throttling.
import { randomBytes } from 'node:crypto';
import { GRAPH_API_VERSION } from '../../src/publishers/meta-graph/graph-api';
import { FakeServer, type Fault, type ReceivedRequest, type Reply } from './fake-server';
import { TEST_PNG } from './x-api';

export interface GraphFault extends Fault {
  /** Answer a Graph error with this code (and HTTP status, 400 unless given). */
  code?: number;
  subcode?: number;
  message?: string;
  type?: string;
  isTransient?: boolean;
  status?: number;
  /** X-Business-Use-Case-Usage's estimated_time_to_regain_access, in minutes, on this answer. */
  regainAccessMinutes?: number;
  /** Do what the request asks, then answer the error anyway: an error that hides a success. */
  processAnyway?: boolean;
}

export interface PagePost {
  id: string;
  pageId: string;
  message?: string;
  link?: string;
  /** Photo ids attached (a photo post carries its own photo). */
  photoIds: string[];
}

export interface PagePhoto {
  id: string;
  pageId: string;
  url: string;
  caption?: string;
  published: boolean;
  bytes: Buffer;
}

export interface MediaContainer {
  id: string;
  igUserId: string;
  mediaType: 'IMAGE' | 'CAROUSEL';
  imageUrl?: string;
  caption?: string;
  isCarouselItem: boolean;
  children: string[];
  statusCode: 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'ERROR' | 'EXPIRED';
  /** Status reads still answered IN_PROGRESS. */
  pollsLeft: number;
}

export interface IgMedia {
  id: string;
  igUserId: string;
  containerId: string;
  caption?: string;
  imageUrls: string[];
  permalink: string;
  publishedAt: number;
}

interface Account {
  kind: 'page' | 'instagram';
  id: string;
  name: string;
  username?: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export class FakeGraphApi extends FakeServer<GraphFault> {
  readonly posts: PagePost[] = [];
  readonly photos = new Map<string, PagePhoto>();
  readonly containers = new Map<string, MediaContainer>();
  readonly media: IgMedia[] = [];
  /** Status reads a new container answers IN_PROGRESS before FINISHED (0: ready at once, as images usually are). */
  containerPolls = 0;
  /** Instagram's published posts per account per rolling 24 hours. */
  publishingLimit = 50;
  /** Calls per token per hour before Graph throttles it (code 32 for a Page, 80002 for Instagram). */
  callLimit = 10_000;
  private readonly accounts = new Map<string, Account>();
  private readonly tokens = new Map<string, { accountId: string; expired: boolean }>();
  private readonly calls = new Map<string, { count: number; windowStart: number }>();
  private readonly fixtures = new Map<string, { contentType: string; body: Buffer }>([['image.png', { contentType: 'image/png', body: TEST_PNG }]]);
  private nextId = 10_000_000_000n;

  static async start(): Promise<FakeGraphApi> {
    const fake = new FakeGraphApi();
    await fake.listen();
    return fake;
  }

  private constructor() {
    super();
    // Before the Graph routes: /fixtures/x would otherwise read as /{version}/{id}.
    this.route('GET', '/fixtures/{name}', (_request, params) => this.fixture(params.name));
    this.graph('GET', '/{version}/{id}', (request, caller, params) => this.read(request, caller, params.id));
    this.graph('POST', '/{version}/{id}/feed', (request, caller, params) => this.createFeedPost(request, caller, params.id));
    this.graph('POST', '/{version}/{id}/photos', (request, caller, params) => this.createPhoto(request, caller, params.id));
    this.graph('POST', '/{version}/{id}/media', (request, caller, params) => this.createContainer(request, caller, params.id));
    this.graph('POST', '/{version}/{id}/media_publish', (request, caller, params) => this.publishContainer(request, caller, params.id));
  }

  /** A Page and its page access token, as channel credentials. */
  addPage(name = 'Holdfast Bakery'): { pageId: string; pageAccessToken: string } {
    const pageId = this.newId();
    this.accounts.set(pageId, { kind: 'page', id: pageId, name });
    const pageAccessToken = `EAAB${randomBytes(16).toString('hex')}`;
    this.tokens.set(pageAccessToken, { accountId: pageId, expired: false });
    return { pageId, pageAccessToken };
  }

  /** An Instagram professional account and its token, as channel credentials. */
  addInstagramAccount(username = 'holdfast_bakery'): { igUserId: string; accessToken: string } {
    const igUserId = `1784${this.newId()}`;
    this.accounts.set(igUserId, { kind: 'instagram', id: igUserId, name: 'Holdfast Bakery', username });
    const accessToken = `IGQ${randomBytes(16).toString('hex')}`;
    this.tokens.set(accessToken, { accountId: igUserId, expired: false });
    return { igUserId, accessToken };
  }

  /** A new page access token for an existing Page (a person reconnected it). */
  issuePageToken(pageId: string): string {
    const token = `EAAB${randomBytes(16).toString('hex')}`;
    this.tokens.set(token, { accountId: pageId, expired: false });
    return token;
  }

  /** The token lapses: every call with it answers code 190 from now on. */
  expireToken(token: string): void {
    const entry = this.tokens.get(token);
    if (entry) {
      entry.expired = true;
    }
  }

  expireContainer(id: string): void {
    this.containers.get(id)!.statusCode = 'EXPIRED';
  }

  fixtureUrl(name = 'image.png'): string {
    return `${this.url}/fixtures/${name}`;
  }

  addFixture(name: string, contentType: string, body: Buffer): string {
    this.fixtures.set(name, { contentType, body });
    return this.fixtureUrl(name);
  }

  protected faultReply(fault: GraphFault, request: ReceivedRequest): Reply | undefined {
    if (fault.code === undefined) {
      return undefined;
    }
    if (fault.processAnyway) {
      this.processQuietly(request);
    }
    const reply = graphError(fault.status ?? (fault.isTransient ? 500 : 400), {
      code: fault.code,
      subcode: fault.subcode,
      message: fault.message ?? `(#${fault.code}) Fake error`,
      type: fault.type,
      isTransient: fault.isTransient,
    });
    if (fault.regainAccessMinutes !== undefined) {
      reply.headers = { ...reply.headers, ...this.businessUseCaseUsage(request, fault.regainAccessMinutes) };
    }
    return reply;
  }

  protected notFound(request: ReceivedRequest): Reply {
    return graphError(400, { code: 100, message: `Unknown path components: ${request.path}` });
  }

  protected malformed(_request: ReceivedRequest, why: string): Reply {
    return graphError(400, { code: 100, message: `(#100) ${why}` });
  }

  /** Graph sends the app's usage (percent of its hourly budget) on every answer. */
  protected override decorate(reply: Reply, request: ReceivedRequest): Reply {
    if (request.path.startsWith('/fixtures/')) {
      return reply;
    }
    const calls = [...this.calls.values()].reduce((sum, window) => sum + window.count, 0);
    const percent = Math.min(100, Math.floor((calls * 100) / Math.max(1, this.callLimit)));
    return { ...reply, headers: { 'x-app-usage': JSON.stringify({ call_count: percent, total_cputime: 1, total_time: 1 }), ...reply.headers } };
  }

  /** A Graph route: the version is checked, the caller authenticated and throttled, in Graph's order. */
  private graph(method: string, template: string, handler: (request: ReceivedRequest, caller: Account, params: Record<string, string>) => Reply | Promise<Reply>): void {
    this.route(method, template, (request, params) => {
      if (params.version !== GRAPH_API_VERSION) {
        return graphError(400, { code: 2635, message: `(#2635) You are calling a deprecated or unknown version of the Graph API (${params.version})` });
      }
      const token = this.tokenOf(request);
      const entry = token === undefined ? undefined : this.tokens.get(token);
      if (!entry) {
        return graphError(400, { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
      }
      if (entry.expired) {
        return graphError(400, { code: 190, subcode: 463, message: 'Error validating access token: Session has expired on Thursday, 01-Jan-30 10:00:00 PST.' });
      }
      const caller = this.accounts.get(entry.accountId)!;
      const window = this.window(token!);
      if (window.count >= this.callLimit) {
        const code = caller.kind === 'page' ? 32 : 80002;
        const message = caller.kind === 'page' ? '(#32) Page request limit reached' : '(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.';
        const minutes = Math.max(1, Math.ceil((window.windowStart + HOUR_MS - Date.now()) / 60_000));
        return { ...graphError(400, { code, message }), headers: this.businessUseCaseUsage(request, minutes, caller) };
      }
      window.count++;
      return handler(request, caller, params);
    });
  }

  private read(request: ReceivedRequest, caller: Account, id: string): Reply {
    const fields = (request.query.get('fields') ?? 'id').split(',');
    const pick = (object: Record<string, unknown>): Reply => ({
      status: 200,
      body: Object.fromEntries(['id', ...fields].filter((f) => object[f] !== undefined).map((f) => [f, object[f]])),
    });
    const account = this.accounts.get(id);
    if (account && account.id === caller.id) {
      return account.kind === 'page'
        ? pick({ id: account.id, name: account.name, link: `https://www.facebook.com/${account.id}` })
        : pick({ id: account.id, username: account.username, name: account.name });
    }
    const container = this.containers.get(id);
    if (container && container.igUserId === caller.id) {
      if (container.statusCode === 'IN_PROGRESS' && container.pollsLeft-- <= 0) {
        container.statusCode = 'FINISHED';
      }
      const status = container.statusCode === 'ERROR' ? 'Error: Media upload has failed with error code 2207003' : container.statusCode;
      return pick({ id: container.id, status_code: container.statusCode, status });
    }
    const media = this.media.find((candidate) => candidate.id === id && candidate.igUserId === caller.id);
    if (media) {
      return pick({ id: media.id, permalink: media.permalink, caption: media.caption, media_type: 'IMAGE' });
    }
    return unsupported(id);
  }

  private createFeedPost(request: ReceivedRequest, caller: Account, pageId: string): Reply {
    if (caller.kind !== 'page' || caller.id !== pageId) {
      return permissionDenied();
    }
    const body = fieldsOf(request);
    const message = optionalString(body.message);
    const link = optionalString(body.link);
    const attached = Array.isArray(body.attached_media) ? (body.attached_media as { media_fbid?: string }[]) : [];
    if (!message && !link && attached.length === 0) {
      return graphError(400, { code: 100, message: '(#100) Missing message or attachment' });
    }
    const photoIds = attached.map((item) => String(item.media_fbid));
    if (photoIds.some((id) => this.photos.get(id)?.pageId !== pageId)) {
      return graphError(400, { code: 100, message: '(#100) attached_media must name photos of this Page' });
    }
    const last = [...this.posts].reverse().find((post) => post.pageId === pageId);
    if (message && last?.message === message && last.link === link) {
      return graphError(400, { code: 506, message: '(#506) Duplicate status message' });
    }
    const post = { id: `${pageId}_${this.newId()}`, pageId, message, link, photoIds };
    this.posts.push(post);
    return { status: 200, body: { id: post.id } };
  }

  private async createPhoto(request: ReceivedRequest, caller: Account, pageId: string): Promise<Reply> {
    if (caller.kind !== 'page' || caller.id !== pageId) {
      return permissionDenied();
    }
    const body = fieldsOf(request);
    const url = optionalString(body.url);
    if (!url) {
      return graphError(400, { code: 324, message: '(#324) Requires upload file' });
    }
    const bytes = await download(url);
    if (!bytes) {
      return graphError(400, { code: 324, message: '(#324) Missing or invalid image file' });
    }
    const published = body.published !== false && body.published !== 'false';
    const photo = { id: this.newId(), pageId, url, caption: optionalString(body.caption), published, bytes };
    this.photos.set(photo.id, photo);
    if (!published) {
      return { status: 200, body: { id: photo.id } };
    }
    const post = { id: `${pageId}_${this.newId()}`, pageId, message: photo.caption, photoIds: [photo.id] };
    this.posts.push(post);
    return { status: 200, body: { id: photo.id, post_id: post.id } };
  }

  private async createContainer(request: ReceivedRequest, caller: Account, igUserId: string): Promise<Reply> {
    if (caller.kind !== 'instagram' || caller.id !== igUserId) {
      return permissionDenied();
    }
    const body = fieldsOf(request);
    const caption = optionalString(body.caption);
    const base = { id: this.newId(), igUserId, caption, statusCode: 'IN_PROGRESS' as const, pollsLeft: this.containerPolls };
    if (body.media_type === 'CAROUSEL') {
      const children = (optionalString(body.children) ?? '').split(',').filter(Boolean);
      const items = children.map((id) => this.containers.get(id));
      if (children.length < 2 || children.length > 10 || items.some((item) => !item?.isCarouselItem || item.igUserId !== igUserId)) {
        return graphError(400, { code: 100, message: '(#100) children must name 2 to 10 carousel item containers of this account' });
      }
      this.containers.set(base.id, { ...base, mediaType: 'CAROUSEL', isCarouselItem: false, children });
      return { status: 200, body: { id: base.id } };
    }
    const imageUrl = optionalString(body.image_url);
    if (!imageUrl) {
      return graphError(400, { code: 100, message: '(#100) The parameter image_url is required' });
    }
    if (!(await download(imageUrl))) {
      return graphError(400, { code: 9004, subcode: 2207052, message: 'Media download has failed. The media URI doesn\'t meet our requirements.' });
    }
    const isCarouselItem = body.is_carousel_item === true || body.is_carousel_item === 'true';
    this.containers.set(base.id, { ...base, mediaType: 'IMAGE', imageUrl, isCarouselItem, children: [], caption: isCarouselItem ? undefined : caption });
    return { status: 200, body: { id: base.id } };
  }

  private publishContainer(request: ReceivedRequest, caller: Account, igUserId: string): Reply {
    if (caller.kind !== 'instagram' || caller.id !== igUserId) {
      return permissionDenied();
    }
    const container = this.containers.get(optionalString(fieldsOf(request).creation_id) ?? '');
    if (!container || container.igUserId !== igUserId || container.isCarouselItem) {
      return graphError(400, { code: 100, subcode: 2207016, message: 'The media container could not be found' });
    }
    const published = this.media.filter((m) => m.igUserId === igUserId && Date.now() - m.publishedAt < DAY_MS);
    if (published.length >= this.publishingLimit) {
      return graphError(400, { code: 9, subcode: 2207042, message: 'You have reached the maximum number of posts that is allowed to be published by Content Publishing API' });
    }
    switch (container.statusCode) {
      case 'FINISHED':
        break;
      case 'EXPIRED':
        return graphError(400, { code: 9007, subcode: 2207020, message: 'The media you are trying to access has expired. Please try to upload again.' });
      case 'PUBLISHED':
        return graphError(400, { code: 9007, subcode: 2207006, message: 'The media has already been published' });
      case 'ERROR':
      case 'IN_PROGRESS':
        return graphError(400, { code: 9007, subcode: 2207027, message: 'Media ID is not available: the media is not ready for publishing, please wait for a moment' });
    }
    container.statusCode = 'PUBLISHED';
    const children = container.children.map((id) => this.containers.get(id)!);
    const imageUrls = container.mediaType === 'CAROUSEL' ? children.map((child) => child.imageUrl!) : [container.imageUrl!];
    const id = this.newId();
    const permalink = `https://www.instagram.com/p/${randomBytes(8).toString('base64url')}/`;
    this.media.push({ id, igUserId, containerId: container.id, caption: container.caption, imageUrls, permalink, publishedAt: Date.now() });
    return { status: 200, body: { id } };
  }

  /** For processAnyway: runs the synchronous handlers (feed, media_publish) for their effect alone. */
  private processQuietly(request: ReceivedRequest): void {
    const [, , id, edge] = request.path.split('/');
    const entry = this.tokens.get(this.tokenOf(request) ?? '');
    const caller = entry && this.accounts.get(entry.accountId);
    if (!caller) {
      return;
    }
    if (edge === 'feed') {
      this.createFeedPost(request, caller, id);
    } else if (edge === 'media_publish') {
      this.publishContainer(request, caller, id);
    } else {
      throw new Error(`processAnyway is not supported on ${request.path}`);
    }
  }

  /** Bearer header, or access_token in the query or the body, as Graph accepts. */
  private tokenOf(request: ReceivedRequest): string | undefined {
    const header = request.headers.authorization ?? '';
    if (header.startsWith('Bearer ') || header.startsWith('OAuth ')) {
      return header.slice(header.indexOf(' ') + 1);
    }
    return request.query.get('access_token') ?? optionalString(fieldsOf(request).access_token);
  }

  private window(token: string): { count: number; windowStart: number } {
    let window = this.calls.get(token);
    if (!window || window.windowStart + HOUR_MS <= Date.now()) {
      window = { count: 0, windowStart: Date.now() };
      this.calls.set(token, window);
    }
    return window;
  }

  private businessUseCaseUsage(request: ReceivedRequest, minutes: number, caller?: Account): Record<string, string> {
    const id = caller?.id ?? request.path.split('/')[2] ?? '0';
    const type = caller?.kind === 'instagram' ? 'instagram' : 'pages';
    const usage = { [id]: [{ type, call_count: 100, total_cputime: 40, total_time: 60, estimated_time_to_regain_access: minutes }] };
    return { 'x-business-use-case-usage': JSON.stringify(usage) };
  }

  private fixture(name: string): Reply {
    const fixture = this.fixtures.get(name);
    return fixture
      ? { status: 200, body: fixture.body, headers: { 'content-type': fixture.contentType } }
      : { status: 404, body: Buffer.from('no such fixture'), headers: { 'content-type': 'text/plain' } };
  }

  private newId(): string {
    return String(this.nextId++);
  }
}

/** Graph's error body: {error: {message, type, code, error_subcode, is_transient, fbtrace_id}}. */
export function graphError(
  status: number,
  error: { code: number; subcode?: number; message: string; type?: string; isTransient?: boolean },
): Reply {
  return {
    status,
    headers: error.code === 190 ? { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${error.message}"` } : {},
    body: {
      error: {
        message: error.message,
        type: error.type ?? (error.code === 190 || error.code === 200 ? 'OAuthException' : 'GraphMethodException'),
        code: error.code,
        ...(error.subcode !== undefined ? { error_subcode: error.subcode } : {}),
        is_transient: error.isTransient ?? false,
        fbtrace_id: `A${randomBytes(8).toString('base64url')}`,
      },
    },
  };
}

function permissionDenied(): Reply {
  return graphError(403, { code: 200, message: '(#200) The user has not authorized the application to perform this action' });
}

function unsupported(id: string): Reply {
  return graphError(400, {
    code: 100,
    subcode: 33,
    message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
  });
}

/** Graph takes JSON or form fields alike. */
function fieldsOf(request: ReceivedRequest): Record<string, unknown> {
  return typeof request.body === 'object' && request.body !== null && !Buffer.isBuffer(request.body) ? (request.body as Record<string, unknown>) : {};
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Meta fetches the image from its public URL itself; the fake does too, and wants an image back. */
async function download(url: string): Promise<Buffer | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!response.ok || !(response.headers.get('content-type') ?? '').startsWith('image/')) {
      await response.body?.cancel();
      return undefined;
    }
    return Buffer.from(await response.arrayBuffer());
  } catch {
    return undefined;
  }
}
