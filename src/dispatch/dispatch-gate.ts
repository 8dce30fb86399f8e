// The one question asked before every send. A pass is held for the whole send and its recording.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Lock class for pg_advisory_lock*(class, hashtext(workspace)): the workspace's dispatch gate. */
export const GATE_LOCK_CLASS = 7_061_010;

export interface GatePass {
  release(): Promise<void>;
}

/**
 * Every send holds its workspace's gate lock in shared mode from just before the request until its
 * outcome is recorded. Closing the gate (the crisis switch) takes the same lock exclusively: it
 * waits until every send in flight in the workspace has finished and been recorded, and no send can
 * start while it holds it. That makes "once the switch answered, nothing else goes out" a property
 * of the database, true across every instance, rather than of any one process's memory.
 */
@Injectable()
export class DispatchGate {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A pass for this delivery, or undefined if it is no longer this dispatcher's to send. */
  async enter(delivery: { id: string; workspaceId: string }, owner: string): Promise<GatePass | undefined> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const unlock = async (): Promise<void> => {
      try {
        await runner.query('SELECT pg_advisory_unlock_shared($1, hashtext($2))', [GATE_LOCK_CLASS, delivery.workspaceId]);
      } finally {
        await runner.release();
      }
    };
    try {
      await runner.query('SELECT pg_advisory_lock_shared($1, hashtext($2))', [GATE_LOCK_CLASS, delivery.workspaceId]);
    } catch (error) {
      await runner.release();
      throw error;
    }
    try {
      // Checked under the lock: whatever happened while we waited (a hold, a lease sweep) wins.
      const rows = (await runner.query(
        `SELECT 1 FROM deliveries
          WHERE id = $1 AND state = 'publishing' AND lease_owner = $2 AND lease_expires_at > now()`,
        [delivery.id, owner],
      )) as unknown[];
      if (rows.length === 0) {
        await unlock();
        return undefined;
      }
    } catch (error) {
      await unlock();
      throw error;
    }
    return { release: unlock };
  }
}
