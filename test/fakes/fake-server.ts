// The shared machinery of the local platform fakes: an HTTP server that records, routes and misbehaves on request.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, form fields, multipart fields (files as Buffers), or undefined when there is no body. */
  body: unknown;
  rawBody: Buffer;
  /** Date.now() when the request had arrived in full. */
  receivedAt: number;
  /** The route that matched, as 'METHOD /template' (e.g. 'POST /2/media/upload/{id}/append'). */
  route?: string;
}

export interface Reply {
  status: number;
  /** Sent as JSON unless it is a Buffer. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Scripted misbehaviour every fake understands; platform fakes add their own answers (status codes…). */
export interface Fault {
  /** Answer this much later than usual. */
  delayMs?: number;
  /** Never answer (until the fake is closed). */
  hang?: boolean;
  /** Close the connection without answering, after the request arrived: the caller cannot know what happened. */
  drop?: boolean;
  /** Extra or overriding headers on the answer. */
  headers?: Record<string, string>;
}

export type Handler = (request: ReceivedRequest, params: Record<string, string>) => Reply | Promise<Reply>;

interface Route {
  key: string;
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

class MalformedBody extends Error {}

/** Dispatch outcomes that are not answers: leave the request unanswered, or cut the connection. */
const HANG = Symbol('hang');
const DROP = Symbol('drop');

export abstract class FakeServer<F extends Fault> {
  /** Every request received, in order of arrival. */
  readonly requests: ReceivedRequest[] = [];
  /** Added to every answer's delay. */
  latencyMs = 0;
  private readonly routes: Route[] = [];
  private readonly faults: { route: string; fault: F }[] = [];
  // A client that gives up mid-request (an aborted send) leaves nothing to answer.
  private readonly server: Server = createServer((req, res) => void this.answer(req, res).catch(() => res.destroy()));
  private baseUrl?: string;

  /** The scheme and host root, e.g. http://127.0.0.1:41234 (what X_API_URL and friends take). */
  get url(): string {
    if (!this.baseUrl) {
      throw new Error('The fake is not listening: create it with its static start()');
    }
    return this.baseUrl;
  }

  /** The requests that matched a route, e.g. requestsTo('POST /2/tweets'). */
  requestsTo(route: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.route === route);
  }

  /** Scripts the answer to the next request matching `route` ('METHOD /template'); faults queue per route. */
  failNext(route: string, fault: F): void {
    if (!this.routes.some((candidate) => candidate.key === route)) {
      throw new Error(`${this.constructor.name} has no route ${route}`);
    }
    this.faults.push({ route, fault });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections(); // also ends hung answers
    await closed;
  }

  protected async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Registers a route; `{name}` segments match one path segment, as in OpenAPI path templates. */
  protected route(method: string, template: string, handler: Handler): void {
    const names: string[] = [];
    const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_match, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ key: `${method} ${template}`, method, pattern: new RegExp(`^${source}$`), names, handler });
  }

  /** The platform's answer to a scripted fault, or undefined to answer normally after the fault's delay. */
  protected abstract faultReply(fault: F, request: ReceivedRequest): Reply | undefined;
  /** The platform's answer when no route matches. */
  protected abstract notFound(request: ReceivedRequest): Reply;
  /** The platform's answer to a body that does not parse. */
  protected abstract malformed(request: ReceivedRequest, problem: string): Reply;
  /** Lets the platform add what every answer carries (rate-limit headers…). */
  protected decorate(reply: Reply, _request: ReceivedRequest): Reply {
    return reply;
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const rawBody = await readAll(req);
    const request: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: undefined,
      rawBody,
      receivedAt: Date.now(),
    };
    this.requests.push(request);
    let reply: Reply | typeof HANG | typeof DROP;
    try {
      request.body = parseBody(rawBody, req.headers['content-type']);
      reply = await this.dispatch(request);
    } catch (error) {
      // A bug in the fake answers 500 rather than killing the test process with an unhandled rejection.
      reply =
        error instanceof MalformedBody
          ? this.malformed(request, error.message)
          : { status: 500, body: { title: 'Fake failure', detail: String((error as Error).stack ?? error) } };
    }
    if (reply === DROP) {
      res.destroy();
    } else if (reply !== HANG) {
      this.send(res, this.decorate(reply, request));
    }
  }

  private async dispatch(request: ReceivedRequest): Promise<Reply | typeof HANG | typeof DROP> {
    const match = this.match(request);
    if (!match) {
      return this.notFound(request);
    }
    request.route = match.route.key;
    const index = this.faults.findIndex((queued) => queued.route === match.route.key);
    const fault = index >= 0 ? this.faults.splice(index, 1)[0].fault : undefined;
    const delayMs = this.latencyMs + (fault?.delayMs ?? 0);
    if (delayMs > 0) {
      await sleep(delayMs);
    }
    if (fault?.hang) {
      return HANG; // closeAllConnections() in close() ends it
    }
    if (fault?.drop) {
      return DROP;
    }
    const reply = (fault && this.faultReply(fault, request)) ?? (await match.route.handler(request, match.params));
    return fault?.headers ? { ...reply, headers: { ...reply.headers, ...fault.headers } } : reply;
  }

  private match(request: ReceivedRequest): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      const found = route.method === request.method ? route.pattern.exec(request.path) : null;
      if (found) {
        const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(found[i + 1])]));
        return { route, params };
      }
    }
    return undefined;
  }

  private send(res: ServerResponse, reply: Reply): void {
    const binary = Buffer.isBuffer(reply.body);
    const payload = reply.body === undefined ? '' : binary ? (reply.body as Buffer) : JSON.stringify(reply.body);
    const headers: Record<string, string> = { ...reply.headers };
    if (!binary && reply.body !== undefined) {
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) {
    return undefined;
  }
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw new MalformedBody(`The body is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  }
  if (type === 'multipart/form-data') {
    return parseMultipart(raw, contentType!);
  }
  return raw;
}

/**
 * Parts with a filename or a non-text Content-Type are kept as bytes, others read as UTF-8. Written by
 * hand because Fetch's formData() decodes every part without a filename as text, which corrupts binary
 * parts such as twitter-api-v2's media segments (sent with no filename), where X reads bytes.
 */
function parseMultipart(raw: Buffer, contentType: string): Record<string, string | Buffer> {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) {
    throw new MalformedBody('The multipart body has no boundary');
  }
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const fields: Record<string, string | Buffer> = {};
  let at = raw.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (raw.subarray(start, start + 2).toString() === '--') {
      return fields;
    }
    const end = raw.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start);
    const part = raw.subarray(start + 2, end < 0 ? raw.length : end);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, Math.max(split, 0)).toString('latin1');
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (end < 0 || split < 0 || name === undefined) {
      break;
    }
    const content = part.subarray(split + 4);
    const type = /^content-type:\s*([^;\r\n]+)/im.exec(head)?.[1].trim().toLowerCase();
    const binary = /filename=/i.test(head) || (type !== undefined && !type.startsWith('text/'));
    fields[name] = binary ? Buffer.from(content) : content.toString('utf8');
    at = end + 2;
  }
  throw new MalformedBody('The multipart body does not parse');
}
