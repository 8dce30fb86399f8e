// A local LinkedIn REST API for tests: Posts, the Images upload, identity reads, the OAuth consent page and the
// authorization code and refresh grants, organization roles, daily limits and REST errors.
import { randomBytes } from 'node:crypto';
import { LINKEDIN_VERSION } from '../../src/publishers/linkedin/linkedin-api';
import { FakeServer, type Fault, type ReceivedRequest, type Reply } from './fake-server';
import { TEST_PNG } from './x-api';

export interface LinkedInFault extends Fault {
  /** Answer this HTTP status with LinkedIn's error body. */
  status?: number;
  code?: string;
  message?: string;
  /** On the OAuth token endpoint: answer this OAuth error ({error, error_description: message}) with `status` (400 unless given). */
  oauthError?: string;
}

export interface LinkedInPost {
  urn: string;
  author: string;
  /** The commentary exactly as sent (little text). */
  commentary: string;
  /** What a reader sees: little text read back, cut off at the first unescaped reserved character, as LinkedIn does. */
  shownText: string;
  imageUrns: string[];
  /** Each image's altText as the post gave it (content.media.altText or content.multiImage.images[].altText), null when none. */
  altTexts: (string | null)[];
  postedWith: string;
}

export interface LinkedInImage {
  urn: string;
  owner: string;
  uploadToken: string;
  bytes?: Buffer;
  contentType?: string;
}

interface Member {
  id: string;
  name: string;
  /** Organizations this member administers. */
  administers: Set<string>;
}

interface AppClient {
  clientId: string;
  clientSecret: string;
}

interface AuthorizationCode {
  memberId: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  used: boolean;
  expiresAt: number;
}

/** What the member does on the consent page. */
export type LinkedInConsent = 'allow' | 'deny';

/** The scopes a Community Management app may ask for. */
const KNOWN_SCOPES = new Set(['openid', 'profile', 'email', 'w_member_social', 'r_organization_admin', 'w_organization_social', 'rw_organization_admin', 'r_organization_social']);
const CODE_LIFETIME_MS = 30 * 60_000;

