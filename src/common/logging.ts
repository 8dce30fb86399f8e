// pino settings: JSON lines, a request id on each, secrets redacted wherever they could appear.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import type { LogLevel } from '../config/env';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type WithId = IncomingMessage & { id?: string };

/**
 * First middleware of all: every request gets its id (the caller's X-Request-Id when sane) before
 * anything can answer it, so even a rejected body is answered and logged with one.
 */
export function assignRequestId(req: WithId, res: ServerResponse, next: () => void): void {
  const incoming = req.headers['x-request-id'];
  req.id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', req.id);
  next();
}

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.credentials',
  '*.password',
  '*.appPassword',
  '*.accessToken',
  '*.refreshToken',
  '*.clientSecret',
  '*.appSecret',
  '*.accessSecret',
  '*.pageAccessToken',
  '*.botToken',
  '*.apiKey',
  '*.key',
];

/** Invite links carry their secret in the path (/invite/<token>, /api/auth/invites/<token>/accept). */
const TOKEN_IN_PATH = /(\/invites?\/)[^/]+/gi;

export function redactPath(path: string): string {
  return path.replace(TOKEN_IN_PATH, '$1[redacted]');
}

export function httpLoggerOptions(level: LogLevel): Options {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    genReqId: (req) => req.id ?? randomUUID(),
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      // Only what helps an operator: never the query string (it may carry tokens), never the body.
      req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        path: redactPath(req.url.split('?')[0]),
        userAgent: req.headers['user-agent'],
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    quietReqLogger: true,
  };
}
