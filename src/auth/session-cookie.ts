// The console's session cookie, and the CSRF checks a cookie-authenticated change must pass.
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';
import { DomainError } from '../common/domain-error';
import type { AuthenticatedRequest } from '../common/principal';
import { sameSecret } from './secret-token';

export const SESSION_COOKIE = 'holdfast_session';
export const CSRF_HEADER = 'x-csrf-token';

/** What the guard knows about the console session a request came with (none for an API key). */
export interface ConsoleSession {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  idleExpiresAt: Date;
}

export type SessionRequest = AuthenticatedRequest & { consoleSession?: ConsoleSession };

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isStateChange(method: string): boolean {
  return UNSAFE_METHODS.has(method.toUpperCase());
}

export function sessionToken(request: Request): string | undefined {
  const header = request.headers.cookie;
  if (!header) {
    return undefined;
  }
  const token = parseCookie(header)[SESSION_COOKIE];
  return token && /^[A-Za-z0-9_-]{16,128}$/.test(token) ? token : undefined;
}

export function hasSessionCookie(request: Request): boolean {
  return request.headers.cookie ? parseCookie(request.headers.cookie)[SESSION_COOKIE] !== undefined : false;
}

export function setSessionCookie(response: Response, token: string, expiresAt: Date, publicUrl: string | undefined): void {
  response.append(
    'Set-Cookie',
    stringifySetCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure: isHttps(publicUrl), expires: expiresAt }),
  );
}

export function clearSessionCookie(response: Response, publicUrl: string | undefined): void {
  response.append(
    'Set-Cookie',
    stringifySetCookie(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', path: '/', secure: isHttps(publicUrl), expires: new Date(0) }),
  );
}

function isHttps(publicUrl: string | undefined): boolean {
  return publicUrl?.toLowerCase().startsWith('https:') ?? false;
}

/** PUBLIC_URL's origin when set, else the origin the request itself was sent to. */
export function allowedOrigin(request: Request, publicUrl: string | undefined): string {
  if (publicUrl) {
    return new URL(publicUrl).origin;
  }
  return `${request.protocol}://${request.headers.host ?? ''}`.toLowerCase();
}

/**
 * A request that sets or uses the session cookie must come from the console's own origin: the
 * Origin header (or, without one, the Referer's origin) must match. A cross-site form cannot fake it.
 */
export function assertSameOrigin(request: Request, publicUrl: string | undefined): void {
  const allowed = allowedOrigin(request, publicUrl);
  const sent = request.headers.origin ?? originOf(request.headers.referer);
  if (!sent) {
    throw DomainError.forbidden(`CSRF check failed: the request carries no Origin or Referer; it must come from ${allowed}`);
  }
  if (sent.toLowerCase() !== allowed.toLowerCase()) {
    throw DomainError.forbidden(`CSRF check failed: the request comes from ${sent}, not from ${allowed}`);
  }
}

export function assertCsrfToken(request: Request, expected: string): void {
  const header = request.headers[CSRF_HEADER];
  const given = Array.isArray(header) ? header[0] : header;
  if (!given) {
    throw DomainError.forbidden('CSRF check failed: send the header X-CSRF-Token with the csrfToken of GET /api/auth/session');
  }
  if (!sameSecret(given, expected)) {
    throw DomainError.forbidden('CSRF check failed: the X-CSRF-Token header does not belong to this session; read it again from GET /api/auth/session');
  }
}

function originOf(referer: string | undefined): string | undefined {
  if (!referer) {
    return undefined;
  }
  try {
    const origin = new URL(referer).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

export interface ClientContext {
  userAgent: string | null;
  ipAddress: string | null;
  requestId: string | null;
}

export function clientContext(request: AuthenticatedRequest): ClientContext {
  const userAgent = request.headers['user-agent'];
  return {
    userAgent: userAgent ? userAgent.slice(0, 512) : null,
    ipAddress: request.ip ?? request.socket.remoteAddress ?? null,
    requestId: request.id === undefined ? null : String(request.id),
  };
}
