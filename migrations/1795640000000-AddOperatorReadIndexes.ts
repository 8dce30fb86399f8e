import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What operators read under load. GET /api/deliveries?state= pages a workspace's deliveries in one
 * state, newest change first: (workspace_id, state, updated_at DESC, id) answers it from the index in
 * its order, and also serves the failover candidates query (a workspace's scheduled deliveries).
 * The crisis report reads by held_by / released_by / the post's crisis through the partial indexes
 * of CreateCrisis, as a union of three indexed lookups.
 */
export class AddOperatorReadIndexes1795640000000 implements MigrationInterface {
  name = 'AddOperatorReadIndexes1795640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "IDX_deliveries_workspace_state_updated" ON "deliveries" ("workspace_id", "state", "updated_at" DESC, "id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_deliveries_workspace_state_updated"`);
  }
}
