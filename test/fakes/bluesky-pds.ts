// A local AT Protocol PDS for tests: app-password sessions with refresh, handle resolution, blob upload and app.bsky.feed.post records checked against the lexicon, facets byte by byte.
// It also plays the PLC directory (GET /<did>) and a did:web host (GET /.well-known/did.json), so one fake can be BLUESKY_SERVICE_URL, BLUESKY_PLC_URL and the PDS.
import { jsonToLex, lexicons } from '@atproto/api';
import { createHash, randomBytes } from 'node:crypto';
import { FakeServer, type Fault, type ReceivedRequest, type Reply } from './fake-server';
import { TEST_PNG } from './x-api';

/** The main service's write budget: 5,000 points an hour; creating a record costs 3. */
const POINTS_PER_HOUR = 5000;
const CREATE_COST = 3;
const MAX_GRAPHEMES = 300;
const MAX_TEXT_BYTES = 3000;
const MAX_BLOB_BYTES = 1_000_000;
const BASE32_SORTABLE = '234567abcdefghijklmnopqrstuvwxyz';

export interface BlueskyFault extends Fault {
  /** Answer `{error, message}` with this status (429 also sets the rate-limit headers). */
  status?: number;
  error?: string;
  message?: string;
  /** For 429: ratelimit-reset, in epoch seconds. */
  reset?: number;
}

export interface FakeAccount {
  did: string;
  handle: string;
  appPassword: string;
  /** The account's own password: it signs in too, with the scope com.atproto.access instead of com.atproto.appPass. */
  mainPassword: string;
  /** The PDS its DID document names (this fake unless set). */
  pdsUrl?: string;
  /** deactivated: createSession answers active: false; takendown: 401 AccountTakedown; tombstoned: the PLC directory answers 410. */
  state?: 'active' | 'deactivated' | 'takendown' | 'tombstoned';
  /** A privileged app password (com.atproto.appPassPrivileged). */
  privileged?: boolean;
}

export interface AccountOptions {
  /** The PDS the DID document names, e.g. one whose host resolves inside. */
  pdsUrl?: string;
  /** did:web: the DID is did:web:localhost%3A<port> (its document at /.well-known/did.json here); one per fake. */
  didWeb?: boolean;
  privileged?: boolean;
}

export interface Facet {
  index: { byteStart: number; byteEnd: number };
  features: { $type: string; uri?: string; did?: string; tag?: string }[];
}

export interface PostRecord {
  $type: string;
  text: string;
  createdAt: string;
  facets?: Facet[];
  langs?: string[];
  embed?: {
    $type: string;
    images: { image: { $type: string; ref: { $link: string }; mimeType: string; size: number }; alt: string; aspectRatio?: { width: number; height: number } }[];
  };
}

export interface CreatedRecord {
  uri: string;
  rkey: string;
  repo: string;
  record: PostRecord;
}

export class FakeBlueskyPds extends FakeServer<BlueskyFault> {
  readonly records: CreatedRecord[] = [];
  readonly blobs = new Map<string, { bytes: Buffer; mimeType: string }>();
  readonly accounts: FakeAccount[] = [];
  private readonly accessTokens = new Map<string, { did: string; expired: boolean }>();
  /** Refresh token → the account and the session's scope (kept across refreshes). */
  private readonly refreshTokens = new Map<string, { did: string; scope: string }>();
  private readonly budgets = new Map<string, { remaining: number; reset: number }>();
  private readonly fixtures = new Map<string, { contentType: string; body: Buffer }>([['image.png', { contentType: 'image/png', body: TEST_PNG }]]);
  private tidCounter = 0;

  static async start(): Promise<FakeBlueskyPds> {
    const fake = new FakeBlueskyPds();
    await fake.listen();
    return fake;
  }

  private constructor() {
    super();
    this.route('POST', '/xrpc/com.atproto.server.createSession', (request) => this.createSession(request));
    this.route('POST', '/xrpc/com.atproto.server.refreshSession', (request) => this.refreshSession(request));
    this.route('POST', '/xrpc/com.atproto.server.deleteSession', (request) => this.deleteSession(request));
    this.route('GET', '/.well-known/did.json', () => this.didWebDocument());
    this.route('GET', '/{did}', (_request, params) => this.plcDocument(decodeURIComponent(params.did)));
    this.xrpc('GET', 'com.atproto.server.getSession', (_request, account) => ({ status: 200, body: { handle: account.handle, did: account.did, active: true } }));
    this.route('GET', '/xrpc/com.atproto.identity.resolveHandle', (request) => this.resolveHandle(request));
    this.xrpc('POST', 'com.atproto.repo.uploadBlob', (request) => this.uploadBlob(request));
    this.xrpc('POST', 'com.atproto.repo.createRecord', (request, account) => this.createRecord(request, account));
    this.route('GET', '/fixtures/{name}', (_request, params) => this.fixture(params.name));
  }

