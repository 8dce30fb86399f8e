// A local Meta Graph API for tests: Page feed and photo posts, Instagram content publishing, the identity reads, Graph errors and
// throttling, and Facebook Login (the OAuth dialog, both access_token grants, /me/accounts with Page tokens and linked Instagram accounts).
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
  /** The URL Meta fetched, or undefined for a photo uploaded as bytes (`source`). */
  url?: string;
  caption?: string;
  published: boolean;
  bytes: Buffer;
  /** The Content-Type of the uploaded `source` part (undefined for a URL photo). */
  contentType?: string;
  /** alt_text_custom, as sent. */
  altText?: string;
}

export interface MediaContainer {
  id: string;
  igUserId: string;
  mediaType: 'IMAGE' | 'CAROUSEL';
  imageUrl?: string;
  /** What Meta got when it fetched image_url. */
  imageBytes?: Buffer;
  imageContentType?: string;
  /** alt_text, as sent. */
  altText?: string;
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
  kind: 'page' | 'instagram' | 'user';
  id: string;
  name: string;
  username?: string;
  /** A Page's linked Instagram professional account. */
  instagramId?: string;
  /** A person's Pages (the ones they have a task on). */
  pageIds?: string[];
}

/** How long a token lives: a short-lived user token (about an hour), a long-lived one (60 days), a Page token from it (never expires). */
export type TokenLifetime = 'short' | 'long' | 'never';

interface TokenEntry {
  accountId: string;
  expired: boolean;
  lifetime?: TokenLifetime;
  /** The permissions the person granted (user tokens and the Page tokens drawn from them). */
  scopes?: string[];
}

interface LoginCode {
  userId: string;
  appId: string;
  redirectUri: string;
  scopes: string[];
  used: boolean;
}

