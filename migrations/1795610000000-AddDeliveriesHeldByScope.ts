import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A workspace's scheduled deliveries by platform and due time, with the crisis that released each:
 * what the crisis switch counts (in its answer and GET /api/crisis) and what deactivation decides,
 * read from the index alone, without a scan of other workspaces' calendars.
 */
export class AddDeliveriesHeldByScope1795610000000 implements MigrationInterface {
  name = 'AddDeliveriesHeldByScope1795610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "IDX_deliveries_scheduled_workspace" ON "deliveries" ("workspace_id", "platform", "due_at") INCLUDE ("released_by_crisis_id") WHERE "state" = 'scheduled'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_deliveries_scheduled_workspace"`);
  }
}
