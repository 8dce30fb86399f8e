// JSON body parsing with a size limit, answering malformed, oversized or hostile bodies with a JSON 4xx before
// any validation runs: nesting deeper than MAX_BODY_DEPTH (class-transformer recurses and would overflow the
// stack), NUL characters (PostgreSQL text refuses them) and text that is not well-formed Unicode (lone
// surrogates, invalid UTF-8), in the body's strings and keys and in the query string and path.
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { json } from 'express';
import { isUtf8 } from 'node:buffer';
import { redactPath } from './logging';

const logger = new Logger('RequestBody');

/** Deeper than any request of the API needs (its deepest is about 5); JSON nested 2,000 levels overflowed the stack. */
export const MAX_BODY_DEPTH = 32;

interface BodyParserError {
  type?: string;
  status?: number;
}

/** A request refused before validation, with the message the client sees. */
class RefusedInput extends Error {
  readonly status = 400;
  readonly type = 'holdfast.input.refused';
}

export function jsonBody(limitBytes: number): (req: Request, res: Response, next: NextFunction) => void {
  // Runs on the raw bytes before JSON.parse: one linear pass, no recursion.
  const verify = (_req: Request, _res: Response, raw: Buffer): void => {
    if (!isUtf8(raw)) {
      throw new RefusedInput('Body is not well-formed UTF-8');
    }
    if (exceedsDepth(raw, MAX_BODY_DEPTH)) {
      throw new RefusedInput(`Body is nested deeper than ${MAX_BODY_DEPTH} levels`);
    }
  };
  const parse = json({ limit: limitBytes, strict: true, verify });
  return (req, res, next) => {
    const requestId = (req as Request & { id?: unknown }).id;
    const answer = (statusCode: number, error: string, message: string): void => {
      logger.warn({ reqId: requestId, method: req.method, path: redactPath(req.path), statusCode }, message);
      res.status(statusCode).json({ statusCode, error, message, requestId });
    };
    const urlProblem = problemInUrl(req.originalUrl ?? req.url);
    if (urlProblem) {
      answer(400, 'bad_request', urlProblem);
      return;
    }
    parse(req, res, (err?: unknown) => {
      if (!err) {
        const problem = problemInValue(req.body as unknown, 'body');
        if (problem) {
          answer(400, 'bad_request', problem);
          return;
        }
        next();
        return;
      }
      const { type, status } = err as BodyParserError;
      if (err instanceof RefusedInput) {
        answer(400, 'bad_request', err.message);
      } else if (type === 'entity.parse.failed') {
        answer(400, 'bad_request', 'Malformed JSON body');
      } else if (type === 'entity.too.large') {
        answer(413, 'payload_too_large', `Body larger than the limit of ${limitBytes} bytes`);
      } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
        answer(415, 'unsupported_media_type', 'Body must be UTF-8 JSON');
      } else if (status !== undefined && status >= 400 && status < 500) {
        answer(status, 'bad_request', 'Unreadable request body');
      } else {
        next(err);
      }
    });
  };
}

/** True when brackets outside strings nest deeper than `max`. Bytes suffice: UTF-8 never hides `"`, `\`, `[` or `{` in a multi-byte character. */
export function exceedsDepth(raw: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === 0x5c) {
        i++; // the escaped character, whatever it is
      } else if (byte === 0x22) {
        inString = false;
      }
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > max) {
        return true;
      }
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
    }
  }
  return false;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with one string, or null. */
function problemInText(text: string, where: string): string | null {
  if (text.includes('\u0000')) {
    return `${where} must not contain the NUL character (\\u0000)`;
  }
  if (LONE_SURROGATE.test(text)) {
    return `${where} is not well-formed Unicode (it contains a lone surrogate)`;
  }
  return null;
}

/** The first bad string or key in a parsed body (depth already bounded), named by its path: `body.messages[0].values.eta`. */
export function problemInValue(value: unknown, path: string): string | null {
  if (typeof value === 'string') {
    return problemInText(value, path);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = problemInValue(value[i], `${path}[${i}]`);
      if (problem) {
        return problem;
      }
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = problemInText(key, `a key of ${path}`);
      if (keyProblem) {
        return keyProblem;
      }
      const problem = problemInValue(item, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);
      if (problem) {
        return problem;
      }
    }
  }
  return null;
}

/** NUL or bytes that are not UTF-8 in the path or a query parameter (Express would turn them into U+FFFD or pass them to SQL). */
export function problemInUrl(url: string): string | null {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const pathProblem = problemInEncoded(path, 'the path');
  if (pathProblem || queryAt === -1) {
    return pathProblem;
  }
  for (const pair of url.slice(queryAt + 1).split('&')) {
    const [rawName, ...rest] = pair.split('=');
    const name = decodedBytes(rawName);
    const label = isUtf8(name) && !name.includes(0) ? `query parameter ${name.toString('utf8').slice(0, 50)}` : 'a query parameter name';
    const problem = problemInEncoded(rawName, label) ?? problemInEncoded(rest.join('='), label);
    if (problem) {
      return problem;
    }
  }
  return null;
}

function problemInEncoded(encoded: string, where: string): string | null {
  if (!encoded.includes('%')) {
    return null;
  }
  const bytes = decodedBytes(encoded);
  if (bytes.includes(0)) {
    return `${where} must not contain the NUL character (%00)`;
  }
  if (!isUtf8(bytes)) {
    return `${where} is not well-formed Unicode (its percent-encoded bytes are not UTF-8)`;
  }
  return null;
}

/** Percent-decoding to bytes (a lone %XY stays as typed, as Express leaves it). */
function decodedBytes(encoded: string): Buffer {
  const bytes: number[] = [];
  const raw = Buffer.from(encoded.replace(/\+/g, ' '), 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const hex = raw[i] === 0x25 && i + 2 < raw.length ? String.fromCharCode(raw[i + 1], raw[i + 2]) : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(raw[i]);
    }
  }
  return Buffer.from(bytes);
}
