import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The webhook retention prune walks events oldest first across every workspace: an index on their time,
 * so each batch reads the events it deletes rather than the whole table.
 */
export class AddWebhookEventsCreatedIndex1795970000000 implements MigrationInterface {
  name = 'AddWebhookEventsCreatedIndex1795970000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "IDX_webhook_events_created" ON "webhook_events" ("created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_webhook_events_created"`);
  }
}