/** What the person does on Facebook Login's dialog. */
export type FacebookConsent = 'allow' | 'deny';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export class FakeGraphApi extends FakeServer<GraphFault> {
  readonly posts: PagePost[] = [];
  readonly photos = new Map<string, PagePhoto>();
  readonly containers = new Map<string, MediaContainer>();
  readonly media: IgMedia[] = [];
  /** Status reads a new container answers IN_PROGRESS before FINISHED (0: ready at once, as images usually are). */
  containerPolls = 0;
  /**
   * Instagram takes JPEG images only: with this set, a fetched image_url that is not a JPEG (by its Content-Type
   * and its bytes) is refused as Graph does. Off by default: the older Instagram tests post the PNG fixture.
   */
  instagramJpegOnly = false;
  /** Instagram's published posts per account per rolling 24 hours. */
  publishingLimit = 50;
  /** Calls per token per hour before Graph throttles it (code 32 for a Page, 80002 for Instagram). */
  callLimit = 10_000;
  private readonly accounts = new Map<string, Account>();
  /** The Meta app connect flows sign in with (registerApp), and what the person does on the dialog. */
  app?: { appId: string; appSecret: string; redirectUris: string[] };
  consent: FacebookConsent = 'allow';
  /** The person signed in to Facebook in the browser. */
  signedInUser?: string;
  /** Permissions the person unticks on the dialog (they are declined, the rest granted). */
  declinedScopes: string[] = [];
  /** /me/accounts answers this many Pages at a time (Graph's default limit is 25). */
  accountsPageSize = 25;
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly codes = new Map<string, LoginCode>();
  private readonly declined = new Map<string, string[]>();
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
    this.route('GET', '/{version}/dialog/oauth', (request, params) => this.dialog(request, params.version));
    this.route('GET', '/{version}/oauth/access_token', (request, params) => this.accessToken(request, params.version));
    this.graph('GET', '/{version}/me/accounts', (request, caller) => this.managedPages(request, caller));
    this.graph('GET', '/{version}/me/permissions', (request, caller) => this.permissions(request, caller));
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

  /** The Meta app Holdfast is (App Dashboard → Facebook Login → Valid OAuth Redirect URIs). */
  registerApp(redirectUris: string[]): { appId: string; appSecret: string } {
    this.app = { appId: String(1_000_000_000_000 + Math.floor(Math.random() * 1e9)), appSecret: randomBytes(16).toString('hex'), redirectUris };
    return { appId: this.app.appId, appSecret: this.app.appSecret };
  }

  /** A person who can sign in with Facebook Login; they manage no Page yet. */
  addUser(name = 'Mia Marketer'): string {
    const userId = this.newId();
    this.accounts.set(userId, { kind: 'user', id: userId, name, pageIds: [] });
    return userId;
  }

  /** The person gets a task on the Page (it appears in their /me/accounts). */
  grantPage(userId: string, pageId: string): void {
    this.accounts.get(userId)!.pageIds!.push(pageId);
  }

  /** Links an Instagram professional account to a Page (Page settings → Linked accounts). */
  linkInstagram(pageId: string, igUserId: string): void {
    this.accounts.get(pageId)!.instagramId = igUserId;
  }

  /** How long a token the fake issued lives (undefined for tokens added directly). */
  lifetimeOf(token: string): TokenLifetime | undefined {
    return this.tokens.get(token)?.lifetime;
  }

  /** Every token, code and the app secret the fake knows, for tests that check none leaks. */
  issuedSecrets(): string[] {
    return [...this.tokens.keys(), ...this.codes.keys(), ...(this.app ? [this.app.appSecret] : [])];
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
    if (account && this.actsFor(caller, account.id)) {
      return account.kind === 'page'
        ? pick({ id: account.id, name: account.name, link: `https://www.facebook.com/${account.id}` })
        : pick({ id: account.id, username: account.username, name: account.name });
    }
    const container = this.containers.get(id);
    if (container && this.actsFor(caller, container.igUserId)) {
      if (container.statusCode === 'IN_PROGRESS' && container.pollsLeft-- <= 0) {
        container.statusCode = 'FINISHED';
      }
      const status = container.statusCode === 'ERROR' ? 'Error: Media upload has failed with error code 2207003' : container.statusCode;
      return pick({ id: container.id, status_code: container.statusCode, status });
    }
    const media = this.media.find((candidate) => candidate.id === id && this.actsFor(caller, candidate.igUserId));
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
    const source = body.source;
    if (url && source !== undefined) {
      return graphError(400, { code: 100, message: '(#100) Only one of url and source may be given' });
    }
    let bytes: Buffer | undefined;
    let contentType: string | undefined;
    if (source !== undefined) {
      // Graph takes the file as a multipart file part named `source`, of an image type its bytes bear out.
      const part = multipartPart(request, 'source');
      if (!Buffer.isBuffer(source) || !part?.filename || !part.contentType) {
        return graphError(400, { code: 324, message: '(#324) Requires upload file: source must be a file part with a filename and a Content-Type' });
      }
      if (!PHOTO_TYPES.includes(part.contentType) || imageTypeOf(source) !== part.contentType) {
        return graphError(400, { code: 324, message: `(#324) Missing or invalid image file: the source part says ${part.contentType} but is not one` });
      }
      bytes = source;
      contentType = part.contentType;
    } else if (!url) {
      return graphError(400, { code: 324, message: '(#324) Requires upload file' });
    } else {
      bytes = await download(url);
      if (!bytes) {
        return graphError(400, { code: 324, message: '(#324) Missing or invalid image file' });
      }
    }
    const altText = optionalString(body.alt_text_custom);
    if (body.alt_text_custom !== undefined && typeof body.alt_text_custom !== 'string') {
      return graphError(400, { code: 100, message: '(#100) alt_text_custom must be a string' });
    }
    const published = body.published !== false && body.published !== 'false';
    const photo = { id: this.newId(), pageId, url, caption: optionalString(body.caption), published, bytes, contentType, altText };
    this.photos.set(photo.id, photo);
    if (!published) {
      return { status: 200, body: { id: photo.id } };
    }
    const post = { id: `${pageId}_${this.newId()}`, pageId, message: photo.caption, photoIds: [photo.id] };
    this.posts.push(post);
    return { status: 200, body: { id: photo.id, post_id: post.id } };
  }

  private async createContainer(request: ReceivedRequest, caller: Account, igUserId: string): Promise<Reply> {
    if (!this.actsForInstagram(caller, igUserId)) {
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
    const fetched = await fetchImage(imageUrl);
    if (!fetched) {
      return graphError(400, { code: 9004, subcode: 2207052, message: 'Media download has failed. The media URI doesn\'t meet our requirements.' });
    }
    if (this.instagramJpegOnly && (fetched.contentType !== 'image/jpeg' || imageTypeOf(fetched.bytes) !== 'image/jpeg')) {
      return graphError(400, { code: 36001, subcode: 2207009, message: 'The aspect ratio or format of the image is not supported: only JPEG images can be published' });
    }
    if (body.alt_text !== undefined && typeof body.alt_text !== 'string') {
      return graphError(400, { code: 100, message: '(#100) alt_text must be a string' });
    }
    const isCarouselItem = body.is_carousel_item === true || body.is_carousel_item === 'true';
    this.containers.set(base.id, {
      ...base,
      mediaType: 'IMAGE',
      imageUrl,
      imageBytes: fetched.bytes,
      imageContentType: fetched.contentType,
      altText: optionalString(body.alt_text),
      isCarouselItem,
      children: [],
      caption: isCarouselItem ? undefined : caption,
    });
    return { status: 200, body: { id: base.id } };
  }

  private publishContainer(request: ReceivedRequest, caller: Account, igUserId: string): Reply {
    if (!this.actsForInstagram(caller, igUserId)) {
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

  /** An Instagram account is acted for with its own token or with its linked Page's token. */
  private actsForInstagram(caller: Account, igUserId: string): boolean {
    return this.accounts.get(igUserId)?.kind === 'instagram' && this.actsFor(caller, igUserId);
  }

  private actsFor(caller: Account, accountId: string): boolean {
    return caller.id === accountId || (caller.kind === 'page' && caller.instagramId === accountId);
  }

  /** Facebook Login's dialog: the signed-in person allows (code and state) or declines (error=access_denied). */
  private dialog(request: ReceivedRequest, version: string): Reply {
    const query = request.query;
    const page = (text: string): Reply => ({ status: 400, body: Buffer.from(`<html><body>${text}</body></html>`), headers: { 'content-type': 'text/html' } });
    if (version !== GRAPH_API_VERSION) {
      return page(`Unknown Graph API version ${version}`);
    }
    if (!this.app || query.get('client_id') !== this.app.appId) {
      return page('Invalid App ID: The provided app ID does not look like a valid app ID.');
    }
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!this.app.redirectUris.includes(redirectUri)) {
      return page("URL blocked: This redirect failed because the redirect URI is not whitelisted in the app's client OAuth settings.");
    }
    const back = (params: Record<string, string>): Reply => {
      const url = new URL(redirectUri);
      for (const [key, value] of Object.entries({ ...params, ...(query.get('state') !== null ? { state: query.get('state')! } : {}) })) {
        url.searchParams.set(key, value);
      }
      return { status: 302, headers: { location: `${url.toString()}#_=_` } };
    };
    if (query.get('response_type') !== null && query.get('response_type') !== 'code') {
      return page('response_type must be code for a server-side login');
    }
    if (this.consent === 'deny') {
      return back({ error: 'access_denied', error_code: '200', error_description: 'Permissions error', error_reason: 'user_denied' });
    }
    const scopes = (query.get('scope') ?? '').split(',').map((scope) => scope.trim()).filter(Boolean);
    const userId = this.signedInUser ?? [...this.accounts.values()].find((account) => account.kind === 'user')?.id;
    if (!userId) {
      return page('Nobody is signed in to Facebook');
    }
    const code = `AQD${randomBytes(32).toString('base64url')}`;
    this.codes.set(code, { userId, appId: this.app.appId, redirectUri, scopes: scopes.filter((scope) => !this.declinedScopes.includes(scope)), used: false });
    this.declined.set(userId, scopes.filter((scope) => this.declinedScopes.includes(scope)));
    return back({ code });
  }

  /** GET /oauth/access_token: the code grant (short-lived user token) and fb_exchange_token (long-lived). */
  private accessToken(request: ReceivedRequest, version: string): Reply {
    const query = request.query;
    if (version !== GRAPH_API_VERSION) {
      return graphError(400, { code: 2635, message: `(#2635) You are calling a deprecated or unknown version of the Graph API (${version})` });
    }
    if (!this.app || query.get('client_id') !== this.app.appId) {
      return graphError(400, { code: 101, type: 'OAuthException', message: 'Error validating application. Invalid application ID.' });
    }
    if (query.get('client_secret') !== this.app.appSecret) {
      return graphError(400, { code: 1, type: 'OAuthException', message: 'Error validating client secret.' });
    }
    if (query.get('grant_type') === 'fb_exchange_token') {
      const entry = this.tokens.get(query.get('fb_exchange_token') ?? '');
      if (!entry || entry.expired || this.accounts.get(entry.accountId)?.kind !== 'user') {
        return graphError(400, { code: 190, type: 'OAuthException', message: 'Invalid OAuth access token - Cannot parse access token' });
      }
      return { status: 200, body: { access_token: this.issue(entry.accountId, 'long', entry.scopes), token_type: 'bearer', expires_in: 5_183_944 } };
    }
    const code = this.codes.get(query.get('code') ?? '');
    if (!code) {
      return graphError(400, { code: 100, subcode: 36007, type: 'OAuthException', message: 'Invalid verification code format.' });
    }
    if (code.used) {
      return graphError(400, { code: 100, subcode: 36009, type: 'OAuthException', message: 'This authorization code has been used.' });
    }
    if (code.redirectUri !== query.get('redirect_uri')) {
      return graphError(400, {
        code: 100,
        subcode: 36008,
        type: 'OAuthException',
        message: 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
      });
    }
    code.used = true;
    return { status: 200, body: { access_token: this.issue(code.userId, 'short', code.scopes), token_type: 'bearer', expires_in: 5_400 } };
  }

  /** /me/accounts with a user token: the person's Pages with Page tokens (which never expire when drawn from a long-lived user token). */
  private managedPages(request: ReceivedRequest, caller: Account): Reply {
    if (caller.kind !== 'user') {
      return graphError(400, { code: 100, message: `(#100) Tried accessing nonexisting field (accounts) on node type (${caller.kind === 'page' ? 'Page' : 'IGUser'})` });
    }
    const entry = this.tokens.get(this.tokenOf(request)!)!;
    if (entry.scopes && !entry.scopes.includes('pages_show_list')) {
      return graphError(403, { code: 200, type: 'OAuthException', message: '(#200) Requires pages_show_list permission to manage the object' });
    }
    const fields = parseFields(request.query.get('fields') ?? 'id,name');
    const limit = Math.min(100, Number(request.query.get('limit') ?? this.accountsPageSize));
    const after = request.query.get('after');
    const pageIds = caller.pageIds ?? [];
    const start = after === null ? 0 : Number(Buffer.from(after, 'base64url').toString('utf8'));
    const slice = pageIds.slice(start, start + limit);
    const data = slice.map((pageId) => {
      const page = this.accounts.get(pageId)!;
      const full: Record<string, unknown> = { id: page.id, name: page.name, category: 'Bakery', tasks: ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MODERATE', 'MANAGE'] };
      if (fields.has('access_token')) {
        full.access_token = this.issue(page.id, entry.lifetime === 'short' ? 'short' : 'never', entry.scopes);
      }
      const linked = page.instagramId ? this.accounts.get(page.instagramId) : undefined;
      const sub = fields.get('instagram_business_account');
      if (linked && sub && entry.scopes?.includes('instagram_basic') !== false) {
        const ig: Record<string, unknown> = { id: linked.id, username: linked.username, name: linked.name };
        full.instagram_business_account = Object.fromEntries(Object.entries(ig).filter(([key]) => key === 'id' || sub.has(key)));
      }
      return Object.fromEntries(Object.entries(full).filter(([key]) => key === 'id' || fields.has(key)));
    });
    const cursor = (index: number): string => Buffer.from(String(index)).toString('base64url');
    const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + slice.length) } };
    if (start + slice.length < pageIds.length) {
      const next = new URL(`${this.url}${request.path}`);
      // Graph repeats the token in the next link, as the caller gave it or not.
      next.searchParams.set('access_token', this.tokenOf(request)!);
      next.searchParams.set('fields', request.query.get('fields') ?? 'id,name');
      next.searchParams.set('limit', String(limit));
      next.searchParams.set('after', cursor(start + slice.length));
      paging.next = next.toString();
    }
    return { status: 200, body: { data, paging } };
  }

  /** /me/permissions with a user token: each permission asked for, granted or declined. */
  private permissions(request: ReceivedRequest, caller: Account): Reply {
    if (caller.kind !== 'user') {
      return graphError(400, { code: 100, message: '(#100) Tried accessing nonexisting field (permissions)' });
    }
    const granted = this.tokens.get(this.tokenOf(request)!)!.scopes ?? [];
    const declined = this.declined.get(caller.id) ?? [];
    return {
      status: 200,
      body: { data: [...granted.map((permission) => ({ permission, status: 'granted' })), ...declined.map((permission) => ({ permission, status: 'declined' }))] },
    };
  }

  private issue(accountId: string, lifetime: TokenLifetime, scopes: string[] | undefined): string {
    const token = `EAA${lifetime === 'never' ? 'P' : 'U'}${randomBytes(20).toString('hex')}`;
    this.tokens.set(token, { accountId, expired: false, lifetime, scopes });
    return token;
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

/** Graph's field expansion: `id,name,instagram_business_account{id,username}` → name → its subfields (empty: a plain field). */
function parseFields(raw: string): Map<string, Set<string>> {
  const fields = new Map<string, Set<string>>();
  for (const match of raw.matchAll(/([a-z_]+)(?:\{([^}]*)\})?/g)) {
    fields.set(match[1], new Set((match[2] ?? '').split(',').map((field) => field.trim()).filter(Boolean)));
  }
  return fields;
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
  return (await fetchImage(url))?.bytes;
}

/** The image at `url` and the Content-Type it was served with; undefined when the fetch fails or is no image. */
async function fetchImage(url: string): Promise<{ bytes: Buffer; contentType: string } | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (!response.ok || !contentType.startsWith('image/')) {
      await response.body?.cancel();
      return undefined;
    }
    return { bytes: Buffer.from(await response.arrayBuffer()), contentType };
  } catch {
    return undefined;
  }
}

const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

/** What an image's first bytes say it is. */
function imageTypeOf(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) {
    return 'image/jpeg';
  }
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return 'image/png';
  }
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') {
    return 'image/gif';
  }
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') {
    return 'image/webp';
  }
  return undefined;
}

/** The headers of one multipart part (its filename and Content-Type), which the shared parser does not keep. */
function multipartPart(request: ReceivedRequest, name: string): { filename?: string; contentType?: string } | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(request.headers['content-type'] ?? '');
  if (!boundary) {
    return undefined;
  }
  for (const part of request.rawBody.toString('latin1').split(`--${boundary[1] ?? boundary[2]}`)) {
    const head = part.slice(0, Math.max(0, part.indexOf('\r\n\r\n')));
    if (new RegExp(`[;\\s]name="${name}"`, 'i').test(head)) {
      return { filename: /filename="([^"]*)"/i.exec(head)?.[1], contentType: /^content-type:\s*([^;\r\n]+)/im.exec(head)?.[1].trim().toLowerCase() };
    }
  }
  return undefined;
}