  /** A new account with an app password; its channel credentials (the shape platform-credentials.ts accepts). */
  account(handle = `brand${randomBytes(3).toString('hex')}.bsky.social`, options: AccountOptions = {}): Record<string, string> {
    const did = options.didWeb ? `did:web:${encodeURIComponent(`localhost:${new URL(this.url).port}`)}` : `did:plc:${base32(randomBytes(15))}`;
    const account: FakeAccount = { did, handle, appPassword: appPassword(), mainPassword: `main password ${randomBytes(6).toString('hex')}`, pdsUrl: options.pdsUrl, privileged: options.privileged };
    this.accounts.push(account);
    return { identifier: handle, appPassword: account.appPassword, serviceUrl: this.url };
  }

  /** The account's own password (what a person types to sign in to Bluesky), not an app password. */
  mainPasswordOf(credentials: Record<string, string>): string {
    return this.accountFor(credentials.identifier)!.mainPassword;
  }

  /** The account's state from now on (deactivated by its owner, taken down by the PDS, deleted). */
  setState(credentials: Record<string, string>, state: NonNullable<FakeAccount['state']>): void {
    this.accountFor(credentials.identifier)!.state = state;
  }

  /** The refresh tokens still alive: a session that was deleted is gone from here. */
  liveSessions(credentials: Record<string, string>): number {
    const did = this.accountFor(credentials.identifier)!.did;
    return [...this.refreshTokens.values()].filter((session) => session.did === did).length;
  }

  /** Every access token handed out so far now answers 400 ExpiredToken, as after their 2-hour life. */
  expireAccessTokens(): void {
    this.accessTokens.forEach((token) => (token.expired = true));
  }

  /** Every refresh token handed out so far is dead too: only a new login helps. */
  expireRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  /** The app password is revoked in the account's settings. */
  revoke(credentials: Record<string, string>): void {
    this.accountFor(credentials.identifier)!.appPassword = appPassword();
  }

  accountFor(identifier: string): FakeAccount | undefined {
    return this.accounts.find((account) => account.did === identifier || account.handle === identifier.toLowerCase());
  }

  fixtureUrl(name = 'image.png'): string {
    return `${this.url}/fixtures/${name}`;
  }

  addFixture(name: string, contentType: string, body: Buffer): string {
    this.fixtures.set(name, { contentType, body });
    return this.fixtureUrl(name);
  }

