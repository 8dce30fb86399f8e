// A local Mastodon instance for tests: statuses with Idempotency-Key, media upload with processing, verify_credentials, rate limits; bodies checked against the Mastodon OpenAPI document.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { FakeServer, type Fault, type ReceivedRequest, type Reply } from './fake-server';
import { OpenApiValidator } from './openapi-validator';
import { TEST_PNG } from './x-api';

/** abraham/mastodon-openapi (MIT; see specs/README.md), copied here so a clean checkout has it. */
export const MASTODON_API_SPEC = join(__dirname, 'specs', 'mastodon.openapi.json');
/** Mastodon's default API limit: 300 requests per account per 5 minutes. */
const WINDOW_MS = 5 * 60 * 1000;
/** Idempotency keys are kept for an hour (app/controllers/api/v1/statuses_controller.rb). */
const IDEMPOTENCY_TTL_MS = 60 * 60 * 1000;
const TEXT_LIMIT = 500;
const URL_WEIGHT = 23;

export interface MastodonFault extends Fault {
  /** Answer with this HTTP status and Mastodon's `{error}` body (429 also sets the rate-limit headers). */
  status?: number;
  error?: string;
  /** For 429: X-RateLimit-Reset. */
  reset?: Date;
  /** Answer a proxy's HTML page instead of JSON (what a 502/503 in front of an instance looks like). */
  html?: boolean;
  /** Do what was asked (create the status), then close the connection without answering. */
  dropAfterHandling?: boolean;
}

export interface CreatedStatus {
  id: string;
  text: string | undefined;
  visibility: string;
  spoilerText: string;
  language: string | null;
  mediaIds: string[];
  idempotencyKey: string | undefined;
  /** The access token it was posted with. */
  postedWith: string;
}

export interface MediaAttachment {
  id: string;
  bytes: Buffer;
  mediaType: string;
  description: string | null;
  /** GET /api/v1/media/:id polls still answered 206 before it is processed. */
  pollsLeft: number;
  /** Whether a status already uses it (Mastodon attaches a media to one status only). */
  attached: boolean;
}

export class FakeMastodonApi extends FakeServer<MastodonFault> {
  readonly statuses: CreatedStatus[] = [];
  readonly media = new Map<string, MediaAttachment>();
  readonly account = { id: '109000000000000001', username: 'brand', acct: 'brand', display_name: 'Brand Official' };
  /** GET /api/v1/media/:id polls answered 206 before an upload is processed; 0: POST /api/v2/media answers 200 at once. */
  mediaProcessingPolls = 0;
  /** Requests per account per 5-minute window before Mastodon's 429. */
  rateLimit = 300;
  private readonly validator = OpenApiValidator.forFile(MASTODON_API_SPEC);
  private readonly tokens = new Set<string>();
  private readonly windows = new Map<string, { remaining: number; reset: number }>();
  private readonly idempotency = new Map<string, { statusId: string; at: number }>();
  /** Requests to handle in full and then leave unanswered (dropAfterHandling). */
  private readonly toDrop = new WeakSet<ReceivedRequest>();
  private readonly fixtures = new Map<string, { contentType: string; body: Buffer }>([['image.png', { contentType: 'image/png', body: TEST_PNG }]]);
  private nextId = 110_000_000_000_000_000n;
  /** Apps registered with POST /api/v1/apps, by client id. */
  readonly apps = new Map<string, { clientSecret: string; redirectUris: string[]; scopes: string[]; name: string }>();
  private readonly codes = new Map<string, { clientId: string; redirectUri: string; challenge: string | null; scope: string }>();
  /** What the person at the authorize page does: authorize, or deny (error=access_denied). */
  consent: 'approve' | 'deny' = 'approve';

  static async start(): Promise<FakeMastodonApi> {
    const fake = new FakeMastodonApi();
    await fake.listen();
    return fake;
  }

