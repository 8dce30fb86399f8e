// GET /api/events: the live stream (server-sent events) a console follows; any member, cookie or API key.
import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { LiveEvent, LiveHub, parseCursor } from './live-hub.service';

const HEARTBEAT_MS = 15_000 - 1_000;
const RECHECK_MS = 5_000;
const RETRY_MS = 2_000;
export const STREAMS_PER_MEMBER = 10;

const after = (a: { tx: string; id: string }, b: { tx: string; id: string }): boolean =>
  BigInt(a.tx) > BigInt(b.tx) || (a.tx === b.tx && BigInt(a.id) > BigInt(b.id));

@ApiTags('live')
@Controller('events')
export class LiveController {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly hub: LiveHub,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'The live stream (server-sent events) of what changes in the workspace; resumes from Last-Event-ID' })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The id of the last event received: the stream replays what happened since, or sends `event: refresh` when it is too old' })
  @ApiQuery({ name: 'lastEventId', required: false, type: String, description: 'The same as the Last-Event-ID header, for scripts' })
  @ApiOkResponse({ description: 'An endless text/event-stream: `id:`, `event:` (crisis.activated, deliveries.changed, …) and JSON `data:`; heartbeat comments every 14 s' })
  async stream(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res() response: Response,
    @Headers('last-event-id') lastEventHeader?: string,
    @Query('lastEventId') lastEventQuery?: string,
  ): Promise<void> {
    const count = this.open.get(principal.memberId) ?? 0;
    if (count >= STREAMS_PER_MEMBER) {
      throw new DomainError(DomainErrorCode.TooManyRequests, `at most ${STREAMS_PER_MEMBER} live streams per member are open at once: close a tab`);
    }
    if (this.hub.stopped) {
      throw new DomainError(DomainErrorCode.Gone, 'the service is shutting down: reconnect');
    }
    this.open.set(principal.memberId, count + 1);
    const asked = lastEventHeader ?? lastEventQuery;
    const resume = asked === undefined || asked === '' ? null : parseCursor(asked);
    const refresh = asked !== undefined && asked !== '' && (resume === null || !(await this.hub.canResume(resume)));

    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    request.socket.setNoDelay(true);
    request.socket.setTimeout(0);

    let closed = false;
    let sent = resume && !refresh ? resume : (this.hub.position ?? (await this.hub.now()));
    let replaying = true;
    const queued: LiveEvent[] = [];
    const write = (text: string): void => {
      if (!closed) {
        response.write(text);
      }
    };
    const deliver = (event: LiveEvent): void => {
      const at = parseCursor(event.cursor);
      if (!at || !after(at, sent) || event.workspaceId !== principal.workspaceId) {
        return;
      }
      if (event.roles !== null && !event.roles.some((r) => (principal.roles as string[]).includes(r))) {
        sent = at;
        return;
      }
      sent = at;
      write(`id: ${event.cursor}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    };
    const close = (ended?: boolean): void => {
      if (closed) {
        return;
      }
      if (ended) {
        write('event: session.ended\ndata: {}\n\n');
      }
      closed = true;
      clearInterval(heartbeat);
      clearInterval(recheck);
      unsubscribe();
      const left = (this.open.get(principal.memberId) ?? 1) - 1;
      if (left <= 0) {
        this.open.delete(principal.memberId);
      } else {
        this.open.set(principal.memberId, left);
      }
      response.end();
    };
    const unsubscribe = this.hub.subscribe(
      { workspaceId: principal.workspaceId, roles: principal.roles, send: (event) => (replaying ? queued.push(event) : deliver(event)) },
      () => close(),
    );
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), HEARTBEAT_MS);
    const recheck = setInterval(() => {
      void this.stillSignedIn(principal)
        .then((ok) => !ok && close(true))
        .catch(() => undefined);
    }, RECHECK_MS);
    request.on('close', () => close());

    write(`retry: ${RETRY_MS}\n`);
    if (refresh) {
      write(`id: ${sent.tx}.${sent.id}\nevent: refresh\ndata: {}\n\n`);
    } else {
      write(`id: ${sent.tx}.${sent.id}\n: live\n\n`); // the opening cursor: a reconnect resumes from here
    }
    try {
      for (;;) {
        const events = await this.hub.since(sent);
        if (events.length === 0) {
          break;
        }
        const before = sent;
        events.forEach(deliver);
        const last = parseCursor(events[events.length - 1].cursor);
        if (last && after(last, sent)) {
          sent = last; // events of other workspaces move the cursor too
        }
        if (!after(sent, before)) {
          break;
        }
      }
    } finally {
      replaying = false;
      queued.splice(0).forEach(deliver);
    }
  }

  /** A stream ends with its session (signed out, revoked, expired) or its member (disabled) or key (revoked). */
  private async stillSignedIn(principal: Principal): Promise<boolean> {
    const [row] = await this.dataSource.query<{ ok: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM members m WHERE m.id = $1 AND m.disabled_at IS NULL)
          AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM member_sessions s WHERE s.id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()))
          AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM api_keys k WHERE k.id = $3 AND k.revoked_at IS NULL)) AS ok`,
      [principal.memberId, principal.sessionId, principal.apiKeyId],
    );
    return row.ok;
  }
}