  protected faultReply(fault: BlueskyFault): Reply | undefined {
    if (fault.status === undefined) {
      return undefined;
    }
    const reply = xrpcError(fault.status, fault.error ?? (fault.status === 429 ? 'RateLimitExceeded' : fault.status >= 500 ? 'InternalServerError' : 'InvalidRequest'), fault.message ?? (fault.status === 429 ? 'Rate Limit Exceeded' : undefined));
    if (fault.status === 429) {
      const reset = fault.reset ?? Math.ceil(Date.now() / 1000) + 3600;
      reply.headers = { 'ratelimit-limit': String(POINTS_PER_HOUR), 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset), 'ratelimit-policy': `${POINTS_PER_HOUR};w=3600` };
    }
    return reply;
  }

  protected notFound(request: ReceivedRequest): Reply {
    return request.path.startsWith('/xrpc/') ? xrpcError(501, 'MethodNotImplemented', 'Method Not Implemented') : xrpcError(404, 'NotFound', 'Not Found');
  }

  protected malformed(_request: ReceivedRequest, why: string): Reply {
    return xrpcError(400, 'InvalidRequest', why);
  }

  /** An authenticated XRPC method: a valid, unexpired access token, then the account's write budget. */
  private xrpc(method: string, nsid: string, handler: (request: ReceivedRequest, account: FakeAccount) => Reply): void {
    this.route(method, `/xrpc/${nsid}`, (request) => {
      const authorization = request.headers.authorization ?? '';
      if (!authorization.startsWith('Bearer ')) {
        return xrpcError(401, 'AuthenticationRequired', 'Authentication Required');
      }
      const token = this.accessTokens.get(authorization.slice(7));
      if (!token) {
        return xrpcError(400, 'InvalidToken', 'Token could not be verified');
      }
      if (token.expired) {
        return xrpcError(400, 'ExpiredToken', 'Token has expired');
      }
      const account = this.accounts.find((candidate) => candidate.did === token.did)!;
      const budget = this.budget(account.did);
      const cost = nsid === 'com.atproto.repo.createRecord' ? CREATE_COST : 0;
      if (budget.remaining < cost) {
        return { ...xrpcError(429, 'RateLimitExceeded', 'Rate Limit Exceeded'), headers: this.rateHeaders(account.did) };
      }
      budget.remaining -= cost;
      const reply = handler(request, account);
      return { ...reply, headers: { ...this.rateHeaders(account.did), ...reply.headers } };
    });
  }

  private createSession(request: ReceivedRequest): Reply {
    const body = (request.body ?? {}) as { identifier?: unknown; password?: unknown };
    if (typeof body.identifier !== 'string' || typeof body.password !== 'string') {
      return xrpcError(400, 'InvalidRequest', 'Input must have the properties "identifier", "password"');
    }
    const account = this.accountFor(body.identifier);
    const scope = !account ? undefined : body.password === account.appPassword ? (account.privileged ? 'com.atproto.appPassPrivileged' : 'com.atproto.appPass') : body.password === account.mainPassword ? 'com.atproto.access' : undefined;
    if (!account || !scope || account.state === 'tombstoned') {
      return xrpcError(401, 'AuthenticationRequired', 'Invalid identifier or password');
    }
    if (account.state === 'takendown') {
      return xrpcError(401, 'AccountTakedown', 'Account has been taken down');
    }
    const status = account.state === 'deactivated' ? { active: false, status: 'deactivated' } : { active: true };
    return { status: 200, body: { ...this.issueTokens(account, scope), handle: account.handle, did: account.did, didDoc: this.didDoc(account), ...status } };
  }

  /** com.atproto.server.deleteSession: the refresh token is the bearer; the session ends. */
  private deleteSession(request: ReceivedRequest): Reply {
    const authorization = request.headers.authorization ?? '';
    const token = authorization.startsWith('Bearer ') ? authorization.slice(7) : '';
    if (!token) {
      return xrpcError(401, 'AuthenticationRequired', 'Authentication Required');
    }
    if (!this.refreshTokens.delete(token)) {
      return xrpcError(400, 'ExpiredToken', 'Token has expired');
    }
    return { status: 200 };
  }

  /** The PLC directory's GET /<did>: the DID document, 404 for an unknown DID, 410 for a deleted one. */
  private plcDocument(did: string): Reply {
    if (!did.startsWith('did:plc:')) {
      return { status: 404, body: { message: 'Not Found' } };
    }
    const account = this.accounts.find((candidate) => candidate.did === did);
    if (!account) {
      return { status: 404, body: { message: `DID not registered: ${did}` } };
    }
    return account.state === 'tombstoned' ? { status: 410, body: { message: `DID not available: ${did}` } } : { status: 200, body: this.didDoc(account) };
  }

  private didWebDocument(): Reply {
    const account = this.accounts.find((candidate) => candidate.did.startsWith('did:web:'));
    return account ? { status: 200, body: this.didDoc(account) } : { status: 404, body: { message: 'Not Found' } };
  }

  /** The refresh token is the bearer; it is single-use (rotated), as on a real PDS. */
  private refreshSession(request: ReceivedRequest): Reply {
    const authorization = request.headers.authorization ?? '';
    const session = authorization.startsWith('Bearer ') ? this.refreshTokens.get(authorization.slice(7)) : undefined;
    if (!session) {
      return xrpcError(400, 'ExpiredToken', 'Token has expired');
    }
    this.refreshTokens.delete(authorization.slice(7));
    const account = this.accounts.find((candidate) => candidate.did === session.did)!;
    return { status: 200, body: { ...this.issueTokens(account, session.scope), handle: account.handle, did: account.did, didDoc: this.didDoc(account), active: true } };
  }

  private resolveHandle(request: ReceivedRequest): Reply {
    const handle = request.query.get('handle') ?? '';
    const account = this.accounts.find((candidate) => candidate.handle === handle.toLowerCase());
    return account ? { status: 200, body: { did: account.did } } : xrpcError(400, 'InvalidRequest', 'Unable to resolve handle');
  }

  private uploadBlob(request: ReceivedRequest): Reply {
    const mimeType = String(request.headers['content-type'] ?? '').split(';')[0].trim();
    if (!Buffer.isBuffer(request.body) || request.rawBody.length === 0) {
      return xrpcError(400, 'InvalidRequest', 'Request encoding (Content-Type) required but not provided');
    }
    if (request.rawBody.length > MAX_BLOB_BYTES) {
      return xrpcError(400, 'BlobTooLarge', `This file is too large. It is ${request.rawBody.length} bytes but the maximum size is ${MAX_BLOB_BYTES} bytes.`);
    }
    const cid = cidOf(request.rawBody, 0x55);
    this.blobs.set(cid, { bytes: request.rawBody, mimeType });
    return { status: 200, body: { blob: { $type: 'blob', ref: { $link: cid }, mimeType, size: request.rawBody.length } } };
  }

  private createRecord(request: ReceivedRequest, account: FakeAccount): Reply {
    const body = (request.body ?? {}) as { repo?: unknown; collection?: unknown; record?: unknown; rkey?: unknown };
    if (body.repo !== account.did && body.repo !== account.handle) {
      return xrpcError(400, 'InvalidRequest', 'Input/repo must be the DID or handle of the authenticated account');
    }
    if (body.collection !== 'app.bsky.feed.post') {
      return xrpcError(400, 'InvalidRequest', 'This fake only holds app.bsky.feed.post records');
    }
    const problem = this.postProblem(body.record);
    if (problem) {
      return xrpcError(400, 'InvalidRecord', `Invalid app.bsky.feed.post record: ${problem}`);
    }
    const rkey = typeof body.rkey === 'string' ? body.rkey : this.tid();
    const uri = `at://${account.did}/app.bsky.feed.post/${rkey}`;
    if (this.records.some((record) => record.uri === uri)) {
      // What a real PDS answered when an rkey was reused.
      return xrpcError(500, 'InternalServerError', 'Internal Server Error');
    }
    this.records.push({ uri, rkey, repo: account.did, record: body.record as PostRecord });
    const cid = cidOf(Buffer.from(JSON.stringify(body.record)), 0x71);
    return { status: 200, body: { uri, cid, commit: { cid: cidOf(Buffer.from(uri), 0x71), rev: this.tid() }, validationStatus: 'valid' } };
  }

  /**
   * The app.bsky.feed.post lexicon's rules, plus what a reader relies on and a PDS does not check:
   * that each facet's byte range slices exactly the link or @handle it stands for.
   */
  private postProblem(raw: unknown): string | undefined {
    if (typeof raw !== 'object' || raw === null) {
      return 'Record must be an object';
    }
    const record = raw as Partial<PostRecord>;
    if (record.$type !== 'app.bsky.feed.post') {
      return 'Record/$type must be app.bsky.feed.post';
    }
    // The lexicon itself, as a PDS applies it (@atproto/api carries app.bsky.feed.post and the facet,
    // embed and language definitions): facet features, langs as language tags, aspectRatio ≥ 1×1.
    try {
      lexicons.assertValidRecord('app.bsky.feed.post', jsonToLex(raw));
    } catch (error) {
      return (error as Error).message;
    }
    if (typeof record.text !== 'string') {
      return 'Record/text must be a string';
    }
    if (graphemes(record.text) > MAX_GRAPHEMES || Buffer.byteLength(record.text) > MAX_TEXT_BYTES) {
      return `Record/text must not be longer than ${MAX_GRAPHEMES} graphemes`;
    }
    if (typeof record.createdAt !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(record.createdAt)) {
      return 'Record/createdAt must be an valid atproto datetime';
    }
    const bytes = Buffer.from(record.text, 'utf8');
    for (const [i, facet] of (record.facets ?? []).entries()) {
      const { byteStart, byteEnd } = facet.index ?? {};
      if (!Number.isInteger(byteStart) || !Number.isInteger(byteEnd) || byteStart < 0 || byteEnd <= byteStart || byteEnd > bytes.length) {
        return `Record/facets/${i}/index must be a byte range inside the text`;
      }
      const sliced = bytes.subarray(byteStart, byteEnd).toString('utf8');
      for (const feature of facet.features ?? []) {
        if (feature.$type === 'app.bsky.richtext.facet#link' && sliced !== feature.uri) {
          return `Record/facets/${i} slices "${sliced}", not its link ${feature.uri}`;
        }
        if (feature.$type === 'app.bsky.richtext.facet#tag' && sliced.slice(1) !== feature.tag) {
          return `Record/facets/${i} slices "${sliced}", not the hashtag #${feature.tag}`;
        }
        if (feature.$type === 'app.bsky.richtext.facet#mention') {
          const mentioned = this.accounts.find((account) => account.did === feature.did);
          if (!mentioned || sliced.toLowerCase() !== `@${mentioned.handle}`) {
            return `Record/facets/${i} slices "${sliced}", not the mention of ${feature.did}`;
          }
        }
      }
    }
    if (record.embed !== undefined) {
      if (record.embed.$type !== 'app.bsky.embed.images' || !Array.isArray(record.embed.images) || record.embed.images.length > 4) {
        return 'Record/embed must be app.bsky.embed.images with at most 4 images';
      }
      for (const [i, image] of record.embed.images.entries()) {
        if (typeof image.alt !== 'string') {
          return `Record/embed/images/${i} must have the property "alt"`;
        }
        if (image.image?.$type !== 'blob' || !this.blobs.has(image.image.ref?.$link)) {
          return `Record/embed/images/${i}/image must be a blob uploaded to this repo`;
        }
      }
    }
    return undefined;
  }

  /** `scope`: com.atproto.appPass (or appPassPrivileged) for an app password, com.atproto.access for the account's own password. */
  private issueTokens(account: FakeAccount, scope: string): { accessJwt: string; refreshJwt: string } {
    const accessJwt = jwt(scope, account.did);
    const refreshJwt = jwt('com.atproto.refresh', account.did);
    this.accessTokens.set(accessJwt, { did: account.did, expired: false });
    this.refreshTokens.set(refreshJwt, { did: account.did, scope });
    return { accessJwt, refreshJwt };
  }

  /** The DID document names this server as the account's PDS, as the entryway's does for the real host. */
  private didDoc(account: FakeAccount): object {
    return {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: account.did,
      alsoKnownAs: [`at://${account.handle}`],
      verificationMethod: [],
      service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: account.pdsUrl ?? this.url }],
    };
  }

  private budget(did: string): { remaining: number; reset: number } {
    let budget = this.budgets.get(did);
    if (!budget || budget.reset * 1000 <= Date.now()) {
      budget = { remaining: POINTS_PER_HOUR, reset: Math.ceil(Date.now() / 1000) + 3600 };
      this.budgets.set(did, budget);
    }
    return budget;
  }

  /** Set the account's remaining write points (a create costs 3). */
  setRemainingPoints(credentials: Record<string, string>, points: number): void {
    this.budget(this.accountFor(credentials.identifier)!.did).remaining = points;
  }

  private rateHeaders(did: string): Record<string, string> {
    const budget = this.budget(did);
    return {
      'ratelimit-limit': String(POINTS_PER_HOUR),
      'ratelimit-remaining': String(budget.remaining),
      'ratelimit-reset': String(budget.reset),
      'ratelimit-policy': `${POINTS_PER_HOUR};w=3600`,
    };
  }

  /** A record key in the TID format: 13 base32-sortable characters from microseconds and a clock id. */
  private tid(): string {
    let value = ((BigInt(Date.now()) * 1000n + BigInt(this.tidCounter++ % 1000)) << 10n) | 7n;
    let out = '';
    for (let i = 0; i < 13; i++) {
      out = BASE32_SORTABLE[Number(value & 31n)] + out;
      value >>= 5n;
    }
    return out;
  }

  private fixture(name: string): Reply {
    const fixture = this.fixtures.get(name);
    return fixture
      ? { status: 200, body: fixture.body, headers: { 'content-type': fixture.contentType } }
      : { status: 404, body: Buffer.from('no such fixture'), headers: { 'content-type': 'text/plain' } };
  }
}

function xrpcError(status: number, error: string, message?: string): Reply {
  return { status, body: message ? { error, message } : { error } };
}

/** A CIDv1 (sha-256) in base32, as the PDS names blobs (raw, 0x55) and records (dag-cbor, 0x71). */
function cidOf(bytes: Buffer, codec: number): string {
  const digest = createHash('sha256').update(bytes).digest();
  return `b${base32(Buffer.concat([Buffer.from([0x01, codec, 0x12, 0x20]), digest]))}`;
}

/** RFC 4648 base32, lower case, no padding (multibase 'b'). */
function base32(bytes: Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + alphabet[(value << (5 - bits)) & 31] : out;
}

function jwt(scope: string, did: string): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ typ: 'at+jwt', alg: 'HS256' })}.${part({ scope, sub: did, iat: now, exp: now + 7200, jti: randomBytes(8).toString('hex') })}.${randomBytes(32).toString('base64url')}`;
}

/** App passwords look like xxxx-xxxx-xxxx-xxxx. */
function appPassword(): string {
  return Array.from({ length: 4 }, () => randomBytes(3).toString('hex').slice(0, 4)).join('-');
}

function graphemes(text: string): number {
  return [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length;
}
