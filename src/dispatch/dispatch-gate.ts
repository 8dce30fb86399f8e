// The one question asked before every send. A pass is held for the whole send and its recording.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Platform } from '../channels/platform';
import { stoppedByCrisis } from './crisis-hold';

/** Lock class for pg_advisory_lock*(class, hashtext(workspace)): the workspace's dispatch gate. */
export const GATE_LOCK_CLASS = 7_061_010;

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
 * Every send holds its workspace's gate lock in shared mode from just before the request until its
 * outcome is recorded. Closing the gate (the crisis switch) takes the same lock exclusively: it
 * waits until every send in flight in the workspace has finished and been recorded, and no send can
 * start while it holds it. That makes "once the switch answered, nothing else goes out" a property
 * of the database, true across every instance, rather than of any one process's memory.
 *
 * A pass covers one batch of a workspace's deliveries and is released when the whole batch is
 * recorded, so a closing gate waits at most for the batches already admitted, never for new ones
 * (PostgreSQL queues new shared requests behind a waiting exclusive one).
 */
@Injectable()
export class DispatchGate {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Closes the workspace's gate for the duration of `work`, run in one transaction: it starts only
   * after every admitted batch in the workspace has finished and recorded its sends, and no batch is
   * admitted until the transaction ends. What `work` commits (e.g. holding deliveries) is what every
   * later batch sees when it re-checks under the gate. Inside `work`, a delivery of the workspace in
   * state publishing was claimed but not admitted (every admitted batch has finished): it has not
   * been sent, and moving it out of publishing stops it for good.
   */
  whileClosed<T>(workspaceId: string, work: (manager: EntityManager, inFlight: InFlightDelivery[]) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const [{ pid }] = await manager.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
      const closing = manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [GATE_LOCK_CLASS, workspaceId]);
      let inFlight: InFlightDelivery[];
      try {
        inFlight = await this.inFlightOnceQueued(pid, workspaceId);
      } finally {
        await closing;
      }
      return work(manager, inFlight);
    });
  }

  /**
   * From the moment the exclusive request is queued, PostgreSQL admits no new shared holder, so the
   * workspace's deliveries in state publishing at that moment are exactly the sends in flight (or
   * claimed and waiting at the gate): read on another connection while the close waits.
   */
  private async inFlightOnceQueued(pid: number, workspaceId: string): Promise<InFlightDelivery[]> {
    for (let polls = 0; ; polls++) {
      const rows = await this.dataSource.query<{ granted: boolean }[]>(
        `SELECT granted FROM pg_locks WHERE locktype = 'advisory' AND pid = $1 AND classid = $2`,
        [pid, GATE_LOCK_CLASS],
      );
      if (rows.length > 0 || polls > 2000) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return this.dataSource.query<InFlightDelivery[]>(
      `SELECT id, channel_id AS "channelId", platform FROM deliveries
        WHERE state = 'publishing' AND lease_expires_at IS NOT NULL AND workspace_id = $1`,
      [workspaceId],
    );
  }

  async enter(workspaceId: string, deliveryIds: string[], owner: string): Promise<GatePass> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let locked = false;
    const release = async (): Promise<void> => {
      try {
        if (locked) {
          await runner.query('SELECT pg_advisory_unlock_shared($1, hashtext($2))', [GATE_LOCK_CLASS, workspaceId]);
        }
      } finally {
        await runner.release();
      }
    };
    try {
      await runner.query('SELECT pg_advisory_lock_shared($1, hashtext($2))', [GATE_LOCK_CLASS, workspaceId]);
      locked = true;
      // Checked under the lock: whatever happened while we waited (a hold, a lease sweep) wins.
      const rows = (await runner.query(
        `SELECT d.id FROM deliveries d
          WHERE d.id = ANY($1) AND d.state = 'publishing' AND d.lease_owner = $2 AND d.lease_expires_at > now()
            AND NOT ${stoppedByCrisis('d')}`,
        [deliveryIds, owner],
      )) as { id: string }[];
      return { admitted: new Set(rows.map((row) => row.id)), release };
    } catch (error) {
      await release();
      throw error;
    }
  }
}
