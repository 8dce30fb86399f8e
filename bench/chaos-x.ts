// The X that `npm run chaos` sends to: POST /2/tweets with a behaviour chosen per scenario (hold, 503, answer), every
// request timestamped on arrival and on answer, and a request the sender gave up on (connection closed first) kept apart.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST /2/tweets as X saw it. Times are Date.now() in this process, the chaos script's own clock. */
export interface XRequest {
  text: string;
  /** When the whole request had arrived: from then on X may have acted on it. */
  arrivedAt: number;
  /** When X answered (undefined while it holds the request, or if the sender closed the connection first). */
  answeredAt?: number;
  status?: number;
  /** The sender closed the connection before X answered: this fake then creates nothing. */
  abortedAt?: number;
}

/** What X does with one request: hold it `holdMs`, then answer `status` (201 creates the post). */
export interface XReply {
  holdMs: number;
  status: 201 | 503;
}

export type XBehaviour = (text: string, request: XRequest, index: number) => XReply;

export const ANSWER_AT_ONCE: XBehaviour = () => ({ holdMs: 0, status: 201 });

export class ChaosX {
  readonly requests: XRequest[] = [];
  behaviour: XBehaviour = ANSWER_AT_ONCE;
  /** Called in the request handler the moment a request has arrived, before it is held: a kill lands mid-send. */
  onArrival?: (request: XRequest) => void;
  private open = new Set<XRequest>();
  private server?: Server;
  private nextId = 1_900_000_000_000_000_000n;

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.serve(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests X holds right now (arrived, not yet answered, connection still open). */
  get openCount(): number {
    return this.open.size;
  }

  /** The requests whose text starts with `prefix`. */
  requestsFor(prefix: string): XRequest[] {
    return this.requests.filter((r) => r.text.startsWith(prefix));
  }

  /** Posts X created (a 201 written to a connection still open) among `requests`. */
  static created(requests: XRequest[]): XRequest[] {
    return requests.filter((r) => r.status === 201 && r.answeredAt !== undefined);
  }

  /**
   * What reached X after `instant`: requests that arrived later, and posts made public later (a 201 written
   * after it). Either is a send the guarantees say must not happen once a halt or a cancel has answered.
   */
  static after(requests: XRequest[], instant: number): { arrived: XRequest[]; published: XRequest[] } {
    return {
      arrived: requests.filter((r) => r.arrivedAt > instant),
      published: requests.filter((r) => r.status === 201 && r.answeredAt !== undefined && r.answeredAt > instant),
    };
  }

  /** How many requests per text, for the texts sent more than once. */
  static duplicates(requests: XRequest[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of requests) {
      counts.set(r.text, (counts.get(r.text) ?? 0) + 1);
    }
    return new Map([...counts].filter(([, n]) => n > 1));
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'GET' && req.url?.startsWith('/2/users/me')) {
        this.json(res, 200, { data: { id: '1500000000000000001', name: 'Chaos', username: 'chaos' } });
        return;
      }
      if (req.method !== 'POST' || !req.url?.startsWith('/2/tweets')) {
        this.json(res, 404, { title: 'Not Found', detail: `The chaos X has no ${req.method} ${req.url}`, type: 'about:blank', status: 404 });
        return;
      }
      let text: string;
      try {
        const parsed = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: unknown }).text;
        text = typeof parsed === 'string' ? parsed : '';
      } catch {
        this.json(res, 400, { title: 'Invalid Request', detail: 'The body is not JSON', type: 'https://api.x.com/2/problems/invalid-request', status: 400 });
        return;
      }
      const request: XRequest = { text, arrivedAt: Date.now() };
      const index = this.requests.push(request) - 1;
      this.open.add(request);
      const reply = this.behaviour(text, request, index);
      this.onArrival?.(request);
      const timer = setTimeout(() => {
        if (!this.open.delete(request)) {
          return;
        }
        request.answeredAt = Date.now();
        request.status = reply.status;
        if (reply.status === 201) {
          const id = String(this.nextId++);
          this.json(res, 201, { data: { id, text, edit_history_tweet_ids: [id] } });
        } else {
          this.json(res, 503, { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 });
        }
      }, reply.holdMs);
      res.on('close', () => {
        if (this.open.delete(request)) {
          clearTimeout(timer);
          request.abortedAt = Date.now();
        }
      });
    });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, {
      'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
      'x-rate-limit-limit': '1000000',
      'x-rate-limit-remaining': '999999',
      'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 900),
    });
    res.end(JSON.stringify(body));
  }
}
