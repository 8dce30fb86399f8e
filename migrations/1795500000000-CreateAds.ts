import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ad-spend controller: connected ad accounts (credentials sealed), their campaigns with what the
 * platform says and what the controller is driving them to, pause orders the reconciler enforces,
 * the log of pauses and resumes per reason (spend at pause included), daily spend for the monthly
 * cap, and that cap. The partial indexes keep the retry sweep and the "one live row" rules small.
 */
export class CreateAds1795500000000 implements MigrationInterface {
  name = 'CreateAds1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "ad_accounts" (
      "id" uuid NOT NULL,
      "workspace_id" uuid NOT NULL,
      "platform" text NOT NULL,
      "platform_account_id" text NOT NULL,
      "name" text NOT NULL,
      "currency" text NOT NULL,
      "credentials_sealed" text NOT NULL,
      "credential_fields" text array NOT NULL,
      "last_synced_at" TIMESTAMP WITH TIME ZONE,
      "last_sync_error" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "deleted_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "CHK_ad_accounts_platform" CHECK ("platform" IN ('meta','x','linkedin','google','tiktok')),
      CONSTRAINT "PK_ad_accounts" PRIMARY KEY ("id"),
      CONSTRAINT "FK_ad_accounts_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_ad_accounts_platform_account_live" ON "ad_accounts" ("workspace_id", "platform", "platform_account_id") WHERE "deleted_at" IS NULL`,
    );

    await q.query(`CREATE TABLE "campaigns" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "ad_account_id" uuid NOT NULL,
      "platform" text NOT NULL,
      "platform_campaign_id" text NOT NULL,
      "name" text NOT NULL,
      "platform_status" text NOT NULL,
      "platform_status_raw" text NOT NULL,
      "status" text NOT NULL,
      "target_status" text,
      "pause_reasons" text array NOT NULL DEFAULT '{}',
      "pause_note" text,
      "paused_by" text,
      "paused_at" TIMESTAMP WITH TIME ZONE,
      "attempts" integer NOT NULL DEFAULT '0',
      "next_attempt_at" TIMESTAMP WITH TIME ZONE,
      "last_error" text,
      "confirmed_at" TIMESTAMP WITH TIME ZONE,
      "daily_budget_minor" bigint,
      "lifetime_budget_minor" bigint,
      "daily_cap_minor" bigint,
      "lifetime_cap_minor" bigint,
      "spend_today_minor" bigint NOT NULL DEFAULT '0',
      "spend_lifetime_minor" bigint NOT NULL DEFAULT '0',
      "currency" text NOT NULL,
      "last_synced_at" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_campaigns_status" CHECK ("status" IN ('active','paused','pause_pending','resume_pending','inactive')),
      CONSTRAINT "CHK_campaigns_platform_status" CHECK ("platform_status" IN ('active','paused','inactive')),
      CONSTRAINT "CHK_campaigns_target_status" CHECK ("target_status" IN ('active','paused')),
      CONSTRAINT "PK_campaigns" PRIMARY KEY ("id"),
      CONSTRAINT "FK_campaigns_ad_account" FOREIGN KEY ("ad_account_id") REFERENCES "ad_accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE UNIQUE INDEX "UQ_campaigns_account_platform_campaign" ON "campaigns" ("ad_account_id", "platform_campaign_id")`);
    await q.query(`CREATE INDEX "IDX_campaigns_workspace_status" ON "campaigns" ("workspace_id", "status")`);
    await q.query(`CREATE INDEX "IDX_campaigns_unconfirmed" ON "campaigns" ("next_attempt_at") WHERE "target_status" IS NOT NULL`);

    await q.query(`CREATE TABLE "pause_orders" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "reason" text NOT NULL,
      "platforms" text array NOT NULL DEFAULT '{}',
      "created_by" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "lifted_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_pause_orders" PRIMARY KEY ("id"),
      CONSTRAINT "FK_pause_orders_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE UNIQUE INDEX "UQ_pause_orders_live" ON "pause_orders" ("workspace_id", "reason") WHERE "lifted_at" IS NULL`);

    await q.query(`CREATE TABLE "campaign_actions" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "campaign_id" uuid NOT NULL,
      "reason" text NOT NULL,
      "action" text NOT NULL,
      "at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "confirmed_at" TIMESTAMP WITH TIME ZONE,
      "spend_at_pause_minor" bigint,
      CONSTRAINT "CHK_campaign_actions_action" CHECK ("action" IN ('pause','resume','re-pause')),
      CONSTRAINT "PK_campaign_actions" PRIMARY KEY ("id"),
      CONSTRAINT "FK_campaign_actions_campaign" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_campaign_actions_reason" ON "campaign_actions" ("workspace_id", "reason", "at")`);
    await q.query(`CREATE INDEX "IDX_campaign_actions_campaign" ON "campaign_actions" ("campaign_id")`);

    await q.query(`CREATE TABLE "campaign_spend_days" (
      "campaign_id" uuid NOT NULL,
      "day" date NOT NULL,
      "workspace_id" uuid NOT NULL,
      "spend_minor" bigint NOT NULL,
      "currency" text NOT NULL,
      CONSTRAINT "PK_campaign_spend_days" PRIMARY KEY ("campaign_id", "day"),
      CONSTRAINT "FK_campaign_spend_days_campaign" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_campaign_spend_days_workspace_day" ON "campaign_spend_days" ("workspace_id", "day")`);

    await q.query(`CREATE TABLE "ad_spend_caps" (
      "workspace_id" uuid NOT NULL,
      "monthly_cap_minor" bigint NOT NULL,
      "currency" text NOT NULL,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_ad_spend_caps" PRIMARY KEY ("workspace_id"),
      CONSTRAINT "FK_ad_spend_caps_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "ad_spend_caps"`);
    await q.query(`DROP TABLE "campaign_spend_days"`);
    await q.query(`DROP TABLE "campaign_actions"`);
    await q.query(`DROP TABLE "pause_orders"`);
    await q.query(`DROP TABLE "campaigns"`);
    await q.query(`DROP TABLE "ad_accounts"`);
  }
}
