import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Crisis mode. The switch is one row in `crises`: the dispatch engine reads it in the claim and again
 * under the gate, so activation writes one row, never one per scheduled delivery. Deliveries carry
 * the crisis that released them (approved under its policy) and the crisis that held them; approvals
 * carry the crisis they were given under, so they do not count as normal-mode approvals afterwards.
 */
export class CreateCrisis1795530000000 implements MigrationInterface {
  name = 'CreateCrisis1795530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "crises" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "level" integer NOT NULL,
      "reason" text NOT NULL,
      "platforms" text array,
      "playbook_id" uuid,
      "playbook" jsonb,
      "approvals_required" integer NOT NULL,
      "pause_ads" boolean NOT NULL,
      "activated_by" uuid NOT NULL,
      "activated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "in_flight" jsonb NOT NULL DEFAULT '[]',
      "ads" jsonb,
      "deactivated_by" uuid,
      "deactivated_at" TIMESTAMP WITH TIME ZONE,
      "deactivation_note" text,
      "resume_campaigns" boolean,
      "outcome" jsonb,
      CONSTRAINT "CHK_crises_level" CHECK ("level" BETWEEN 1 AND 3),
      CONSTRAINT "CHK_crises_approvals" CHECK ("approvals_required" BETWEEN 1 AND 5),
      CONSTRAINT "PK_crises" PRIMARY KEY ("id"),
      CONSTRAINT "FK_crises_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    // One active crisis per workspace, and the index the claim's NOT EXISTS probes.
    await q.query(`CREATE UNIQUE INDEX "UQ_crises_active" ON "crises" ("workspace_id") WHERE "deactivated_at" IS NULL`);
    await q.query(`CREATE INDEX "IDX_crises_workspace_activated" ON "crises" ("workspace_id", "activated_at")`);

    await q.query(`CREATE TABLE "crisis_notes" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "crisis_id" uuid NOT NULL,
      "workspace_id" uuid NOT NULL,
      "author_id" uuid NOT NULL,
      "text" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_crisis_notes" PRIMARY KEY ("id"),
      CONSTRAINT "FK_crisis_notes_crisis" FOREIGN KEY ("crisis_id") REFERENCES "crises"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_crisis_notes_crisis" ON "crisis_notes" ("crisis_id")`);

    await q.query(`ALTER TABLE "deliveries" ADD "released_by_crisis_id" uuid`);
    await q.query(`ALTER TABLE "deliveries" ADD "held_by_crisis_id" uuid`);
    await q.query(`CREATE INDEX "IDX_deliveries_held_by_crisis" ON "deliveries" ("held_by_crisis_id") WHERE "held_by_crisis_id" IS NOT NULL`);
    await q.query(`CREATE INDEX "IDX_deliveries_released_by_crisis" ON "deliveries" ("released_by_crisis_id") WHERE "released_by_crisis_id" IS NOT NULL`);
    await q.query(`ALTER TABLE "posts" ADD "crisis_id" uuid`);
    // Only replacement posts carry it: a tiny index that keeps deactivation off a scan of every post.
    await q.query(`CREATE INDEX "IDX_posts_crisis" ON "posts" ("crisis_id") WHERE "crisis_id" IS NOT NULL`);
    // The approvals queue (normal mode and crisis) reads waiting posts without scanning the calendar.
    await q.query(`CREATE INDEX "IDX_posts_pending_approval" ON "posts" ("workspace_id", "submitted_at") WHERE "status" = 'pending_approval'`);
    await q.query(`ALTER TABLE "approvals" ADD "crisis_id" uuid`);
    await q.query(`ALTER TABLE "approval_policies" ADD "crisis_approvals_carry_over" boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "approval_policies" DROP COLUMN "crisis_approvals_carry_over"`);
    await q.query(`ALTER TABLE "approvals" DROP COLUMN "crisis_id"`);
    await q.query(`DROP INDEX "IDX_posts_pending_approval"`);
    await q.query(`DROP INDEX "IDX_posts_crisis"`);
    await q.query(`ALTER TABLE "posts" DROP COLUMN "crisis_id"`);
    await q.query(`DROP INDEX "IDX_deliveries_released_by_crisis"`);
    await q.query(`DROP INDEX "IDX_deliveries_held_by_crisis"`);
    await q.query(`ALTER TABLE "deliveries" DROP COLUMN "held_by_crisis_id"`);
    await q.query(`ALTER TABLE "deliveries" DROP COLUMN "released_by_crisis_id"`);
    await q.query(`DROP TABLE "crisis_notes"`);
    await q.query(`DROP TABLE "crises"`);
  }
}
