// Checks a Bluesky handle and app password before they are kept (issue 15): handle → DID → DID document →
// PDS → createSession there. Each refusal says what to do; the app password, tokens and the PDS's raw answers
// never appear in what is thrown. The PDS (and a did:web host) is user-derived: reached through the network
// policy only. The handle resolver and the PLC directory are the operator's (configuration), as publishers' are.
import { BadGatewayException } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { isPrivateAddressRefusal, NetworkPolicy, PRIVATE_ADDRESS_REFUSED } from '../common/network-policy';

const CALL_TIMEOUT_MS = 15_000;
/** The scope of a session opened with the account's own password (app passwords give com.atproto.appPass or com.atproto.appPassPrivileged). */
const MAIN_PASSWORD_SCOPE = 'com.atproto.access';
const APP_PASSWORD_HELP = 'make one in Bluesky → Settings → Privacy and security → App passwords';

export interface BlueskyAccount {
  did: string;
  /** Without the @. */
  handle: string;
  /** The PDS origin, e.g. https://morel.us-east.host.bsky.network. */
  pdsUrl: string;
}

interface XrpcAnswer {
  status: number;
  body: Record<string, unknown>;
}

export class BlueskyAccountCheck {
  constructor(
    private readonly network: NetworkPolicy,
    /** BLUESKY_SERVICE_URL: resolves handles. */
    private readonly serviceUrl: string,
    /** BLUESKY_PLC_URL: did:plc documents. */
    private readonly plcUrl: string,
  ) {}

  /** The account behind `given` (a handle, @handle or DID) if `appPassword` is one of its app passwords. */
  async check(given: string, appPassword: string): Promise<BlueskyAccount> {
    const plain = given.trim().replace(/^@/, '');
    // Handles are case-insensitive; a DID is kept as given.
    const name = plain.startsWith('did:') ? plain : plain.toLowerCase();
    const did = name.startsWith('did:') ? name : await this.resolveHandle(name);
    const pdsUrl = this.pdsOf(did, await this.didDocument(did));
    return this.logIn(did, name, pdsUrl, appPassword);
  }

