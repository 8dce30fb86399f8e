import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The claim reads, once per claim, the channels that may not send now: a rate-limit wait still running
 * (send_not_before in the future) or credentials to reconnect (needs_reauth). With many workspaces that
 * would be a scan of every channel on every claim; these two small indexes answer it by range and by state
 * (PostgreSQL ORs them). send_not_before is set only when a platform asks for a wait, so updates that leave
 * it alone stay HOT.
 */
export class AddChannelsHeldBackIndexes1796100000000 implements MigrationInterface {
  name = 'AddChannelsHeldBackIndexes1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "IDX_channels_send_not_before" ON "channels" ("send_not_before") WHERE "send_not_before" IS NOT NULL`);
    await q.query(`CREATE INDEX "IDX_channels_needs_reauth" ON "channels" ("id") WHERE "status" = 'needs_reauth'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_channels_needs_reauth"`);
    await q.query(`DROP INDEX "IDX_channels_send_not_before"`);
  }
}
