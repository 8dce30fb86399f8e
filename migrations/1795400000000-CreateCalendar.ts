import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Posts, their deliveries (the dispatch engine's queue and its truth in one table), approvals and
 * approval policies. The partial indexes serve the two hot queries: the claim of due deliveries and
 * the sweep of expired leases; both stay small because they only cover rows in those states.
 */
export class CreateCalendar1795400000000 implements MigrationInterface {
  name = 'CreateCalendar1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "channels" ADD "send_not_before" TIMESTAMP WITH TIME ZONE`);
    await q.query(`CREATE TABLE "posts" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "author_id" uuid NOT NULL,
      "last_editor_id" uuid NOT NULL,
      "text" text NOT NULL,
      "platform_text" jsonb NOT NULL DEFAULT '{}',
      "image_urls" text array NOT NULL DEFAULT '{}',
      "link" text,
      "scheduled_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "time_zone" text NOT NULL,
      "labels" text array NOT NULL DEFAULT '{}',
      "status" text NOT NULL,
      "content_version" integer NOT NULL DEFAULT '1',
      "content_hash" text NOT NULL,
      "submitted_at" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_posts_status" CHECK ("status" IN ('pending_approval','rejected','scheduled','cancelled')),
      CONSTRAINT "PK_posts" PRIMARY KEY ("id"),
      CONSTRAINT "FK_posts_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_posts_workspace_scheduled" ON "posts" ("workspace_id", "scheduled_at", "id")`);

    await q.query(`CREATE TABLE "deliveries" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "post_id" uuid NOT NULL,
      "channel_id" uuid NOT NULL,
      "platform" text NOT NULL,
      "state" text NOT NULL,
      "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "attempts" integer NOT NULL DEFAULT '0',
      "lease_owner" text,
      "lease_expires_at" TIMESTAMP WITH TIME ZONE,
      "platform_post_id" text,
      "url" text,
      "last_error" text,
      "published_at" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_deliveries_state" CHECK ("state" IN ('pending_approval','scheduled','publishing','published','failed','held','missed','needs_verification','cancelled')),
      CONSTRAINT "PK_deliveries" PRIMARY KEY ("id"),
      CONSTRAINT "FK_deliveries_post" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
      CONSTRAINT "FK_deliveries_channel" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    // A channel dropped from a post and added back gets a new delivery; the cancelled one stays as history.
    await q.query(`CREATE UNIQUE INDEX "UQ_deliveries_post_channel_live" ON "deliveries" ("post_id", "channel_id") WHERE "state" <> 'cancelled'`);
    await q.query(`CREATE INDEX "IDX_deliveries_post" ON "deliveries" ("post_id")`);
    await q.query(`CREATE INDEX "IDX_deliveries_channel" ON "deliveries" ("channel_id")`);
    await q.query(`CREATE INDEX "IDX_deliveries_due" ON "deliveries" ("platform", "due_at") WHERE "state" = 'scheduled'`);
    await q.query(`CREATE INDEX "IDX_deliveries_lease" ON "deliveries" ("lease_expires_at") WHERE "state" = 'publishing'`);

    await q.query(`CREATE TABLE "approvals" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "post_id" uuid NOT NULL,
      "approver_id" uuid NOT NULL,
      "decision" text NOT NULL,
      "content_hash" text NOT NULL,
      "content_version" integer NOT NULL,
      "comment" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_approvals_decision" CHECK ("decision" IN ('approved','rejected')),
      CONSTRAINT "PK_approvals" PRIMARY KEY ("id"),
      CONSTRAINT "FK_approvals_post" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_approvals_post" ON "approvals" ("post_id", "content_hash")`);

    await q.query(`CREATE TABLE "approval_policies" (
      "workspace_id" uuid NOT NULL,
      "approvals_required" integer NOT NULL DEFAULT '0',
      "crisis_level_1" integer NOT NULL DEFAULT '1',
      "crisis_level_2" integer NOT NULL DEFAULT '1',
      "crisis_level_3" integer NOT NULL DEFAULT '2',
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_approval_policies_counts" CHECK ("approvals_required" BETWEEN 0 AND 5 AND "crisis_level_1" BETWEEN 1 AND 5 AND "crisis_level_2" BETWEEN 1 AND 5 AND "crisis_level_3" BETWEEN 1 AND 5),
      CONSTRAINT "PK_approval_policies" PRIMARY KEY ("workspace_id"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "approval_policies"`);
    await q.query(`DROP TABLE "approvals"`);
    await q.query(`DROP TABLE "deliveries"`);
    await q.query(`DROP TABLE "posts"`);
    await q.query(`ALTER TABLE "channels" DROP COLUMN "send_not_before"`);
  }
}
