import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks, the events written in the transactions that cause them (the outbox), one delivery per
 * event and subscribed webhook (the sender's queue and its truth in one table), and every attempt
 * for the delivery log. The partial indexes serve the claim of due deliveries and the lease sweep.
 */
export class CreateWebhooks1795510000000 implements MigrationInterface {
  name = 'CreateWebhooks1795510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "webhooks" (
      "id" uuid NOT NULL,
      "workspace_id" uuid NOT NULL,
      "url" text NOT NULL,
      "description" text,
      "event_types" text array NOT NULL,
      "active" boolean NOT NULL DEFAULT true,
      "disabled_reason" text,
      "secret_sealed" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "deleted_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_webhooks" PRIMARY KEY ("id"),
      CONSTRAINT "FK_webhooks_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_webhooks_workspace" ON "webhooks" ("workspace_id")`);

    await q.query(`CREATE TABLE "webhook_events" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "type" text NOT NULL,
      "data" jsonb NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_webhook_events" PRIMARY KEY ("id"),
      CONSTRAINT "FK_webhook_events_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_webhook_events_workspace" ON "webhook_events" ("workspace_id", "created_at")`);

    await q.query(`CREATE TABLE "webhook_deliveries" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "webhook_id" uuid NOT NULL,
      "event_id" uuid NOT NULL,
      "state" text NOT NULL,
      "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "attempts" integer NOT NULL DEFAULT '0',
      "lease_owner" text,
      "lease_expires_at" TIMESTAMP WITH TIME ZONE,
      "last_status_code" integer,
      "last_error" text,
      "delivered_at" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_webhook_deliveries_state" CHECK ("state" IN ('pending','sending','delivered','failed','cancelled')),
      CONSTRAINT "PK_webhook_deliveries" PRIMARY KEY ("id"),
      CONSTRAINT "FK_webhook_deliveries_webhook" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
      CONSTRAINT "FK_webhook_deliveries_event" FOREIGN KEY ("event_id") REFERENCES "webhook_events"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_webhook_deliveries_log" ON "webhook_deliveries" ("webhook_id", "created_at", "id")`);
    await q.query(`CREATE INDEX "IDX_webhook_deliveries_event" ON "webhook_deliveries" ("event_id")`);
    await q.query(`CREATE INDEX "IDX_webhook_deliveries_due" ON "webhook_deliveries" ("due_at") WHERE "state" = 'pending'`);
    await q.query(`CREATE INDEX "IDX_webhook_deliveries_lease" ON "webhook_deliveries" ("lease_expires_at") WHERE "state" = 'sending'`);

    await q.query(`CREATE TABLE "webhook_attempts" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "delivery_id" uuid NOT NULL,
      "attempt" integer NOT NULL,
      "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "duration_ms" integer NOT NULL,
      "status_code" integer,
      "error" text,
      "response_body" text,
      CONSTRAINT "PK_webhook_attempts" PRIMARY KEY ("id"),
      CONSTRAINT "FK_webhook_attempts_delivery" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_webhook_attempts_delivery" ON "webhook_attempts" ("delivery_id", "attempt")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "webhook_attempts"`);
    await q.query(`DROP TABLE "webhook_deliveries"`);
    await q.query(`DROP TABLE "webhook_events"`);
    await q.query(`DROP TABLE "webhooks"`);
  }
}
