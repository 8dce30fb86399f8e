// A local X API v2 for tests: posts, chunked media upload, users/me and token refresh, checked against X's OpenAPI document.
import { join } from 'node:path';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { FakeServer, type Fault, type ReceivedRequest, type Reply } from './fake-server';
import { OpenApiValidator } from './openapi-validator';

/** The document X's own SDK generator pins (MIT; see specs/README.md), copied here so a clean checkout has it. */
export const X_API_SPEC = join(__dirname, 'specs', 'x-api-v2.openapi.json');
const PROBLEMS = 'https://api.x.com/2/problems/';
const WINDOW_MS = 15 * 60 * 1000;
const TOKEN_LIFETIME_S = 7200;
const OAUTH1_CLOCK_SKEW_S = 300;
/** A 1×1 PNG: the smallest real image, so content-type and upload checks see genuine bytes. */
export const TEST_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

export interface XFault extends Fault {
  /** Answer with this HTTP status and a problem+json body (429 also sets the rate-limit headers). */
  status?: number;
  detail?: string;
  /** The problem type; by default X's for the status (invalid-request, rate-limit-exceeded, about:blank). */
  type?: string;
  /** For 429: x-rate-limit-reset, in epoch seconds. */
  reset?: number;
  /** Answer X's duplicate-content 403. */
  duplicate?: boolean;
}

export interface OAuth1Keys {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
}

export interface CreatedTweet {
  id: string;
  text: string;
  mediaIds: string[];
  /** 'Bearer <token>' or 'OAuth1 <access token>': who posted it. */
  postedWith: string;
}

export interface MediaUpload {
  id: string;
  mediaType: string;
  totalBytes: number;
  segments: Map<number, Buffer>;
  /** The assembled bytes, once finalized. */
  bytes?: Buffer;
  /** Set by POST /2/media/metadata. */
  altText?: string;
  /** STATUS polls still to come before the upload is ready. */
  pollsLeft: number;
}

export interface XUser {
  id: string;
  name: string;
  username: string;
}

interface OAuth2Client {
  clientId: string;
  clientSecret?: string;
}

