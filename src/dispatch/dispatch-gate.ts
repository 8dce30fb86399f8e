// The one question asked before every send. A pass is held for the whole send and its recording.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Lock class for pg_advisory_lock*(class, hashtext(workspace)): the workspace's dispatch gate. */
export const GATE_LOCK_CLASS = 7_061_010;

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
  whileClosed<T>(workspaceId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [GATE_LOCK_CLASS, workspaceId]);
      return work(manager);
    });
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
        `SELECT id FROM deliveries
          WHERE id = ANY($1) AND state = 'publishing' AND lease_owner = $2 AND lease_expires_at > now()`,
        [deliveryIds, owner],
      )) as { id: string }[];
      return { admitted: new Set(rows.map((row) => row.id)), release };
    } catch (error) {
      await release();
      throw error;
    }
  }
}
