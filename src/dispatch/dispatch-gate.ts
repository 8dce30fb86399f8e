// The one question asked before every send. A pass is held for the whole send and its recording.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Platform } from '../channels/platform';
import { arrayLiteral } from '../database/array-literal';
import { stoppedByCrisis } from './crisis-hold';
import { platformInScope, scopePlatforms } from './crisis-scope';

/** Lock class for pg_advisory_lock*(class, gateKey): one gate per workspace and platform. */
export const GATE_LOCK_CLASS = 7_061_010;

/**
 * The second key of a gate's advisory lock. One gate per (workspace, platform): a crisis scoped to
 * some platforms closes only their gates, so sends to the other platforms neither wait for it nor
 * are reported by it. `$w` and `$p` are SQL expressions for the workspace id (text) and the platform.
 */
export function gateKeySql(w: string, p: string): string {
  return `hashtext(${w} || ':' || ${p})`;
}

/**
 * NOTIFY channel on which a closing gate tells every dispatcher, before it waits, which gates are
 * closing: payload {@link GateClosing} as JSON. Sent outside the closing transaction (a NOTIFY in a
 * transaction is delivered only at commit), so senders learn of it while the close still waits.
 */
export const GATE_CLOSING_CHANNEL = 'holdfast_gate_closing';

export interface GateClosing {
  workspaceId: string;
  /** The platforms whose gates close; every platform when null. */
  platforms: Platform[] | null;
  /**
   * Sends in flight behind these gates (of this workspace, to these platforms) still unanswered this long
   * after the notice arrived are aborted: their outcome is unknown (the request may have landed), so
   * they end needs_verification and are never retried by themselves.
   */
  deadlineMs: number;
}

/** A delivery some dispatcher held (claimed, perhaps sending) when the gate began to close. */
export interface InFlightDelivery {
  id: string;
  channelId: string;
  platform: Platform;
}

export interface GatePass {
  /** The deliveries that may be sent now; the others are no longer this dispatcher's to send. */
  admitted: Set<string>;
  release(): Promise<void>;
}

/**
 * Every send holds its (workspace, platform) gate lock in shared mode from just before the request
 * until its outcome is recorded. Closing gates (the crisis switch) takes the same locks exclusively:
 * it waits until every send in flight behind them has finished and been recorded, and no send can
 * start while it holds them. That makes "once the switch answered, nothing else goes out" a property
 * of the database, true across every instance, rather than of any one process's memory.
 *
 * A pass covers one batch of a workspace's deliveries to one platform and is released when the whole
 * batch is recorded, so a closing gate waits at most for the batches already admitted, never for new
 * ones (PostgreSQL queues new shared requests behind a waiting exclusive one).
 *
 * Admission marks each admitted delivery `send_started_at = now()` and extends its lease from that
 * instant, in the statement that checks it under the lock: a delivery in state publishing with no
 * send_started_at was claimed but never sent; one with it set may have reached the platform.
 */
@Injectable()
export class DispatchGate {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Closes the workspace's gates for `platforms` (all when null) for the duration of `work`, run in
   * one transaction: it starts only after every admitted batch behind those gates has finished and
   * recorded its sends, and no batch is admitted behind them until the transaction ends. What `work`
   * commits (e.g. the crisis row) is what every later batch sees when it is checked under the gate.
   *
   * `inFlight` are the candidates for the sends in flight: the workspace's deliveries in scope seen in
   * state publishing from the moment the first gate's close was queued until the last one was granted
   * (read again each time another gate's close is queued, since the gates close one after the other:
   * a batch admitted behind a later gate while an earlier one was awaited is in flight too). Inside
   * `work` every gate is closed, so each candidate's state is final, except those still publishing:
   * claimed and never admitted (send_started_at null), or left by a dead or stuck sender.
   *
   * With `deadlineMs`, every dispatcher is told (GATE_CLOSING_CHANNEL, before the close waits) to abort
   * the sends in flight behind these gates still unanswered after that long, so the close waits for no
   * hanging platform.
   */
  whileClosed<T>(
    workspaceId: string,
    platforms: readonly Platform[] | null,
    work: (manager: EntityManager, inFlight: InFlightDelivery[]) => Promise<T>,
    options: { deadlineMs?: number } = {},
  ): Promise<T> {
    // In the one order every closer locks them (PLATFORMS order), so no two closers deadlock.
    const scope = scopePlatforms(platforms);
    return this.dataSource.transaction(async (manager) => {
      const [{ pid }] = await manager.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
      // One statement locks the gates in PLATFORMS order, so two closers never deadlock.
      let closed = false;
      const closing = manager
        .query(
          `SELECT pg_advisory_xact_lock($1, ${gateKeySql('$2::text', 'p')}) FROM unnest($3::text[]) WITH ORDINALITY AS g(p, i) ORDER BY i`,
          [GATE_LOCK_CLASS, workspaceId, scope],
        )
        .finally(() => {
          closed = true;
        });
      let inFlight: InFlightDelivery[];
      try {
        inFlight = await this.inFlightWhileClosing(pid, workspaceId, scope, () => closed, () => this.announce(workspaceId, platforms, options.deadlineMs));
      } finally {
        await closing;
      }
      return work(manager, inFlight);
    });
  }