/** The Posts API's limits on image content: altText length, images in a multiImage post. */
const ALT_TEXT_MAX = 4086;
const MULTI_IMAGE_MIN = 2;
const MULTI_IMAGE_MAX = 20;
/** What the Images API takes. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif']);

const RESERVED = new Set(['\\', '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '*', '_', '~']);
const ACTIVE_VERSIONS = new Set([LINKEDIN_VERSION]);

export class FakeLinkedInApi extends FakeServer<LinkedInFault> {
  readonly posts: LinkedInPost[] = [];
  readonly images = new Map<string, LinkedInImage>();
  readonly organizations = new Map<string, { id: string; localizedName: string; vanityName: string }>();
  /** Post creations per member per UTC day before LinkedIn's 429. */
  dailyPostLimit = 150;
  private readonly members = new Map<string, Member>();
  /** The app connect flows sign in with (registerApp), and what the browser's member does on the consent page. */
  app?: AppClient & { redirectUris: string[] };
  consent: LinkedInConsent = 'allow';
  /** The member signed in to LinkedIn in the browser (consent pages act as them). */
  signedInMember?: string;
  /** Whether the authorization code grant answers a refresh token (LinkedIn gives them to approved partners only). */
  issueRefreshTokens = true;
  private readonly tokens = new Map<string, { memberId: string; expired: boolean; scopes?: string[] }>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly refreshTokens = new Map<string, { memberId: string; client: AppClient }>();
  private readonly postsToday = new Map<string, { day: string; count: number }>();
  private readonly fixtures = new Map<string, { contentType: string; body: Buffer }>([['image.png', { contentType: 'image/png', body: TEST_PNG }]]);
  private nextId = 7_100_000_000_000_000_000n;

  static async start(): Promise<FakeLinkedInApi> {
    const fake = new FakeLinkedInApi();
    await fake.listen();
    return fake;
  }

  private constructor() {
    super();
    this.rest('POST', '/rest/posts', (request, member) => this.createPost(request, member));
    this.rest('POST', '/rest/images', (request, member) => this.initializeUpload(request, member));
    this.rest('GET', '/rest/organizations/{id}', (_request, member, params) => this.organization(member, params.id));
    this.route('PUT', '/dms-uploads/{token}', (request, params) => this.upload(request, params.token));
    this.route('GET', '/v2/userinfo', (request) => this.userinfo(request));
    this.rest('GET', '/rest/organizationAcls', (request, member) => this.organizationAcls(request, member));
    this.route('GET', '/oauth/v2/authorization', (request) => this.authorize(request));
    this.route('POST', '/oauth/v2/accessToken', (request) => this.accessToken(request));
    this.route('GET', '/fixtures/{name}', (_request, params) => this.fixture(params.name));
  }

  /** A member with a valid token (and a refresh token for the given app), administering one organization. */
  addMember(name = 'Mia Marketer'): { memberId: string; organizationId: string; accessToken: string; refreshToken: string; clientId: string; clientSecret: string } {
    const memberId = randomBytes(6).toString('base64url');
    const organizationId = String(2_414_000 + this.organizations.size);
    this.organizations.set(organizationId, { id: organizationId, localizedName: 'Holdfast Bakery', vanityName: `holdfast-bakery-${organizationId}` });
    this.members.set(memberId, { id: memberId, name, administers: new Set([organizationId]) });
    const accessToken = `AQV${randomBytes(16).toString('hex')}`;
    this.tokens.set(accessToken, { memberId, expired: false });
    const client = { clientId: `client-${randomBytes(4).toString('hex')}`, clientSecret: `secret-${randomBytes(8).toString('hex')}` };
    const refreshToken = `AQX${randomBytes(16).toString('hex')}`;
    this.refreshTokens.set(refreshToken, { memberId, client });
    return { memberId, organizationId, accessToken, refreshToken, ...client };
  }

  /** The app Holdfast is on LinkedIn (Developer portal → Auth): its client id, secret and authorized redirect URLs. */
  registerApp(redirectUris: string[]): AppClient {
    const client = { clientId: `86${randomBytes(6).toString('hex')}`, clientSecret: `WPL_AP1.${randomBytes(12).toString('base64url')}` };
    this.app = { ...client, redirectUris };
    return client;
  }

  /** Makes the member an administrator of one more organization; answers its id. */
  addOrganization(memberId: string, localizedName: string, vanityName = localizedName.toLowerCase().replace(/[^a-z0-9]+/g, '-')): string {
    const organizationId = String(2_414_000 + this.organizations.size);
    this.organizations.set(organizationId, { id: organizationId, localizedName, vanityName });
    this.members.get(memberId)!.administers.add(organizationId);
    return organizationId;
  }

  /** Every access and refresh token the fake issued, for tests that check none leaks. */
  issuedSecrets(): string[] {
    return [...this.tokens.keys(), ...this.refreshTokens.keys(), ...this.codes.keys(), ...(this.app ? [this.app.clientSecret] : [])];
  }

  /** The access token lapses: LinkedIn answers 401 EXPIRED_ACCESS_TOKEN from now on. */
  expireToken(token: string): void {
    const entry = this.tokens.get(token);
    if (entry) {
      entry.expired = true;
    }
  }

  revokeRefreshToken(token: string): void {
    this.refreshTokens.delete(token);
  }

  fixtureUrl(name = 'image.png'): string {
    return `${this.url}/fixtures/${name}`;
  }

  protected faultReply(fault: LinkedInFault): Reply | undefined {
    if (fault.oauthError !== undefined) {
      return { status: fault.status ?? 400, body: { error: fault.oauthError, error_description: fault.message ?? 'Fake OAuth error' } };
    }
    return fault.status === undefined ? undefined : restError(fault.status, fault.message ?? `Fake error ${fault.status}`, fault.code);
  }

  protected notFound(request: ReceivedRequest): Reply {
    return restError(404, `No virtual resource found for ${request.method} ${request.path}`, 'NOT_FOUND');
  }

  protected malformed(): Reply {
    return restError(400, 'Request body could not be converted to data map', 'ILLEGAL_ARGUMENT');
  }

  /** A versioned REST route: Rest.li 2.0.0, an active LinkedIn-Version, then the token, in LinkedIn's order. */
  private rest(method: string, template: string, handler: (request: ReceivedRequest, member: Member, params: Record<string, string>) => Reply): void {
    this.route(method, template, (request, params) => {
      const version = request.headers['linkedin-version'];
      if (version === undefined) {
        return restError(400, 'A version must be present. Please specify a version by adding the LinkedIn-Version header.', 'VERSION_MISSING');
      }
      if (!ACTIVE_VERSIONS.has(String(version))) {
        return restError(426, `Requested version ${String(version)} is not active`, 'NONEXISTENT_VERSION');
      }
      if (request.headers['x-restli-protocol-version'] !== '2.0.0') {
        return restError(400, 'This API requires the X-Restli-Protocol-Version: 2.0.0 header', 'ILLEGAL_ARGUMENT');
      }
      const member = this.authenticate(request);
      return 'status' in member ? member : handler(request, member, params);
    });
  }

  private authenticate(request: ReceivedRequest): Member | Reply {
    const header = request.headers.authorization ?? '';
    const entry = header.startsWith('Bearer ') ? this.tokens.get(header.slice(7)) : undefined;
    if (!entry) {
      return restError(401, 'Invalid access token', 'INVALID_ACCESS_TOKEN', 65600);
    }
    if (entry.expired) {
      return restError(401, 'The token used in the request has expired', 'EXPIRED_ACCESS_TOKEN', 65601);
    }
    return this.members.get(entry.memberId)!;
  }

  private createPost(request: ReceivedRequest, member: Member): Reply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const missing = ['author', 'commentary', 'visibility', 'distribution', 'lifecycleState'].filter((field) => body[field] === undefined);
    if (missing.length > 0) {
      return restError(422, missing.map((field) => `ERROR :: /${field} :: field is required but not found and has no default value\n`).join(''));
    }
    const author = String(body.author);
    if (!this.mayPostAs(member, author)) {
      return restError(403, `Not enough permissions to access: partnerApiPostsExternal.CREATE.${LINKEDIN_VERSION}`, 'ACCESS_DENIED', 100);
    }
    const media = readImageContent(body.content);
    if (typeof media === 'string') {
      return restError(422, media);
    }
    const imageUrns = media.map((image) => image.id);
    const unusable = imageUrns.find((urn) => this.images.get(urn)?.owner !== author || !this.images.get(urn)?.bytes);
    if (unusable) {
      return restError(400, `Image ${unusable} was not uploaded by the author or its upload is not complete`, 'ILLEGAL_ARGUMENT');
    }
    const commentary = String(body.commentary);
    const duplicate = this.posts.find((post) => post.author === author && post.commentary === commentary && commentary !== '');
    if (duplicate) {
      return restError(422, `Content is a duplicate of ${duplicate.urn}`);
    }
    const day = new Date().toISOString().slice(0, 10);
    const today = this.postsToday.get(member.id);
    const count = today?.day === day ? today.count : 0;
    if (count >= this.dailyPostLimit) {
      // LinkedIn's daily throttle: a 429 with no header saying when it resets (midnight UTC).
      return restError(429, 'Resource level throttle MEMBER DAY limit for calls to this resource is reached.', 'TOO_MANY_REQUESTS', 101);
    }
    this.postsToday.set(member.id, { day, count: count + 1 });
    const urn = `urn:li:share:${this.newId()}`;
    this.posts.push({ urn, author, commentary, shownText: readLittleText(commentary), imageUrns, altTexts: media.map((image) => image.altText), postedWith: String(request.headers.authorization) });
    return { status: 201, headers: { 'x-restli-id': urn, 'x-linkedin-id': urn } };
  }

  private initializeUpload(request: ReceivedRequest, member: Member): Reply {
    if (request.query.get('action') !== 'initializeUpload') {
      return restError(400, 'Unsupported action; expected action=initializeUpload', 'ILLEGAL_ARGUMENT');
    }
    const owner = ((request.body ?? {}) as { initializeUploadRequest?: { owner?: string } }).initializeUploadRequest?.owner;
    if (!owner || !this.mayPostAs(member, owner)) {
      return restError(403, `Not enough permissions to access: images.ACTION.${LINKEDIN_VERSION}`, 'ACCESS_DENIED', 100);
    }
    const image = { urn: `urn:li:image:C4D${randomBytes(9).toString('base64url')}`, owner, uploadToken: randomBytes(12).toString('hex') };
    this.images.set(image.urn, image);
    return {
      status: 200,
      body: { value: { uploadUrlExpiresAt: Date.now() + 86_400_000, uploadUrl: `${this.url}/dms-uploads/${image.uploadToken}`, image: image.urn } },
    };
  }

  private upload(request: ReceivedRequest, token: string): Reply {
    const image = [...this.images.values()].find((candidate) => candidate.uploadToken === token);
    if (!image || image.bytes) {
      return restError(400, 'The upload URL is not valid or was already used', 'ILLEGAL_ARGUMENT');
    }
    if (!this.tokens.has((request.headers.authorization ?? '').slice(7))) {
      return restError(401, 'Invalid access token', 'INVALID_ACCESS_TOKEN', 65600);
    }
    const bytes = Buffer.isBuffer(request.body) ? request.body : request.rawBody;
    const contentType = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const sniffed = imageTypeOf(bytes);
    // LinkedIn processes the upload as the image it is: bytes that are no JPEG, PNG or GIF, or that say another type, are refused.
    if (!sniffed || !IMAGE_TYPES.has(contentType) || sniffed !== contentType) {
      return restError(400, `The uploaded file is not a valid ${contentType || 'image'} (its content is ${sniffed ?? 'not an image LinkedIn takes'})`, 'ILLEGAL_ARGUMENT');
    }
    image.bytes = bytes;
    image.contentType = contentType;
    return { status: 201 };
  }

  private organization(member: Member, id: string): Reply {
    const organization = this.organizations.get(id);
    if (!organization || !member.administers.has(id)) {
      return restError(403, `Not enough permissions to access: organizations.GET.${LINKEDIN_VERSION}`, 'ACCESS_DENIED', 100);
    }
    return { status: 200, body: { id: Number(organization.id), localizedName: organization.localizedName, vanityName: organization.vanityName } };
  }

  /** OpenID Connect userinfo: unversioned, like the rest of /v2. */
  private userinfo(request: ReceivedRequest): Reply {
    const member = this.authenticate(request);
    if ('status' in member) {
      return member;
    }
    return { status: 200, body: { sub: member.id, name: member.name, given_name: member.name.split(' ')[0], email_verified: true, locale: { country: 'US', language: 'en' } } };
  }

  /** GET /rest/organizationAcls?q=roleAssignee: the member's roles on organizations (r_organization_admin). */
  private organizationAcls(request: ReceivedRequest, member: Member): Reply {
    const scopes = this.tokens.get((request.headers.authorization ?? '').slice(7))?.scopes;
    if (scopes && !scopes.includes('r_organization_admin') && !scopes.includes('rw_organization_admin')) {
      return restError(403, `Not enough permissions to access: organizationAcls.FINDER-roleAssignee.${LINKEDIN_VERSION}`, 'ACCESS_DENIED', 100);
    }
    if (request.query.get('q') !== 'roleAssignee') {
      return restError(400, 'Invalid query parameters passed to request', 'ILLEGAL_ARGUMENT');
    }
    const role = request.query.get('role');
    const state = request.query.get('state');
    const all = [...member.administers]
      .map((id) => ({ roleAssignee: `urn:li:person:${member.id}`, state: 'APPROVED', role: 'ADMINISTRATOR', organization: `urn:li:organization:${id}` }))
      .filter((acl) => (role === null || acl.role === role) && (state === null || acl.state === state));
    const start = Number(request.query.get('start') ?? 0);
    const count = Number(request.query.get('count') ?? 10);
    return { status: 200, body: { paging: { start, count, total: all.length, links: [] }, elements: all.slice(start, start + count) } };
  }

  /** The consent page: a signed-in member allows (302 with code and state) or cancels (302 with error and state). */
  private authorize(request: ReceivedRequest): Reply {
    const query = request.query;
    const page = (status: number, text: string): Reply => ({ status, body: Buffer.from(`<html><body>${text}</body></html>`), headers: { 'content-type': 'text/html' } });
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!this.app || query.get('client_id') !== this.app.clientId) {
      return page(400, 'invalid_client_id: The passed in client_id is invalid');
    }
    if (!this.app.redirectUris.includes(redirectUri)) {
      return page(400, 'invalid_redirect_uri: The redirect_uri does not match the registered value');
    }
    const back = (params: Record<string, string>): Reply => {
      const url = new URL(redirectUri);
      for (const [key, value] of Object.entries(params)) {
        url.searchParams.set(key, value);
      }
      return { status: 302, headers: { location: url.toString() } };
    };
    const state = query.get('state') ?? undefined;
    const withState = (params: Record<string, string>): Record<string, string> => (state === undefined ? params : { ...params, state });
    if (query.get('response_type') !== 'code') {
      return back(withState({ error: 'invalid_request', error_description: 'The response_type must be code' }));
    }
    const scopes = (query.get('scope') ?? '').split(/[\s,]+/).filter(Boolean);
    const unknown = scopes.filter((scope) => !KNOWN_SCOPES.has(scope));
    if (scopes.length === 0 || unknown.length > 0) {
      return back(withState({ error: 'unauthorized_scope_error', error_description: `Scope "${unknown[0] ?? ''}" is not authorized for your application` }));
    }
    if (this.consent === 'deny') {
      return back(withState({ error: 'user_cancelled_authorize', error_description: 'The user cancelled the authorization' }));
    }
    const memberId = this.signedInMember ?? [...this.members.keys()][0];
    const code = `AQT${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, { memberId, clientId: this.app.clientId, redirectUri, scopes, used: false, expiresAt: Date.now() + CODE_LIFETIME_MS });
    return back(withState({ code }));
  }

  /** POST /oauth/v2/accessToken: the authorization_code and refresh_token grants, form-encoded. */
  private accessToken(request: ReceivedRequest): Reply {
    const form = (request.body ?? {}) as Record<string, string>;
    if (String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded') && form.grant_type === 'authorization_code') {
      return this.exchangeCode(form);
    }
    return this.refresh(request);
  }

  private exchangeCode(form: Record<string, string>): Reply {
    const oauthError = (status: number, error: string, description: string): Reply => ({ status, body: { error, error_description: description } });
    const missing = ['code', 'redirect_uri', 'client_id', 'client_secret'].find((field) => !form[field]);
    if (missing) {
      return oauthError(400, 'invalid_request', `A required parameter "${missing}" is missing`);
    }
    if (!this.app || form.client_id !== this.app.clientId || form.client_secret !== this.app.clientSecret) {
      return oauthError(401, 'invalid_client', 'Client authentication failed');
    }
    const grant = this.codes.get(form.code);
    if (!grant || grant.used || grant.expiresAt <= Date.now() || grant.clientId !== form.client_id || grant.redirectUri !== form.redirect_uri) {
      return oauthError(
        400,
        'invalid_request',
        'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists',
      );
    }
    grant.used = true;
    const accessToken = `AQV${randomBytes(16).toString('hex')}`;
    this.tokens.set(accessToken, { memberId: grant.memberId, expired: false, scopes: grant.scopes });
    const body: Record<string, unknown> = { access_token: accessToken, expires_in: 5_184_000, scope: grant.scopes.join(',') };
    if (this.issueRefreshTokens) {
      const refreshToken = `AQX${randomBytes(16).toString('hex')}`;
      this.refreshTokens.set(refreshToken, { memberId: grant.memberId, client: { clientId: this.app.clientId, clientSecret: this.app.clientSecret } });
      Object.assign(body, { refresh_token: refreshToken, refresh_token_expires_in: 31_536_000 });
    }
    return { status: 200, body };
  }

  /** The refresh_token grant as LinkedIn documents it: form body with client_id and client_secret. */
  private refresh(request: ReceivedRequest): Reply {
    const form = (request.body ?? {}) as Record<string, string>;
    const oauthError = (error: string, description: string): Reply => ({ status: 400, body: { error, error_description: description } });
    if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded') || form.grant_type !== 'refresh_token') {
      return oauthError('invalid_request', 'A required parameter "grant_type" is missing or not refresh_token or authorization_code');
    }
    const grant = this.refreshTokens.get(form.refresh_token ?? '');
    if (!grant) {
      return oauthError('invalid_grant', 'The provided authorization grant or refresh token is invalid, expired or revoked.');
    }
    if (form.client_id !== grant.client.clientId || form.client_secret !== grant.client.clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    }
    const accessToken = `AQV${randomBytes(16).toString('hex')}`;
    this.tokens.set(accessToken, { memberId: grant.memberId, expired: false });
    // LinkedIn keeps the refresh token (its lifetime does not restart): the same one comes back.
    return { status: 200, body: { access_token: accessToken, expires_in: 5_184_000, refresh_token: form.refresh_token, refresh_token_expires_in: 31_536_000 } };
  }

  private mayPostAs(member: Member, author: string): boolean {
    const [, kind, id] = /^urn:li:(person|organization):(.+)$/.exec(author) ?? [];
    return (kind === 'person' && id === member.id) || (kind === 'organization' && member.administers.has(id));
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

/**
 * The post's image content as the Posts API documents it: `content.media {id, altText?}` for one image,
 * `content.multiImage.images [{id, altText?}]` for 2 to 20; a message (LinkedIn's 422) when it is neither.
 */
function readImageContent(raw: unknown): { id: string; altText: string | null }[] | string {
  if (raw === undefined) {
    return [];
  }
  const content = (typeof raw === 'object' && raw !== null ? raw : {}) as { media?: unknown; multiImage?: { images?: unknown } };
  if (content.media !== undefined && content.multiImage !== undefined) {
    return 'ERROR :: /content :: a post has one kind of content: media or multiImage, not both\n';
  }
  const images: unknown[] = content.media !== undefined ? [content.media] : Array.isArray(content.multiImage?.images) ? content.multiImage.images : [];
  if (content.multiImage !== undefined && (images.length < MULTI_IMAGE_MIN || images.length > MULTI_IMAGE_MAX)) {
    return `ERROR :: /content/multiImage/images :: a multiImage post takes ${MULTI_IMAGE_MIN} to ${MULTI_IMAGE_MAX} images, not ${images.length}\n`;
  }
  if (images.length === 0) {
    return 'ERROR :: /content :: no media in content\n';
  }
  const read: { id: string; altText: string | null }[] = [];
  for (const image of images) {
    const { id, altText, ...rest } = (typeof image === 'object' && image !== null ? image : {}) as Record<string, unknown>;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) {
      return `ERROR :: /content/${unknown} :: unrecognized field found but type schema disallows unrecognized fields\n`;
    }
    if (typeof id !== 'string' || !id.startsWith('urn:li:image:')) {
      return 'ERROR :: /content/id :: field is required and must be an image URN\n';
    }
    if (altText !== undefined && (typeof altText !== 'string' || [...altText].length > ALT_TEXT_MAX)) {
      return `ERROR :: /content/altText :: length must be at most ${ALT_TEXT_MAX} characters\n`;
    }
    read.push({ id, altText: altText ?? null });
  }
  return read;
}

/** What an uploaded file is, by its first bytes: JPEG, PNG or GIF (what the Images API takes), or WebP (which it does not). */
function imageTypeOf(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return 'image/png';
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return 'image/jpeg';
  }
  if (bytes.subarray(0, 6).toString('latin1') === 'GIF87a' || bytes.subarray(0, 6).toString('latin1') === 'GIF89a') {
    return 'image/gif';
  }
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') {
    return 'image/webp';
  }
  return undefined;
}

/** LinkedIn's REST error body: {status, serviceErrorCode?, code?, message}. */
function restError(status: number, message: string, code?: string, serviceErrorCode?: number): Reply {
  return { status, body: { status, ...(serviceErrorCode !== undefined ? { serviceErrorCode } : {}), ...(code ? { code } : {}), message } };
}

/**
 * Reads little text back as a reader sees it: escapes resolve to their character, {hashtag|\#|tag}
 * shows as #tag, and an unescaped reserved character ends the text (LinkedIn drops what follows).
 */
export function readLittleText(commentary: string): string {
  let shown = '';
  for (let i = 0; i < commentary.length; i++) {
    const character = commentary[i];
    if (character === '\\' && i + 1 < commentary.length) {
      shown += commentary[++i];
      continue;
    }
    const hashtag = /^\{hashtag\|\\?[#＃]\|([^}]+)\}/u.exec(commentary.slice(i));
    if (hashtag) {
      shown += `#${hashtag[1]}`;
      i += hashtag[0].length - 1;
      continue;
    }
    if (RESERVED.has(character)) {
      return shown;
    }
    shown += character;
  }
  return shown;
}
