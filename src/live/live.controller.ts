// GET /api/events: the live stream (server-sent events) a console follows; any member, cookie or API key.
import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { LiveBatch, LiveHub, REPLAY_MAX, Snapshot, parseSnapshot, sees } from './live-hub.service';

const HEARTBEAT_MS = 15_000 - 1_000;
const RECHECK_MS = 5_000;
const RETRY_MS = 2_000;
export const STREAMS_PER_MEMBER = 10;

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
    const resume = asked === undefined || asked === '' ? null : parseSnapshot(asked);
    let refresh = asked !== undefined && asked !== '' && (resume === null || !(await this.hub.canResume(resume)));

    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    request.socket.setNoDelay(true);
    request.socket.setTimeout(0);

    let closed = false;
    const write = (text: string): void => {
      if (!closed) {
        response.write(text);
      }
    };
    // The stream's cursor is a snapshot; it goes out as the `id:` of a batch's last event only, so a
    // connection cut mid-batch resumes from the batch before (an event may come twice, never not at all).
    let at: Snapshot | null = null;
    /** Events a replay already sent: what its snapshot saw. */
    let replayed: Snapshot | null = null;
    const deliver = (batch: LiveBatch): void => {
      const mine = batch.events.filter(
        (event) =>
          event.workspaceId === principal.workspaceId &&
          !(replayed && sees(replayed, event.tx)) &&
          (event.roles === null || event.roles.some((r) => (principal.roles as string[]).includes(r))),
      );
      at = batch.to;
      mine.forEach((event, i) =>
        write(`${i === mine.length - 1 ? `id: ${batch.to.text}\n` : ''}event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`),
      );
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
    // Subscribe first, then read the replay: every batch the hub fans out from here on starts at `start`,
    // which the replay's snapshot (taken later) sees, so replay and live batches leave no gap between them.
    let replaying = true;
    const queued: LiveBatch[] = [];
    const start = this.hub.position ?? (await this.hub.now());
    const unsubscribe = this.hub.subscribe(
      { workspaceId: principal.workspaceId, roles: principal.roles, send: (batch) => (replaying ? queued.push(batch) : deliver(batch)) },
      () => close(),
    );
    // The heartbeat carries the cursor too, so a quiet workspace's console keeps a cursor it can resume from.
    const heartbeat = setInterval(() => write(at ? `id: ${at.text}\n: heartbeat\n\n` : ': heartbeat\n\n'), HEARTBEAT_MS);
    const recheck = setInterval(() => {
      void this.stillSignedIn(principal)
        .then((ok) => !ok && close(true))
        .catch(() => undefined);
    }, RECHECK_MS);
    request.on('close', () => close());

    write(`retry: ${RETRY_MS}\n`);
    try {
      if (resume && !refresh) {
        const replay = await this.hub.since(resume, principal.workspaceId, REPLAY_MAX + 1);
        if (replay.events.length > REPLAY_MAX) {
          refresh = true; // more missed than is worth replaying: the console reloads what it shows
        } else {
          deliver(replay);
        }
        replayed = replay.to;
        at = replay.to;
      } else {
        at = start;
      }
      if (refresh) {
        write(`id: ${at.text}\nevent: refresh\ndata: {}\n\n`);
      } else {
        write(`id: ${at.text}\n: live\n\n`); // the opening cursor: a reconnect resumes from here
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