  /** Tells every dispatcher which gates close, on a connection outside the transaction (a NOTIFY in it would wait for the commit). */
  private async announce(workspaceId: string, platforms: readonly Platform[] | null, deadlineMs: number | undefined): Promise<void> {
    if (deadlineMs === undefined) {
      return;
    }
    const notice: GateClosing = { workspaceId, platforms: platforms === null ? null : [...platforms], deadlineMs };
    await this.dataSource.query('SELECT pg_notify($1, $2)', [GATE_CLOSING_CHANNEL, JSON.stringify(notice)]);
  }

  /**
   * From the moment a gate's exclusive request is queued, PostgreSQL admits no new shared holder
   * behind it, so the deliveries in scope in state publishing then are the sends in flight behind it
   * (or claimed and waiting at the gate). The gates are queued one after the other by one statement:
   * each time pg_locks shows another of its requests, the candidates are read again (on another
   * connection, while the close waits) and added, until every gate is granted. The notice of the
   * close goes out once the first request is queued, so every send it must abort was admitted before.
   */
  private async inFlightWhileClosing(
    pid: number,
    workspaceId: string,
    scope: Platform[],
    isClosed: () => boolean,
    announce: () => Promise<void>,
  ): Promise<InFlightDelivery[]> {
    const candidates = new Map<string, InFlightDelivery>();
    const read = async (): Promise<void> => {
      const rows = await this.dataSource.query<InFlightDelivery[]>(
        `SELECT id, channel_id AS "channelId", platform FROM deliveries
          WHERE state = 'publishing' AND lease_expires_at IS NOT NULL AND workspace_id = $1 AND ${platformInScope('platform', '$2::text[]')}`,
        [workspaceId, scope],
      );
      for (const row of rows) {
        candidates.set(row.id, row);
      }
    };
    let seen = 0;
    let announced: Promise<void> | undefined;
    for (let polls = 0; ; polls++) {
      const closedBefore = isClosed();
      const locks = await this.dataSource.query<{ granted: boolean }[]>(
        `SELECT granted FROM pg_locks WHERE locktype = 'advisory' AND pid = $1 AND classid = $2`,
        [pid, GATE_LOCK_CLASS],
      );
      if (locks.length > seen) {
        seen = locks.length;
        announced ??= announce();
        await read();
      }
      // Every gate granted (or the statement ended): nothing behind them can change any more.
      if (closedBefore || locks.filter((lock) => lock.granted).length >= scope.length) {
        break;
      }
      // Quick at first (a gate queued late is read soon after), slower while a long send holds one.
      await new Promise((resolve) => setTimeout(resolve, Math.min(1 + Math.floor(polls / 50), 10)));
    }
    await (announced ?? announce());
    return [...candidates.values()];
  }

  /**
   * Enters the (workspace, platform) gate for a batch this dispatcher claimed. Under the shared lock,
   * the deliveries still its own, unexpired and not stopped by a crisis are admitted: marked as sent
   * from now, their lease counted afresh from now (`leaseMs`), so a batch admitted after a long wait
   * at the gate still has a whole send's worth of lease.
   */
  async enter(workspaceId: string, platform: Platform, deliveryIds: string[], owner: string, leaseMs: number): Promise<GatePass> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let locked = false;
    const release = async (): Promise<void> => {
      try {
        if (locked) {
          await runner.query(`SELECT pg_advisory_unlock_shared($1, ${gateKeySql('$2::text', '$3::text')})`, [GATE_LOCK_CLASS, workspaceId, platform]);
        }
      } finally {
        await runner.release();
      }
    };
    try {
      await runner.query(`SELECT pg_advisory_lock_shared($1, ${gateKeySql('$2::text', '$3::text')})`, [GATE_LOCK_CLASS, workspaceId, platform]);
      locked = true;
      // Checked under the lock: whatever happened while we waited (a hold, a lease sweep, a cancel) wins. A cancel
      // or a rejection moves the row (or marks it stop_requested) in place: an UPDATE waiting on its lock re-checks
      // these conditions on the row's new version, which it would not do for a subquery over another table.
      const [rows] = (await runner.query(
        `UPDATE deliveries d SET send_started_at = now(), lease_expires_at = now() + make_interval(secs => $3::float8 / 1000)
          WHERE d.id = ANY($1::uuid[]) AND d.state = 'publishing' AND d.lease_owner = $2 AND d.lease_expires_at > now()
            AND d.stop_requested IS NULL AND NOT ${stoppedByCrisis('d')}
          RETURNING d.id`,
        [arrayLiteral(deliveryIds), owner, leaseMs],
      )) as [{ id: string }[], number];
      return { admitted: new Set(rows.map((row) => row.id)), release };
    } catch (error) {
      await release();
      throw error;
    }
  }
}
