import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Templates (immutable versions, approval decisions bound to a content hash) and playbooks (the response
 * matrix: contacts and messages as JSON, edited as a whole). Names are unique among live rows of a workspace.
 */
export class CreateTemplatesAndPlaybooks1795520000000 implements MigrationInterface {
  name = 'CreateTemplatesAndPlaybooks1795520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "templates" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "name" text NOT NULL,
      "current_version" integer NOT NULL,
      "author_id" uuid NOT NULL,
      "archived_at" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_templates" PRIMARY KEY ("id"),
      CONSTRAINT "FK_templates_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE UNIQUE INDEX "UQ_templates_workspace_name_live" ON "templates" ("workspace_id", lower("name")) WHERE "archived_at" IS NULL`);

    await q.query(`CREATE TABLE "template_versions" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "template_id" uuid NOT NULL,
      "version" integer NOT NULL,
      "name" text NOT NULL,
      "body" text NOT NULL,
      "variants" jsonb NOT NULL DEFAULT '{}',
      "placeholders" jsonb NOT NULL DEFAULT '[]',
      "content_hash" text NOT NULL,
      "author_id" uuid NOT NULL,
      "status" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "UQ_template_versions_template_version" UNIQUE ("template_id", "version"),
      CONSTRAINT "CHK_template_versions_status" CHECK ("status" IN ('pending','approved','rejected')),
      CONSTRAINT "PK_template_versions" PRIMARY KEY ("id"),
      CONSTRAINT "FK_template_versions_template" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);

    await q.query(`CREATE TABLE "template_decisions" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "template_id" uuid NOT NULL,
      "version" integer NOT NULL,
      "approver_id" uuid NOT NULL,
      "decision" text NOT NULL,
      "content_hash" text NOT NULL,
      "comment" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_template_decisions_decision" CHECK ("decision" IN ('approved','rejected')),
      CONSTRAINT "PK_template_decisions" PRIMARY KEY ("id"),
      CONSTRAINT "FK_template_decisions_template" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_template_decisions_template" ON "template_decisions" ("template_id", "version")`);

    await q.query(`CREATE TABLE "playbooks" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "name" text NOT NULL,
      "category" text NOT NULL,
      "level" integer NOT NULL,
      "contacts" jsonb NOT NULL,
      "platforms" text array,
      "pause_ads" boolean NOT NULL,
      "messages" jsonb NOT NULL,
      "approvals_required" integer,
      "revision" integer NOT NULL DEFAULT '1',
      "author_id" uuid NOT NULL,
      "last_editor_id" uuid NOT NULL,
      "archived_at" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_playbooks_level" CHECK ("level" BETWEEN 1 AND 3),
      CONSTRAINT "CHK_playbooks_approvals_required" CHECK ("approvals_required" IS NULL OR "approvals_required" BETWEEN 1 AND 5),
      CONSTRAINT "CHK_playbooks_category" CHECK ("category" IN ('platform_outage','data_breach','delivery_delays','public_bug_report','payment_complaints','offensive_post','external_tragedy','other')),
      CONSTRAINT "PK_playbooks" PRIMARY KEY ("id"),
      CONSTRAINT "FK_playbooks_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE UNIQUE INDEX "UQ_playbooks_workspace_name_live" ON "playbooks" ("workspace_id", lower("name")) WHERE "archived_at" IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "playbooks"`);
    await q.query(`DROP TABLE "template_decisions"`);
    await q.query(`DROP TABLE "template_versions"`);
    await q.query(`DROP TABLE "templates"`);
  }
}