  private async resolveHandle(handle: string): Promise<string> {
    const url = `${this.serviceUrl}/xrpc/com.atproto.identity.resolveHandle?handle=${encodeURIComponent(handle)}`;
    const answer = await this.call('Bluesky', () => fetch(url, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS), redirect: 'error' }));
    if (answer.status === 200 && typeof answer.body.did === 'string' && /^did:(plc|web):[A-Za-z0-9._:%-]{1,200}$/.test(answer.body.did)) {
      return answer.body.did;
    }
    if (answer.status === 400 || answer.status === 404) {
      throw DomainError.invalid(`No Bluesky account has the handle @${handle}: check its spelling (it is on the profile, such as brand.bsky.social)`);
    }
    if (answer.status === 200) {
      throw DomainError.invalid(`The handle @${handle} resolves to an identity Holdfast cannot use (only did:plc and did:web accounts)`);
    }
    throw unreachable('Bluesky', `answered ${answer.status} to the handle lookup`);
  }

  private async didDocument(did: string): Promise<Record<string, unknown>> {
    if (did.startsWith('did:plc:')) {
      const answer = await this.call('The PLC directory', () =>
        fetch(`${this.plcUrl}/${did}`, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS), redirect: 'error' }),
      );
      if (answer.status === 404) {
        throw DomainError.invalid(`${did} is not registered in the PLC directory: check the handle or DID`);
      }
      if (answer.status === 410) {
        throw DomainError.invalid(`The account ${did} was deleted (its DID is deactivated in the PLC directory)`);
      }
      if (answer.status !== 200) {
        throw unreachable('The PLC directory', `answered ${answer.status}`);
      }
      return answer.body;
    }
    // did:web:<host> (a port's colon percent-encoded); atproto allows no path, and reads localhost over http.
    const host = decodeURIComponent(did.slice('did:web:'.length));
    let url: URL;
    try {
      url = new URL(`https://${host}/.well-known/did.json`);
    } catch {
      throw DomainError.invalid(`${did} is not a did:web Holdfast can read: it must be did:web:<host name>`);
    }
    if (url.host !== host.toLowerCase() || host.includes('/')) {
      throw DomainError.invalid(`${did} is not a did:web Holdfast can read: it must be did:web:<host name>`);
    }
    if (url.hostname === 'localhost') {
      url.protocol = 'http:';
    }
    const problem = this.network.urlProblem(url.origin, `The host of ${did}`);
    if (problem) {
      throw DomainError.invalid(problem);
    }
    const answer = await this.call(`${url.host} (the host of ${did})`, () =>
      this.network.fetch(url, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS), redirect: 'error' }),
    );
    if (answer.status !== 200) {
      throw DomainError.invalid(`${url.host} answered ${answer.status} for ${url.pathname}: ${did} has no DID document there`);
    }
    return answer.body;
  }

  /** The service entry #atproto_pds of type AtprotoPersonalDataServer, as an origin the policy allows. */
  private pdsOf(did: string, document: Record<string, unknown>): string {
    if (document.id !== undefined && document.id !== did) {
      throw DomainError.invalid(`The DID document found for ${did} is another identity's (${typeof document.id === 'string' ? document.id.slice(0, 200) : 'no id'})`);
    }
    const services = Array.isArray(document.service) ? (document.service as Record<string, unknown>[]) : [];
    const entry = services.find(
      (service) => service && (service.id === '#atproto_pds' || service.id === `${did}#atproto_pds`) && service.type === 'AtprotoPersonalDataServer',
    );
    if (!entry || typeof entry.serviceEndpoint !== 'string') {
      throw DomainError.invalid(`The DID document of ${did} names no PDS (no #atproto_pds service): the account cannot be reached`);
    }
    let url: URL;
    try {
      url = new URL(entry.serviceEndpoint);
    } catch {
      throw DomainError.invalid(`The DID document of ${did} names a PDS that is no URL`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.network.allowPrivate)) {
      throw DomainError.invalid(`The PDS of ${did} (${url.origin}) does not use https: Holdfast will not send an app password to it`);
    }
    const problem = this.network.urlProblem(url.origin, `The PDS of ${did} (${url.origin})`);
    if (problem) {
      throw DomainError.invalid(problem);
    }
    return url.origin;
  }

  private async logIn(did: string, name: string, pdsUrl: string, appPassword: string): Promise<BlueskyAccount> {
    const answer = await this.call(`The PDS at ${pdsUrl}`, () =>
      this.network.fetch(`${pdsUrl}/xrpc/com.atproto.server.createSession`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: did, password: appPassword }),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        redirect: 'error',
      }),
    );
    const error = typeof answer.body.error === 'string' ? answer.body.error : undefined;
    const who = name.startsWith('did:') ? name : `@${name}`;
    if (answer.status === 401 && error === 'AccountTakedown') {
      throw DomainError.invalid(`${who} was taken down by its PDS: it cannot post until the takedown is lifted`);
    }
    if (answer.status === 401 && error === 'AuthFactorTokenRequired') {
      // Only the account's own password asks for the e-mailed sign-in code.
      throw DomainError.invalid(`That is the account password of ${who} (Bluesky asked for its e-mailed sign-in code): use an app password, not the account password; ${APP_PASSWORD_HELP}`);
    }
    if (answer.status === 401 || (answer.status === 400 && error === 'AuthenticationRequired')) {
      throw DomainError.invalid(`The app password was refused for ${who}: ${APP_PASSWORD_HELP}, and paste it exactly as shown (xxxx-xxxx-xxxx-xxxx)`);
    }
    if (answer.status === 429) {
      throw new DomainError(DomainErrorCode.TooManyRequests, `The PDS of ${who} limits sign-ins (30 per 5 minutes, 300 a day): try again later`);
    }
    if (answer.status === 400) {
      throw DomainError.invalid(`The PDS of ${who} refused the sign-in (${error ?? 'InvalidRequest'}): check the handle and the app password`);
    }
    if (answer.status !== 200) {
      throw unreachable(`The PDS at ${pdsUrl}`, `answered ${answer.status} to the sign-in`);
    }
    const { accessJwt, refreshJwt, did: sessionDid, handle, active, status } = answer.body;
    // The session proved the password; Holdfast keeps the app password, not these tokens.
    if (typeof refreshJwt === 'string') {
      await this.logOut(pdsUrl, refreshJwt);
    }
    if (sessionDid !== did) {
      throw DomainError.invalid(`The PDS at ${pdsUrl} signed in another account than ${did}: check the handle`);
    }
    if (scopeOf(accessJwt) === MAIN_PASSWORD_SCOPE) {
      throw DomainError.invalid(`That is the account password of ${who}: use an app password, not the account password (it was not kept); ${APP_PASSWORD_HELP}`);
    }
    if (active === false) {
      const why = typeof status === 'string' ? status : 'inactive';
      throw DomainError.invalid(`${who} is ${why} on its PDS: it cannot post until it is active again (reactivate it in Bluesky)`);
    }
    return { did, handle: typeof handle === 'string' && handle.length > 0 ? handle : name, pdsUrl };
  }

  /** Ends the session the check opened; a failure here changes nothing (it expires by itself). */
  private async logOut(pdsUrl: string, refreshJwt: string): Promise<void> {
    await this.network
      .fetch(`${pdsUrl}/xrpc/com.atproto.server.deleteSession`, {
        method: 'POST',
        headers: { authorization: `Bearer ${refreshJwt}` },
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        redirect: 'error',
      })
      .then((response) => response.body?.cancel())
      .catch(() => undefined);
  }

  /** One XRPC or document request; a refused address, a timeout or a dead server become a clear error (never the raw cause). */
  private async call(who: string, request: () => Promise<Response>): Promise<XrpcAnswer> {
    let response: Response;
    try {
      response = await request();
    } catch (error) {
      if (isPrivateAddressRefusal(error)) {
        throw DomainError.invalid(`${who} is ${PRIVATE_ADDRESS_REFUSED}`);
      }
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw unreachable(who, timedOut ? `did not answer within ${CALL_TIMEOUT_MS / 1000} s` : 'could not be reached');
    }
    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = {};
    }
    return { status: response.status, body: body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {} };
  }
}

/** Not the admin's mistake: the platform is down or slow. Nothing was kept; trying again may work. */
function unreachable(who: string, what: string): BadGatewayException {
  return new BadGatewayException(`${who} ${what}: nothing was connected; try again in a while`);
}

/** The `scope` claim of an access JWT (read, not verified: the PDS that issued it just answered us over TLS). */
export function scopeOf(jwt: unknown): string | undefined {
  if (typeof jwt !== 'string') {
    return undefined;
  }
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { scope?: unknown };
    return typeof payload.scope === 'string' ? payload.scope : undefined;
  } catch {
    return undefined;
  }
}