  private constructor() {
    super();
    this.api('POST', '/api/v1/statuses', (request, token) => this.createStatus(request, token));
    this.api('POST', '/api/v2/media', (request) => this.uploadMedia(request));
    this.api('GET', '/api/v1/media/{id}', (_request, _token, params) => this.mediaStatus(params.id));
    this.api('GET', '/api/v1/accounts/verify_credentials', () => ({ status: 200, body: this.accountEntity() }));
    this.route('GET', '/fixtures/{name}', (_request, params) => this.fixture(params.name));
    this.route('POST', '/api/v1/apps', (request) => this.createApp(request));
    this.route('GET', '/oauth/authorize', (request) => this.authorize(request));
    this.route('POST', '/oauth/token', (request) => this.token(request));
  }

  /** Fresh, valid channel credentials (the shape channels/platform-credentials.ts accepts). */
  credentials(): Record<string, string> {
    const accessToken = `mt-${randomBytes(16).toString('base64url')}`;
    this.tokens.add(accessToken);
    return { instanceUrl: this.url, accessToken };
  }

  /** Whether Mastodon accepts this access token now. */
  acceptsToken(accessToken: string): boolean {
    return this.tokens.has(accessToken);
  }

  /** Revokes a token, as an admin or the user can: it answers 401 from then on. */
  revoke(accessToken: string): void {
    this.tokens.delete(accessToken);
  }

  addFixture(name: string, contentType: string, body: Buffer): string {
    this.fixtures.set(name, { contentType, body });
    return this.fixtureUrl(name);
  }

  fixtureUrl(name = 'image.png'): string {
    return `${this.url}/fixtures/${name}`;
  }