const TITLES: Record<number, string> = {
  400: 'Invalid Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
const DUPLICATE_DETAIL = 'You are not allowed to create a Tweet with duplicate content.';

export class FakeXApi extends FakeServer<XFault> {
  /** Posts created, in order. */
  readonly tweets: CreatedTweet[] = [];
  readonly uploads = new Map<string, MediaUpload>();
  readonly user: XUser = { id: '1500000000000000001', name: 'Holdfast Test', username: 'holdfast_test' };
  /** STATUS polls an upload needs before it is ready (the last answers succeeded); 0: ready at finalize, as images usually are. */
  mediaProcessingPolls = 0;
  /** Requests per route per 15-minute window before X's 429. */
  rateLimit = 300;
  private readonly validator = OpenApiValidator.forFile(X_API_SPEC);
  private readonly bearerTokens = new Set<string>();
  private readonly oauth1ByToken = new Map<string, OAuth1Keys>();
  private readonly refreshTokens = new Map<string, OAuth2Client>();
  private readonly seenNonces = new Set<string>();
  private readonly windows = new Map<string, { remaining: number; reset: number }>();
  private readonly fixtures = new Map<string, { contentType: string; body: Buffer }>([
    ['image.png', { contentType: 'image/png', body: TEST_PNG }],
  ]);
  private nextId = 1_900_000_000_000_000_000n;
  /** The OAuth 2.0 apps registered in the developer portal, by client id. */
  private readonly apps = new Map<string, { clientSecret?: string; redirectUris: string[] }>();
  /** Codes the consent screen handed out: single use, bound to the client, redirect URI and PKCE challenge. */
  private readonly codes = new Map<string, { clientId: string; redirectUri: string; challenge: string; scope: string; user: XUser }>();
  private readonly userByBearer = new Map<string, XUser>();
  /** What the person at the consent screen does: approve, or cancel (error=access_denied). */
  consent: 'approve' | 'deny' = 'approve';
  /** Who is signed in to X at the consent screen; `user` unless a test signs in someone else. */
  signedInUser?: XUser;
  /** Scopes the person grants; all asked for unless set. */
  grantedScopes?: string[];

  static async start(): Promise<FakeXApi> {
    const fake = new FakeXApi();
    await fake.listen();
    return fake;
  }

  private constructor() {
    super();
    this.api('POST', '/2/tweets', (request, caller) => this.createTweet(request, caller));
    this.api('POST', '/2/media/upload/initialize', (request) => this.initializeUpload(request));
    this.api('POST', '/2/media/upload/{id}/append', (request, _caller, params) => this.appendUpload(request, params.id));
    this.api('POST', '/2/media/upload/{id}/finalize', (_request, _caller, params) => this.finalizeUpload(params.id));
    this.api('GET', '/2/media/upload', (request) => this.uploadStatus(request));
    this.api('POST', '/2/media/metadata', (request) => this.mediaMetadata(request));
    this.api('GET', '/2/users/me', (_request, caller) => ({ status: 200, body: { data: this.userByBearer.get(caller.slice(7)) ?? this.user } }));
    this.route('POST', '/2/oauth2/token', (request) => (form(request).grant_type === 'authorization_code' ? this.authorizationCode(request) : this.refreshToken(request)));
    this.route('GET', '/i/oauth2/authorize', (request) => this.authorize(request));
    this.route('GET', '/fixtures/{name}', (_request, params) => this.fixture(params.name));
  }

  /** Registers an OAuth 2.0 app (client id, secret for confidential clients, callback URLs), as the developer portal does. */
  registerApp(app: { clientId: string; clientSecret?: string; redirectUris: string[] }): void {
    this.apps.set(app.clientId, { clientSecret: app.clientSecret, redirectUris: app.redirectUris });
  }

  /** Makes `token` a valid OAuth 2.0 user access token. */
  allowBearer(token: string): void {
    this.bearerTokens.add(token);
  }

  allowOAuth1(keys: OAuth1Keys): void {
    this.oauth1ByToken.set(keys.accessToken, keys);
  }

  /** Makes `refreshToken` redeemable once (X rotates them) by the given client. */
  allowRefresh(refreshToken: string, client: OAuth2Client): void {
    this.refreshTokens.set(refreshToken, client);
  }

  /**
   * Redeems `refreshToken` as another client holding it would (X rotates: it is dead afterwards), and
   * answers the new pair; for tests where something outside the service rotates a channel's token.
   */
  redeem(refreshToken: string): { accessToken: string; refreshToken: string } {
    const client = this.refreshTokens.get(refreshToken);
    if (!client) {
      throw new Error('The fake X holds no such refresh token');
    }
    this.refreshTokens.delete(refreshToken);
    const next = { accessToken: token('at'), refreshToken: token('rt') };
    this.allowBearer(next.accessToken);
    this.allowRefresh(next.refreshToken, client);
    return next;
  }

  /** Whether X accepts `token` as a user access token now. */
  acceptsBearer(token: string): boolean {
    return this.bearerTokens.has(token);
  }

  /** Whether `refreshToken` can still be redeemed (X's refresh tokens work once). */
  holdsRefreshToken(refreshToken: string): boolean {
    return this.refreshTokens.has(refreshToken);
  }

  /** Fresh, valid channel credentials (the shape channels/platform-credentials.ts accepts). */
  oauth2Credentials(overrides: Record<string, string> = {}): Record<string, string> {
    const credentials = {
      authType: 'oauth2',
      accessToken: token('at'),
      refreshToken: token('rt'),
      clientId: token('client'),
      clientSecret: token('secret'),
      expiresAt: new Date(Date.now() + TOKEN_LIFETIME_S * 1000).toISOString(),
    };
    this.allowBearer(credentials.accessToken);
    this.allowRefresh(credentials.refreshToken, { clientId: credentials.clientId, clientSecret: credentials.clientSecret });
    return { ...credentials, ...overrides };
  }

  oauth1Credentials(): Record<string, string> {
    const keys = { appKey: token('ck'), appSecret: token('cs'), accessToken: token('at1'), accessSecret: token('as') };
    this.allowOAuth1(keys);
    return { authType: 'oauth1', ...keys };
  }

  /** Serves `body` at GET /fixtures/<name>; returns its URL. */
  addFixture(name: string, contentType: string, body: Buffer): string {
    this.fixtures.set(name, { contentType, body });
    return this.fixtureUrl(name);
  }

  fixtureUrl(name = 'image.png'): string {
    return `${this.url}/fixtures/${name}`;
  }

  protected faultReply(fault: XFault, request: ReceivedRequest): Reply | undefined {
    if (fault.duplicate) {
      return problem(403, DUPLICATE_DETAIL, fault.type);
    }
    if (fault.status === undefined) {
      return undefined;
    }
    const reply = problem(fault.status, fault.detail, fault.type);
    if (fault.status === 429) {
      const reset = fault.reset ?? this.window(request.route ?? request.path).reset;
      reply.headers = { ...reply.headers, 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) };
    }
    return reply;
  }

  protected notFound(): Reply {
    return problem(404, 'Sorry, that page does not exist');
  }

  protected malformed(_request: ReceivedRequest, why: string): Reply {
    return invalidRequest([why]);
  }

  /** X sends its rate-limit headers on every API answer. */
  protected override decorate(reply: Reply, request: ReceivedRequest): Reply {
    if (!request.path.startsWith('/2/')) {
      return reply;
    }
    const window = this.window(request.route ?? request.path);
    const headers = {
      'x-rate-limit-limit': String(this.rateLimit),
      'x-rate-limit-remaining': String(window.remaining),
      'x-rate-limit-reset': String(window.reset),
    };
    return { ...reply, headers: { ...headers, ...reply.headers } };
  }

  /** An X API route: authenticated, rate-limited, and its body checked against the spec, in X's order. */
  private api(
    method: string,
    template: string,
    handler: (request: ReceivedRequest, caller: string, params: Record<string, string>) => Reply,
  ): void {
    this.route(method, template, (request, params) => {
      const caller = this.authenticate(request);
      if (!caller) {
        return problem(401, 'Unauthorized');
      }
      const window = this.window(`${method} ${template}`);
      if (window.remaining === 0) {
        return problem(429, 'Too Many Requests');
      }
      window.remaining--;
      if (!this.validator.acceptsBody(method, template) && (request.rawBody.length > 0 || request.headers['content-type'] !== undefined)) {
        return problem(415, `${method} ${template} takes no request body`);
      }
      const errors = this.validator.bodyErrors(method, template, String(request.headers['content-type'] ?? ''), request.body);
      return errors.length > 0 ? invalidRequest(errors) : handler(request, caller, params);
    });
  }

  /** POST /2/media/metadata: alt text on an uploaded (finalized) media id. */
  private mediaMetadata(request: ReceivedRequest): Reply {
    const body = request.body as { id: string; metadata?: { alt_text?: { text: string } } };
    const upload = this.uploads.get(body.id);
    if (!upload?.bytes) {
      return invalidRequest([`media id ${body.id} is not an uploaded media`]);
    }
    if (body.metadata?.alt_text) {
      upload.altText = body.metadata.alt_text.text;
    }
    return { status: 200, body: { data: { id: body.id, associated_metadata: body.metadata ?? {} } } };
  }

  private createTweet(request: ReceivedRequest, caller: string): Reply {
    const body = request.body as { text?: string; media?: { media_ids: string[] } } | undefined;
    const text = body?.text ?? '';
    const mediaIds = body?.media?.media_ids ?? [];
    if (text === '' && mediaIds.length === 0) {
      return invalidRequest(['$ text or media is required']);
    }
    if (mediaIds.some((id) => !this.isReady(id))) {
      return invalidRequest(['Your media IDs are invalid.']);
    }
    if (text !== '' && this.tweets.some((tweet) => tweet.text === text)) {
      return problem(403, DUPLICATE_DETAIL);
    }
    const tweet = { id: this.newId(), text, mediaIds, postedWith: caller };
    this.tweets.push(tweet);
    return { status: 201, body: { data: { id: tweet.id, text: tweet.text } } };
  }

  private initializeUpload(request: ReceivedRequest): Reply {
    const body = request.body as { media_type?: string; total_bytes?: number };
    if (body.media_type === undefined || body.total_bytes === undefined) {
      return invalidRequest(['$ media_type and total_bytes are required']);
    }
    const id = this.newId();
    this.uploads.set(id, { id, mediaType: body.media_type, totalBytes: body.total_bytes, segments: new Map(), pollsLeft: 0 });
    return { status: 200, body: { data: { id, media_key: `3_${id}`, expires_after_secs: 86_400 } } };
  }

  private appendUpload(request: ReceivedRequest, id: string): Reply {
    const upload = this.uploads.get(id);
    if (!upload || upload.bytes) {
      return invalidRequest([`media_id ${id} is not an upload in progress`]);
    }
    const { segment_index: index, media } = request.body as { segment_index: string; media: Buffer | string };
    upload.segments.set(Number(index), Buffer.isBuffer(media) ? media : Buffer.from(media, 'base64'));
    return { status: 200, body: { data: { expires_at: Math.floor(Date.now() / 1000) + 86_400 } } };
  }

  private finalizeUpload(id: string): Reply {
    const upload = this.uploads.get(id);
    if (!upload || upload.bytes) {
      return invalidRequest([`media_id ${id} is not an upload in progress`]);
    }
    const indexes = [...upload.segments.keys()].sort((a, b) => a - b);
    const bytes = Buffer.concat(indexes.map((index) => upload.segments.get(index)!));
    if (indexes.some((index, position) => index !== position) || bytes.length !== upload.totalBytes) {
      return invalidRequest(['Segments do not add up to provided total file size.']);
    }
    upload.bytes = bytes;
    upload.pollsLeft = this.mediaProcessingPolls;
    // Like X for images: no processing_info at all when there is nothing to wait for.
    const processing = upload.pollsLeft > 0 ? { processing_info: { state: 'pending', check_after_secs: 1 } } : {};
    return { status: 200, body: { data: { ...mediaData(upload), ...processing } } };
  }

  private uploadStatus(request: ReceivedRequest): Reply {
    const upload = this.uploads.get(request.query.get('media_id') ?? '');
    if (request.query.get('command') !== 'STATUS' || !upload?.bytes) {
      return invalidRequest(['media_id must name a finalized upload and command must be STATUS']);
    }
    upload.pollsLeft = Math.max(0, upload.pollsLeft - 1);
    const processing_info =
      upload.pollsLeft > 0
        ? { state: 'in_progress', check_after_secs: 1, progress_percent: 50 }
        : { state: 'succeeded', progress_percent: 100 };
    return { status: 200, body: { data: { ...mediaData(upload), processing_info } } };
  }

  private isReady(mediaId: string): boolean {
    const upload = this.uploads.get(mediaId);
    return upload?.bytes !== undefined && upload.pollsLeft === 0;
  }

  /**
   * X's consent screen (GET https://x.com/i/oauth2/authorize): checks the request as X does, then the person
   * approves or cancels and the browser is sent to the redirect URI with the code or the error, and the state.
   */
  private authorize(request: ReceivedRequest): Reply {
    const q = request.query;
    const app = this.apps.get(q.get('client_id') ?? '');
    const redirectUri = q.get('redirect_uri') ?? '';
    const refuse = (why: string): Reply => ({ status: 400, headers: { 'content-type': 'text/html' }, body: Buffer.from(`<p>Something went wrong: ${why}</p>`) });
    if (!app) {
      return refuse('unknown client_id');
    }
    if (!app.redirectUris.includes(redirectUri)) {
      return refuse('redirect_uri is not a callback URL of the app');
    }
    if (q.get('response_type') !== 'code' || !q.get('state') || !q.get('code_challenge') || q.get('code_challenge_method') !== 'S256') {
      return refuse('response_type=code, state, code_challenge and code_challenge_method=S256 are required');
    }
    const asked = (q.get('scope') ?? '').split(' ');
    const unknown = asked.filter((scope) => !['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'].includes(scope));
    if (unknown.length > 0) {
      return refuse(`unknown scope ${unknown.join(' ')}`);
    }
    const back = new URL(redirectUri);
    back.searchParams.set('state', q.get('state')!);
    if (this.consent === 'deny') {
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = token('code');
      const scope = (this.grantedScopes ?? asked).join(' ');
      this.codes.set(code, { clientId: q.get('client_id')!, redirectUri, challenge: q.get('code_challenge')!, scope, user: this.signedInUser ?? this.user });
      back.searchParams.set('code', code);
    }
    return { status: 302, headers: { location: back.toString() } };
  }

  /** The authorization_code grant (RFC 6749 §4.1.3 with PKCE, RFC 7636): single-use code, same redirect URI, the verifier. */
  private authorizationCode(request: ReceivedRequest): Reply {
    const oauthError = (status: number, error: string, description: string): Reply => ({ status, body: { error, error_description: description } });
    if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return oauthError(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded');
    }
    const body = form(request);
    const grant = this.codes.get(body.code ?? '');
    this.codes.delete(body.code ?? '');
    if (!grant) {
      return oauthError(400, 'invalid_request', 'Value passed for the authorization code was invalid.');
    }
    const app = this.apps.get(grant.clientId)!;
    const basic = app.clientSecret
      ? `Basic ${Buffer.from(`${encodeURIComponent(grant.clientId)}:${encodeURIComponent(app.clientSecret)}`).toString('base64')}`
      : undefined;
    if (basic ? request.headers.authorization !== basic : body.client_id !== grant.clientId) {
      return oauthError(401, 'unauthorized_client', 'Missing valid authorization header');
    }
    if (body.redirect_uri !== grant.redirectUri) {
      return oauthError(400, 'invalid_request', 'Value passed for the redirect uri did not match the uri of the authorization code.');
    }
    if (createHash('sha256').update(body.code_verifier ?? '').digest('base64url') !== grant.challenge) {
      return oauthError(400, 'invalid_request', 'Value passed for the code verifier did not match the code challenge.');
    }
    const pair = { accessToken: token('at'), refreshToken: token('rt') };
    this.allowBearer(pair.accessToken);
    this.userByBearer.set(pair.accessToken, grant.user);
    const offline = grant.scope.split(' ').includes('offline.access');
    if (offline) {
      this.allowRefresh(pair.refreshToken, { clientId: grant.clientId, clientSecret: app.clientSecret });
    }
    return {
      status: 200,
      body: { token_type: 'bearer', expires_in: TOKEN_LIFETIME_S, access_token: pair.accessToken, scope: grant.scope, ...(offline ? { refresh_token: pair.refreshToken } : {}) },
    };
  }

  /** The refresh_token grant as X implements it: form body, client authentication, rotation. */
  private refreshToken(request: ReceivedRequest): Reply {
    const oauthError = (status: number, error: string, description: string): Reply => ({
      status,
      body: { error, error_description: description },
    });
    if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return oauthError(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded');
    }
    const form = (request.body ?? {}) as Record<string, string>;
    if (form.grant_type !== 'refresh_token') {
      return oauthError(400, 'unsupported_grant_type', 'Only refresh_token is supported by this fake');
    }
    const client = this.refreshTokens.get(form.refresh_token ?? '');
    if (!client) {
      return oauthError(400, 'invalid_request', 'Value passed for the token was invalid.');
    }
    const basic = client.clientSecret
      ? `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`
      : undefined;
    if (basic ? request.headers.authorization !== basic : form.client_id !== client.clientId) {
      return oauthError(401, 'unauthorized_client', 'Missing valid authorization header');
    }
    this.refreshTokens.delete(form.refresh_token);
    const next = { accessToken: token('at'), refreshToken: token('rt') };
    this.allowBearer(next.accessToken);
    this.allowRefresh(next.refreshToken, client);
    return {
      status: 200,
      body: {
        token_type: 'bearer',
        expires_in: TOKEN_LIFETIME_S,
        access_token: next.accessToken,
        scope: 'tweet.write users.read tweet.read offline.access media.write',
        refresh_token: next.refreshToken,
      },
    };
  }

  private fixture(name: string): Reply {
    const fixture = this.fixtures.get(name);
    return fixture
      ? { status: 200, body: fixture.body, headers: { 'content-type': fixture.contentType } }
      : { status: 404, body: Buffer.from('no such fixture'), headers: { 'content-type': 'text/plain' } };
  }

  /** 'Bearer <token>' or 'OAuth1 <access token>' when the Authorization header is valid. */
  private authenticate(request: ReceivedRequest): string | undefined {
    const header = request.headers.authorization ?? '';
    if (header.startsWith('Bearer ')) {
      return this.bearerTokens.has(header.slice(7)) ? header : undefined;
    }
    if (header.startsWith('OAuth ')) {
      const token = this.verifyOAuth1(request, header);
      return token ? `OAuth1 ${token}` : undefined;
    }
    return undefined;
  }

  /** Checks an OAuth 1.0a HMAC-SHA1 signature (RFC 5849 §3.4) over the URL as this server was reached. */
  private verifyOAuth1(request: ReceivedRequest, header: string): string | undefined {
    const oauth = new Map(
      [...header.slice(6).matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, decodeURIComponent(value)]),
    );
    const keys = this.oauth1ByToken.get(oauth.get('oauth_token') ?? '');
    const timestamp = Number(oauth.get('oauth_timestamp'));
    const nonce = `${oauth.get('oauth_consumer_key')}:${oauth.get('oauth_nonce')}`;
    if (
      !keys ||
      oauth.get('oauth_consumer_key') !== keys.appKey ||
      oauth.get('oauth_signature_method') !== 'HMAC-SHA1' ||
      Math.abs(Date.now() / 1000 - timestamp) > OAUTH1_CLOCK_SKEW_S ||
      this.seenNonces.has(nonce)
    ) {
      return undefined;
    }
    const form = String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')
      ? Object.entries(request.body as Record<string, string>)
      : [];
    const parameters = [...oauth.entries()].filter(([key]) => key !== 'oauth_signature');
    parameters.push(...request.query.entries(), ...form);
    const normalized = parameters
      .map(([key, value]) => [percentEncode(key), percentEncode(value)])
      .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
      .map(([key, value]) => `${key}=${value}`)
      .join('&');
    const base = [request.method, percentEncode(`${this.url}${request.path}`), percentEncode(normalized)].join('&');
    const signingKey = `${percentEncode(keys.appSecret)}&${percentEncode(keys.accessSecret)}`;
    const expected = createHmac('sha1', signingKey).update(base).digest();
    const given = Buffer.from(oauth.get('oauth_signature') ?? '', 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return undefined;
    }
    this.seenNonces.add(nonce);
    return keys.accessToken;
  }

  private window(route: string): { remaining: number; reset: number } {
    let window = this.windows.get(route);
    if (!window || window.reset * 1000 <= Date.now()) {
      window = { remaining: this.rateLimit, reset: Math.ceil((Date.now() + WINDOW_MS) / 1000) };
      this.windows.set(route, window);
    }
    return window;
  }

  private newId(): string {
    return String(this.nextId++);
  }
}

/** X's problem+json: `type` names the problem, `about:blank` when the status says it all. */
function problem(status: number, detail?: string, type?: string): Reply {
  const title = TITLES[status] ?? 'Error';
  const defaultType = status === 400 ? `${PROBLEMS}invalid-request` : status === 429 ? `${PROBLEMS}rate-limit-exceeded` : 'about:blank';
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: { title, detail: detail ?? title, type: type ?? defaultType, status },
  };
}

function mediaData(upload: MediaUpload): object {
  return { id: upload.id, media_key: `3_${upload.id}`, size: upload.totalBytes, expires_after_secs: 86_400 };
}

function invalidRequest(messages: string[]): Reply {
  const reply = problem(400, 'One or more parameters to your request was invalid.');
  return { ...reply, body: { ...(reply.body as object), errors: messages.map((message) => ({ message })) } };
}

function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function form(request: ReceivedRequest): Record<string, string> {
  return (request.body && typeof request.body === 'object' && !Buffer.isBuffer(request.body) ? request.body : {}) as Record<string, string>;
}

function token(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('base64url')}`;
}
