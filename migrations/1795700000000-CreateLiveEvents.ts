import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live stream's events (GET /api/events): written in the transaction of the change they announce,
 * read in commit order by (tx, id) below the oldest running transaction, kept for a bounded replay window.
 */
export class CreateLiveEvents1795700000000 implements MigrationInterface {
  name = 'CreateLiveEvents1795700000000';

  async up(q: QueryRunner): Promise<void> {
    // The writing transaction's id as a bigint (xid8 is 64-bit, epoch-extended), named so the entity can say it.
    await q.query(`CREATE FUNCTION live_tx() RETURNS bigint LANGUAGE sql VOLATILE AS 'SELECT pg_current_xact_id()::text::bigint'`);
    await q.query(`CREATE TABLE "live_events" (
      "id" bigserial NOT NULL,
      "tx" bigint NOT NULL DEFAULT live_tx(),
      "workspace_id" uuid NOT NULL,
      "type" text NOT NULL,
      "data" jsonb NOT NULL,
      "roles" text array,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_live_events" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_live_events_tx_id" ON "live_events" ("tx", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "live_events"`);
    await q.query(`DROP FUNCTION live_tx()`);
  }
}
