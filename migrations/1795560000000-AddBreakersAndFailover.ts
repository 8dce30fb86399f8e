import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Degraded platforms and failover decided in advance.
 *
 * `platform_health` holds one circuit breaker per scope, shared by every instance: `platform:<name>`
 * (the platform as a whole, all workspaces) and `channel:<id>` (one connected account). The dispatcher
 * reads the breakers that are not closed before it claims, and a half-open breaker lets exactly one
 * probe out (probe_owner until probe_expires_at). Written only with SQL by the breakers service; the
 * partial index keeps "which breakers are not closed" a lookup of a handful of rows.
 *
 * Channels get a failover policy (off, manual, auto after N minutes late); a delivery created by
 * failover names the one it stands in for (failover_of_id), and that one ends `failed_over`.
 */
export class AddBreakersAndFailover1795560000000 implements MigrationInterface {
  name = 'AddBreakersAndFailover1795560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "platform_health" (
      "scope" text NOT NULL,
      "platform" text NOT NULL,
      "channel_id" uuid,
      "workspace_id" uuid,
      "state" text NOT NULL DEFAULT 'closed',
      "consecutive_failures" integer NOT NULL DEFAULT 0,
      "window_started_at" TIMESTAMP WITH TIME ZONE,
      "window_requests" integer NOT NULL DEFAULT 0,
      "window_failures" integer NOT NULL DEFAULT 0,
      "opened_at" TIMESTAMP WITH TIME ZONE,
      "retry_at" TIMESTAMP WITH TIME ZONE,
      "trips" integer NOT NULL DEFAULT 0,
      "probe_owner" text,
      "probe_expires_at" TIMESTAMP WITH TIME ZONE,
      "last_error" text,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_platform_health" PRIMARY KEY ("scope"),
      CONSTRAINT "CHK_platform_health_state" CHECK ("state" IN ('closed','open','half_open')),
      CONSTRAINT "CHK_platform_health_scope" CHECK (
        ("channel_id" IS NULL AND "workspace_id" IS NULL AND "scope" = 'platform:' || "platform")
        OR ("channel_id" IS NOT NULL AND "workspace_id" IS NOT NULL AND "scope" = 'channel:' || "channel_id")),
      CONSTRAINT "FK_platform_health_channel" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_platform_health_degraded" ON "platform_health" ("platform") WHERE "state" <> 'closed'`);
    await q.query(`CREATE INDEX "IDX_platform_health_workspace" ON "platform_health" ("workspace_id") WHERE "workspace_id" IS NOT NULL`);

    await q.query(`ALTER TABLE "channels" ADD "failover_policy" text NOT NULL DEFAULT 'off'`);
    await q.query(`ALTER TABLE "channels" ADD "failover_after_minutes" integer`);
    await q.query(`ALTER TABLE "channels" ADD CONSTRAINT "CHK_channels_failover_policy" CHECK ("failover_policy" IN ('off','manual','auto'))`);
    await q.query(`ALTER TABLE "channels" ADD CONSTRAINT "CHK_channels_failover_after" CHECK ("failover_after_minutes" BETWEEN 1 AND 1440)`);

    await q.query(`ALTER TABLE "deliveries" DROP CONSTRAINT "CHK_deliveries_state"`);
    await q.query(`ALTER TABLE "deliveries" ADD CONSTRAINT "CHK_deliveries_state" CHECK ("state" IN ('pending_approval','scheduled','publishing','published','failed','held','missed','needs_verification','cancelled','failed_over'))`);
    await q.query(`ALTER TABLE "deliveries" ADD "failover_of_id" uuid`);
    await q.query(`ALTER TABLE "deliveries" ADD CONSTRAINT "FK_deliveries_failover_of" FOREIGN KEY ("failover_of_id") REFERENCES "deliveries"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`CREATE INDEX "IDX_deliveries_failover_of" ON "deliveries" ("failover_of_id") WHERE "failover_of_id" IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_deliveries_failover_of"`);
    await q.query(`ALTER TABLE "deliveries" DROP CONSTRAINT "FK_deliveries_failover_of"`);
    await q.query(`ALTER TABLE "deliveries" DROP COLUMN "failover_of_id"`);
    // The older schema has no failed_over: such deliveries read as failed (their posts went out elsewhere).
    await q.query(`ALTER TABLE "deliveries" DROP CONSTRAINT "CHK_deliveries_state"`);
    await q.query(`UPDATE "deliveries" SET "state" = 'failed', "last_error" = COALESCE("last_error", 'failed over to fallback channels') WHERE "state" = 'failed_over'`);
    await q.query(`ALTER TABLE "deliveries" ADD CONSTRAINT "CHK_deliveries_state" CHECK ("state" IN ('pending_approval','scheduled','publishing','published','failed','held','missed','needs_verification','cancelled'))`);

    await q.query(`ALTER TABLE "channels" DROP CONSTRAINT "CHK_channels_failover_after"`);
    await q.query(`ALTER TABLE "channels" DROP CONSTRAINT "CHK_channels_failover_policy"`);
    await q.query(`ALTER TABLE "channels" DROP COLUMN "failover_after_minutes"`);
    await q.query(`ALTER TABLE "channels" DROP COLUMN "failover_policy"`);

    await q.query(`DROP TABLE "platform_health"`);
  }
}