  protected faultReply(fault: MastodonFault, request: ReceivedRequest): Reply | undefined {
    if (fault.dropAfterHandling) {
      this.toDrop.add(request);
      return undefined; // the route's handler runs as usual; decorate() then drops the connection
    }
    if (fault.html) {
      const status = fault.status ?? 502;
      return { status, body: Buffer.from(`<html><body><h1>${status} Bad Gateway</h1></body></html>`), headers: { 'content-type': 'text/html' } };
    }
    if (fault.status === undefined) {
      return undefined;
    }
    const reply = error(fault.status, fault.error ?? defaultError(fault.status));
    if (fault.status === 429) {
      const reset = fault.reset ?? new Date(this.window(this.tokenOf(request) ?? 'anonymous').reset);
      reply.headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset.toISOString() };
    }
    return reply;
  }

  protected notFound(): Reply {
    return error(404, 'Record not found');
  }

  protected malformed(_request: ReceivedRequest, why: string): Reply {
    return error(400, why);
  }

  /** Mastodon sends its rate-limit headers on every authenticated API answer. */
  protected override decorate(reply: Reply, request: ReceivedRequest): Reply {
    if (this.toDrop.has(request)) {
      // FakeServer answers a throwing decorate() by destroying the socket: the caller gets no answer at all.
      throw new Error('Connection dropped on purpose after the request was handled');
    }
    const token = this.tokenOf(request);
    if (!request.path.startsWith('/api/') || !token || !this.tokens.has(token)) {
      return reply;
    }
    const window = this.window(token);
    const headers = {
      'x-ratelimit-limit': String(this.rateLimit),
      'x-ratelimit-remaining': String(window.remaining),
      'x-ratelimit-reset': new Date(window.reset).toISOString(),
    };
    return { ...reply, headers: { ...headers, ...reply.headers } };
  }

  /** POST /api/v1/apps (app/controllers/api/v1/apps_controller.rb): registers a client application. */
  private createApp(request: ReceivedRequest): Reply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const redirectUris = typeof body.redirect_uris === 'string' ? body.redirect_uris.split(/\s+/) : Array.isArray(body.redirect_uris) ? (body.redirect_uris as string[]) : [];
    if (typeof body.client_name !== 'string' || body.client_name === '' || redirectUris.length === 0) {
      return error(422, "Validation failed: Application name can't be blank, Redirect URI can't be blank");
    }
    const scopes = typeof body.scopes === 'string' ? body.scopes.split(/\s+/) : ['read'];
    const clientId = randomBytes(16).toString('base64url');
    const app = { clientSecret: randomBytes(24).toString('base64url'), redirectUris, scopes, name: body.client_name };
    this.apps.set(clientId, app);
    return {
      status: 200,
      body: { id: String(this.apps.size), name: app.name, website: body.website ?? null, scopes, redirect_uris: redirectUris, redirect_uri: redirectUris.join('\n'), client_id: clientId, client_secret: app.clientSecret, vapid_key: 'BCk-fake' },
    };
  }

  /** GET /oauth/authorize (Doorkeeper): checks the client, redirect URI and scopes, then the person authorizes or denies. */
  private authorize(request: ReceivedRequest): Reply {
    const q = request.query;
    const app = this.apps.get(q.get('client_id') ?? '');
    const redirectUri = q.get('redirect_uri') ?? '';
    const page = (why: string): Reply => ({ status: 400, headers: { 'content-type': 'text/html' }, body: Buffer.from(`<h1>An error has occurred</h1><p>${why}</p>`) });
    if (!app) {
      return page('Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.');
    }
    if (!app.redirectUris.includes(redirectUri)) {
      return page('The redirect uri included is not valid.');
    }
    const scope = (q.get('scope') ?? 'read').split(/\s+/);
    if (q.get('response_type') !== 'code' || scope.some((s) => !app.scopes.includes(s))) {
      return page('The requested scope is invalid, unknown, or malformed.');
    }
    const challenge = q.get('code_challenge');
    if (challenge && q.get('code_challenge_method') !== 'S256') {
      return page('The code challenge method must be S256.');
    }
    const back = new URL(redirectUri);
    if (this.consent === 'deny') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The resource owner or authorization server denied the request.');
    } else {
      const code = randomBytes(24).toString('base64url');
      this.codes.set(code, { clientId: q.get('client_id')!, redirectUri, challenge, scope: scope.join(' ') });
      back.searchParams.set('code', code);
    }
    if (q.get('state')) {
      back.searchParams.set('state', q.get('state')!);
    }
    return { status: 302, headers: { location: back.toString() } };
  }

  /** POST /oauth/token, authorization_code grant: the app's id and secret, a single-use code, the same redirect URI, PKCE. */
  private token(request: ReceivedRequest): Reply {
    const body = (request.body ?? {}) as Record<string, string>;
    const oauth = (status: number, code: string, description: string): Reply => ({ status, body: { error: code, error_description: description } });
    const app = this.apps.get(body.client_id ?? '');
    if (!app || app.clientSecret !== body.client_secret) {
      return oauth(401, 'invalid_client', 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.');
    }
    if (body.grant_type !== 'authorization_code') {
      return oauth(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    }
    const grant = this.codes.get(body.code ?? '');
    this.codes.delete(body.code ?? '');
    const invalid = oauth(400, 'invalid_grant', 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.');
    if (!grant || grant.clientId !== body.client_id || grant.redirectUri !== body.redirect_uri) {
      return invalid;
    }
    if (grant.challenge && createHash('sha256').update(body.code_verifier ?? '').digest('base64url') !== grant.challenge) {
      return invalid;
    }
    const accessToken = `mt-${randomBytes(16).toString('base64url')}`;
    this.tokens.add(accessToken);
    return { status: 200, body: { access_token: accessToken, token_type: 'Bearer', scope: grant.scope, created_at: Math.floor(Date.now() / 1000) } };
  }

  /** A Mastodon API route: authenticated, rate-limited per account, and its body checked against the spec. */
  private api(method: string, template: string, handler: (request: ReceivedRequest, token: string, params: Record<string, string>) => Reply): void {
    this.route(method, template, (request, params) => {
      const token = this.tokenOf(request);
      if (!token || !this.tokens.has(token)) {
        return error(401, 'The access token is invalid');
      }
      const window = this.window(token);
      if (window.remaining === 0) {
        return { ...error(429, 'Too many requests'), headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': new Date(window.reset).toISOString() } };
      }
      window.remaining--;
      const errors = this.bodyErrors(method, template, request);
      return errors.length > 0 ? error(422, `Validation failed: ${errors.join('; ')}`) : handler(request, token, params);
    });
  }

  /**
   * The spec's body schema. Its POST /api/v1/statuses is a oneOf of TextStatus, MediaStatus and
   * PollStatus, which a status with both text and media matches twice (so a strict oneOf refuses it,
   * while Mastodon and the spec's own descriptions allow it): such a body is checked as a MediaStatus
   * whose `status` must be a string.
   */
  private bodyErrors(method: string, template: string, request: ReceivedRequest): string[] {
    const contentType = String(request.headers['content-type'] ?? '');
    const body = request.body as Record<string, unknown> | undefined;
    if (template === '/api/v1/statuses' && body && 'status' in body && 'media_ids' in body && !('poll' in body)) {
      const { status, ...media } = body;
      const errors = this.validator.bodyErrors(method, template, contentType, media);
      return typeof status === 'string' ? errors : [...errors, '$.status must be string'];
    }
    return this.validator.bodyErrors(method, template, contentType, body);
  }

  private createStatus(request: ReceivedRequest, token: string): Reply {
    const key = header(request.headers['idempotency-key']);
    const remembered = key ? this.idempotency.get(`${token}:${key}`) : undefined;
    if (remembered && Date.now() - remembered.at < IDEMPOTENCY_TTL_MS) {
      // The original status, not a second one: what the key is for.
      return { status: 200, body: this.statusEntity(this.statuses.find((status) => status.id === remembered.statusId)!) };
    }
    const body = request.body as { status?: string; visibility?: string; spoiler_text?: string; language?: string; media_ids?: string[] };
    const mediaIds = body.media_ids ?? [];
    if ((body.status ?? '').trim() === '' && mediaIds.length === 0) {
      return error(422, "Validation failed: Text can't be blank");
    }
    if (weightedLength(body.status ?? '') > TEXT_LIMIT) {
      return error(422, `Validation failed: Text character limit of ${TEXT_LIMIT} exceeded`);
    }
    if (mediaIds.length > 4) {
      return error(422, 'Validation failed: Media attachments Cannot attach more than 4 files');
    }
    for (const id of mediaIds) {
      const media = this.media.get(id);
      if (!media || media.attached) {
        return error(422, 'Validation failed: Media attachments is invalid');
      }
      if (media.pollsLeft > 0) {
        return error(422, 'Cannot attach files that have not finished processing. Try again in a moment!');
      }
    }
    mediaIds.forEach((id) => (this.media.get(id)!.attached = true));
    const status: CreatedStatus = {
      id: this.newId(),
      text: body.status,
      visibility: body.visibility ?? 'public',
      spoilerText: body.spoiler_text ?? '',
      language: body.language ?? null,
      mediaIds,
      idempotencyKey: key,
      postedWith: token,
    };
    this.statuses.push(status);
    if (key) {
      this.idempotency.set(`${token}:${key}`, { statusId: status.id, at: Date.now() });
    }
    return { status: 200, body: this.statusEntity(status) };
  }

  private uploadMedia(request: ReceivedRequest): Reply {
    const body = request.body as { file?: Buffer | string; description?: string };
    if (!Buffer.isBuffer(body.file)) {
      return error(422, 'Validation failed: File content type is invalid');
    }
    const mediaType = /^content-type:\s*(\S+)/im.exec(partHead(request.rawBody, 'file'))?.[1]?.toLowerCase() ?? '';
    if (!mediaType.startsWith('image/')) {
      return error(422, 'Validation failed: File content type is invalid, File is invalid');
    }
    const media: MediaAttachment = {
      id: this.newId(),
      bytes: body.file,
      mediaType,
      description: body.description ?? null,
      pollsLeft: this.mediaProcessingPolls,
      attached: false,
    };
    this.media.set(media.id, media);
    // 200 with a url when processed synchronously (images, usually); 202 with url null while processing.
    return { status: media.pollsLeft > 0 ? 202 : 200, body: this.mediaEntity(media) };
  }

  private mediaStatus(id: string): Reply {
    const media = this.media.get(id);
    if (!media) {
      return error(404, 'Record not found');
    }
    if (media.pollsLeft > 0) {
      media.pollsLeft--;
      if (media.pollsLeft > 0) {
        return { status: 206, body: this.mediaEntity(media) };
      }
    }
    return { status: 200, body: this.mediaEntity(media) };
  }

  private accountEntity(): object {
    return {
      ...this.account,
      url: `${this.url}/@${this.account.username}`,
      locked: false,
      bot: false,
      created_at: '2024-01-01T00:00:00.000Z',
      note: '',
      avatar: `${this.url}/avatars/original/missing.png`,
      followers_count: 0,
      following_count: 0,
      statuses_count: this.statuses.length,
      source: { privacy: 'public', sensitive: false, language: 'en', note: '', fields: [] },
    };
  }

  private statusEntity(status: CreatedStatus): object {
    return {
      id: status.id,
      uri: `${this.url}/users/${this.account.username}/statuses/${status.id}`,
      url: `${this.url}/@${this.account.username}/${status.id}`,
      created_at: new Date().toISOString(),
      content: `<p>${escapeHtml(status.text ?? '')}</p>`,
      visibility: status.visibility,
      sensitive: status.spoilerText !== '',
      spoiler_text: status.spoilerText,
      media_attachments: status.mediaIds.map((id) => this.mediaEntity(this.media.get(id)!)),
      mentions: [],
      tags: [],
      emojis: [],
      reblogs_count: 0,
      favourites_count: 0,
      replies_count: 0,
      account: this.accountEntity(),
    };
  }

  private mediaEntity(media: MediaAttachment): object {
    const processed = media.pollsLeft === 0;
    return {
      id: media.id,
      type: 'image',
      url: processed ? `${this.url}/system/media_attachments/${media.id}/original.png` : null,
      preview_url: `${this.url}/system/media_attachments/${media.id}/small.png`,
      remote_url: null,
      description: media.description,
      blurhash: null,
    };
  }

  /** The window of the account behind `token`, renewed when it has passed. */
  private window(token: string): { remaining: number; reset: number } {
    let window = this.windows.get(token);
    if (!window || window.reset <= Date.now()) {
      window = { remaining: this.rateLimit, reset: Date.now() + WINDOW_MS };
      this.windows.set(token, window);
    }
    return window;
  }

  private tokenOf(request: ReceivedRequest): string | undefined {
    const authorization = request.headers.authorization ?? '';
    return authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined;
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

function error(status: number, message: string): Reply {
  return { status, body: { error: message } };
}

function defaultError(status: number): string {
  const messages: Record<number, string> = {
    401: 'The access token is invalid',
    403: 'This action is not allowed',
    404: 'Record not found',
    410: 'Gone',
    422: 'Validation failed',
    429: 'Too many requests',
    500: 'We\u2019re sorry, but something went wrong on our end.',
    503: 'Service Unavailable',
  };
  return messages[status] ?? `HTTP ${status}`;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The head of a multipart part, to read the Content-Type Mastodon checks the file by. */
function partHead(raw: Buffer, name: string): string {
  const text = raw.toString('latin1');
  const at = text.indexOf(`name="${name}"`);
  return at < 0 ? '' : text.slice(at, text.indexOf('\r\n\r\n', at));
}

function weightedLength(text: string): number {
  return [...text.replace(/https?:\/\/\S+/g, 'x'.repeat(URL_WEIGHT))].length;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
