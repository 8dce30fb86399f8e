import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A send writes its delivery's row three times (claim, admission at the gate, outcome). The admission changes
 * only send_started_at and lease_expires_at: with no index on either and room left on the row's page, it can
 * be a HOT update (a new row version, no index entry). The lease sweep's index moves from lease_expires_at to
 * lease_owner, the other column it reads (it scans every publishing row anyway, since a dead owner's leases are
 * recovered whatever their expiry), and new pages keep a fifth free. FILLFACTOR applies to pages written from
 * now on; existing ones fill as their rows are updated.
 */
export class DeliveriesRoomForHotUpdates1796000000000 implements MigrationInterface {
  name = 'DeliveriesRoomForHotUpdates1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "IDX_deliveries_publishing" ON "deliveries" ("lease_owner") WHERE "state" = 'publishing'`);
    await q.query(`DROP INDEX "IDX_deliveries_lease"`);
    await q.query(`ALTER TABLE "deliveries" SET (fillfactor = 80)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deliveries" RESET (fillfactor)`);
    await q.query(`CREATE INDEX "IDX_deliveries_lease" ON "deliveries" ("lease_expires_at") WHERE "state" = 'publishing'`);
    await q.query(`DROP INDEX "IDX_deliveries_publishing"`);
  }
}
