// The dispatcher's side of the crisis switch's deadline: sends in flight behind a closing gate are aborted at it.
import { Logger } from '@nestjs/common';
import { setMaxListeners } from 'node:events';
import type { Platform } from '../channels/platform';
import { inCrisisScope } from './crisis-scope';
import type { GateClosing } from './dispatch-gate';

interface TrackedSend {
  workspaceId: string;
  platform: Platform;
  abort: AbortController;
  startedAt: number;
  /** When the switch's deadline aborts it (the earliest of the notices that cover it). */
  abortAt?: number;
  timer?: NodeJS.Timeout;
  /** Set when the switch aborted it: what its last_error says. */
  reason?: string;
}

interface Notice {
  workspaceId: string;
  platforms: Platform[] | null;
  abortAt: number;
}

/** The abort of a send, shared by the sends of a batch that started together (see {@link ClosingGates.abortsFor}). */
export interface SharedAbort {
  signal: AbortSignal;
  /** Why the switch aborted the sends, or null if it did not. */
  abortedBySwitch(): string | null;
  /** One of its sends is answered. */
  done(): void;
}

/** Sends that share one abort: few enough that each request's listener on its signal stays cheap. */
export const SENDS_PER_ABORT = 50;

export interface TrackedSendHandle {
  /** Why the switch aborted the send, or null if it did not. */
  abortedBySwitch(): string | null;
  /** The send is answered: nothing left to abort. */
  done(): void;
}

/**
 * This instance's sends in flight, by workspace and platform, and the gate-closing notices
 * (GATE_CLOSING_CHANNEL) heard while their deadline runs. A send behind a closing gate that is still
 * unanswered `deadlineMs` after the notice arrived is aborted: its outcome is unknown (the request may
 * have reached the platform), so it is never retried by itself. A notice also covers sends that start
 * after it arrived and before its deadline (admitted just before the close queued its lock).
 */
export class ClosingGates {
  private readonly logger = new Logger(ClosingGates.name);
  private readonly sends = new Set<TrackedSend>();
  private notices: Notice[] = [];

  track(workspaceId: string, platform: Platform, abort: AbortController): TrackedSendHandle {
    const send: TrackedSend = { workspaceId, platform, abort, startedAt: Date.now() };
    this.sends.add(send);
    if (this.notices.length > 0) {
      const now = Date.now();
      this.notices = this.notices.filter((notice) => notice.abortAt > now);
      for (const notice of this.notices.filter((n) => covers(n, send))) {
        this.abortAt(send, notice.abortAt);
      }
    }
    return {
      abortedBySwitch: () => send.reason ?? null,
      done: () => {
        clearTimeout(send.timer);
        this.sends.delete(send);
      },
    };
  }

  /**
   * The aborts of `count` sends of one workspace to one platform that start now: one for each SENDS_PER_ABORT of
   * them, since their timeout and the switch's deadline are the same, and a controller, a timer and a tracking
   * entry per send cost a burst more CPU than the rest of the engine's bookkeeping. `aborts[i]` is the i-th
   * send's; a group's timer and tracking end once all of its sends are done.
   */
  abortsFor(workspaceId: string, platform: Platform, count: number, timeoutMs: number): SharedAbort[] {
    const aborts: SharedAbort[] = [];
    for (let first = 0; first < count; first += SENDS_PER_ABORT) {
      const size = Math.min(SENDS_PER_ABORT, count - first);
      const controller = new AbortController();
      // Each request listens on the signal: a shared one carries up to SENDS_PER_ABORT listeners by design.
      setMaxListeners(SENDS_PER_ABORT * 4, controller.signal);
      const timeout = setTimeout(() => controller.abort(new Error(`send timed out after ${timeoutMs} ms`)), timeoutMs);
      const tracked = this.track(workspaceId, platform, controller);
      let open = size;
      const abort: SharedAbort = {
        signal: controller.signal,
        abortedBySwitch: () => tracked.abortedBySwitch(),
        done: () => {
          if (--open === 0) {
            clearTimeout(timeout);
            tracked.done();
          }
        },
      };
      aborts.push(...Array<SharedAbort>(size).fill(abort));
    }
    return aborts;
  }

  /** A GATE_CLOSING_CHANNEL payload: {@link GateClosing} as JSON. */
  closing(payload: string | undefined): void {
    const notice = parseNotice(payload);
    if (!notice) {
      this.logger.warn({ payload }, 'Ignored a malformed gate-closing notice');
      return;
    }
    const now = Date.now();
    const entry: Notice = { workspaceId: notice.workspaceId, platforms: notice.platforms, abortAt: now + notice.deadlineMs };
    this.notices = this.notices.filter((n) => n.abortAt > now).concat(entry);
    for (const send of this.sends) {
      if (covers(entry, send)) {
        this.abortAt(send, entry.abortAt);
      }
    }
  }

  private abortAt(send: TrackedSend, at: number): void {
    if (send.abortAt !== undefined && send.abortAt <= at) {
      return;
    }
    clearTimeout(send.timer);
    send.abortAt = at;
    send.timer = setTimeout(() => {
      send.reason = `the crisis switch aborted the send after ${Date.now() - send.startedAt} ms in flight (its deadline for sends in flight passed)`;
      send.abort.abort(new Error(send.reason));
    }, Math.max(0, at - Date.now()));
    send.timer.unref();
  }
}

function covers(notice: Notice, send: TrackedSend): boolean {
  return notice.workspaceId === send.workspaceId && inCrisisScope(notice, send.platform);
}

function parseNotice(payload: string | undefined): GateClosing | null {
  try {
    const value = JSON.parse(payload ?? '') as Partial<GateClosing>;
    const platformsOk = value.platforms === null || (Array.isArray(value.platforms) && value.platforms.every((p) => typeof p === 'string'));
    if (typeof value.workspaceId === 'string' && platformsOk && typeof value.deadlineMs === 'number' && Number.isFinite(value.deadlineMs)) {
      return { workspaceId: value.workspaceId, platforms: value.platforms ?? null, deadlineMs: Math.max(0, value.deadlineMs) };
    }
  } catch {
    // not JSON
  }
  return null;
}
