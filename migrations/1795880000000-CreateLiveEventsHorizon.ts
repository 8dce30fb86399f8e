import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live stream's cursor becomes a snapshot (which transactions had committed) instead of "below the
 * oldest running transaction", which any long transaction anywhere in the cluster held back. A resume is
 * then complete unless a transaction the cursor did not see has had its events pruned: this one row keeps
 * the newest pruned transaction to tell.
 */
export class CreateLiveEventsHorizon1795880000000 implements MigrationInterface {
  name = 'CreateLiveEventsHorizon1795880000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "live_events_horizon" (
      "id" smallint NOT NULL,
      "pruned_through" bigint NOT NULL DEFAULT 0,
      CONSTRAINT "CHK_live_events_horizon_one_row" CHECK ("id" = 1),
      CONSTRAINT "PK_live_events_horizon" PRIMARY KEY ("id"))`);
    // Events pruned before this table existed are unknown: the newest event's transaction stands for them.
    await q.query(`INSERT INTO "live_events_horizon" ("id", "pruned_through") SELECT 1, COALESCE(max("tx"), 0) FROM "live_events"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "live_events_horizon"`);
  }
}
