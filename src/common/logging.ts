// pino settings: JSON lines (or short readable ones on a terminal), a request id on each, secrets redacted
// wherever they could appear; and what the service says about itself once it listens.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { prettyFactory } from 'pino-pretty';
import type { Env, LogFormat, LogLevel } from '../config/env';

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

/** LOG_FORMAT when set; otherwise readable lines for a person at a terminal and JSON for everything else (CI, Docker, files). */
export function resolveLogFormat(configured: LogFormat | undefined, isTTY: boolean | undefined): LogFormat {
  return configured ?? (isTTY ? 'pretty' : 'json');
}

/** Fields of the start-up lines, kept in JSON for machines and left out of the pretty line, which says them in words. */
export const START_FIELD = 'start';

/**
 * One short line a log entry: `22:40:41 INFO  [Context] message {fields}`, a request as `GET /api/posts 201 12ms`,
 * an error with its stack below. pino-pretty's formatter is called in this process, synchronously, so lines keep
 * their order with what is written to stdout directly (the first-start banner) and none is lost at exit.
 */
export function prettyDestination(write: (text: string) => void, colorize: boolean): DestinationStream {
  const format = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss',
    singleLine: true,
    ignore: ['pid', 'hostname', 'context', 'req', 'res', 'responseTime', START_FIELD].join(','),
    messageFormat: (log, messageKey) => {
      const req = log.req as { method?: string; path?: string } | undefined;
      const res = log.res as { statusCode?: number } | undefined;
      if (req && res) {
        return `${req.method} ${req.path} ${res.statusCode} ${String(log.responseTime)}ms`;
      }
      const context = typeof log.context === 'string' ? `[${log.context}] ` : '';
      const message = log[messageKey];
      return `${context}${typeof message === 'string' ? message : JSON.stringify(message ?? '')}`;
    },
  });
  return { write: (line: string): void => write(format(line)) };
}

export interface StartLine {
  msg: string;
  fields: Record<string, string | number>;
}

/**
 * What a person needs from the start in a few lines: where it listens, the console and the API docs, where the data
 * lives (never a database password), and what to back up for a restore to work.
 */
export function startupLines(env: Env, embedded: boolean): StartLine[] {
  const address = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  const dataDir = resolve(env.HOLDFAST_DATA_DIR);
  const secretKey = env.HOLDFAST_SECRET_KEY ? 'HOLDFAST_SECRET_KEY' : resolve(dataDir, 'secret.key');
  const lines: StartLine[] = [
    { msg: `Listening on port ${env.PORT}: the console at ${address}/`, fields: { port: env.PORT, consoleUrl: `${address}/` } },
    { msg: `API docs at ${address}/docs (OpenAPI JSON at ${address}/docs-json)`, fields: { docsUrl: `${address}/docs` } },
  ];
  if (embedded) {
    const pg = resolve(dataDir, 'pg');
    lines.push({ msg: `Data: the embedded PostgreSQL in ${pg}`, fields: { database: 'embedded', dataDir, databaseDir: pg } });
  } else {
    const where = databaseLocation(env.DATABASE_URL ?? '');
    lines.push({ msg: `Data: PostgreSQL at ${where}`, fields: { database: where } });
  }
  const keyNote = 'it seals channel credentials, which cannot be read without it';
  if (embedded && !env.HOLDFAST_SECRET_KEY) {
    lines.push({
      msg: `Back up ${dataDir} with the service stopped: the database (pg/) and secret.key (${keyNote})`,
      fields: { backup: dataDir, secretKey },
    });
  } else {
    const database = embedded ? `${resolve(dataDir, 'pg')} with the service stopped` : 'the database (pg_dump)';
    const key = env.HOLDFAST_SECRET_KEY ? 'the value of HOLDFAST_SECRET_KEY' : secretKey;
    lines.push({ msg: `Back up ${database}, and keep ${key} with it (${keyNote})`, fields: { backup: embedded ? dataDir : 'database', secretKey } });
  }
  return lines;
}

/** host:port/database of a PostgreSQL URL: no user, no password, no query (it may carry a password too). */
export function databaseLocation(url: string): string {
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${database ? `/${database}` : ''}`;
  } catch {
    return 'the server in DATABASE_URL';
  }
}
