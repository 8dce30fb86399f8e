import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The token life cycle (issue 15): a delivery that meets expired or revoked credentials waits for the
 * channel to be reconnected (deliveries.waiting_for_reauth_since) instead of failing, within a grace
 * window a workspace may set for itself (workspaces.reauth_grace_minutes; null: REAUTH_GRACE_MINUTES).
 */
export class AddReauthWaits1795890000000 implements MigrationInterface {
  name = 'AddReauthWaits1795890000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deliveries" ADD "waiting_for_reauth_since" timestamptz`);
    // The sweep reads only the few deliveries that wait.
    await q.query(
      `CREATE INDEX "IDX_deliveries_waiting_for_reauth" ON "deliveries" ("channel_id", "due_at") WHERE "waiting_for_reauth_since" IS NOT NULL`,
    );
    await q.query(`ALTER TABLE "workspaces" ADD "reauth_grace_minutes" integer`);
    await q.query(
      `ALTER TABLE "workspaces" ADD CONSTRAINT "CHK_workspaces_reauth_grace" CHECK ("reauth_grace_minutes" IS NULL OR "reauth_grace_minutes" BETWEEN 0 AND 10080)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "workspaces" DROP CONSTRAINT "CHK_workspaces_reauth_grace"`);
    await q.query(`ALTER TABLE "workspaces" DROP COLUMN "reauth_grace_minutes"`);
    await q.query(`DROP INDEX "IDX_deliveries_waiting_for_reauth"`);
    await q.query(`ALTER TABLE "deliveries" DROP COLUMN "waiting_for_reauth_since"`);
  }
}
