import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * posts.status 'draft' and posts.draft: a crisis's replacement message whose placeholder answers were not given at
 * activation is staged as a draft saying what it misses; it has no deliveries, so it can be neither approved nor sent
 * until filled. pause_orders.last_error / last_attempt_at: what stopped the last attempt to enforce the order, for
 * GET /api/pause-orders (the order itself is written in the crisis's own transaction).
 */
export class AddDraftsAndPauseOrderErrors1795620000000 implements MigrationInterface {
  name = 'AddDraftsAndPauseOrderErrors1795620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "posts" DROP CONSTRAINT "CHK_posts_status"`);
    await q.query(`ALTER TABLE "posts" ADD CONSTRAINT "CHK_posts_status" CHECK ("status" IN ('draft','pending_approval','rejected','scheduled','cancelled'))`);
    await q.query(`ALTER TABLE "posts" ADD "draft" jsonb`);
    await q.query(`ALTER TABLE "posts" ADD CONSTRAINT "CHK_posts_draft" CHECK ("status" <> 'draft' OR "draft" IS NOT NULL)`);
    await q.query(`ALTER TABLE "pause_orders" ADD "last_error" text`);
    await q.query(`ALTER TABLE "pause_orders" ADD "last_attempt_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "pause_orders" DROP COLUMN "last_attempt_at"`);
    await q.query(`ALTER TABLE "pause_orders" DROP COLUMN "last_error"`);
    await q.query(`ALTER TABLE "posts" DROP CONSTRAINT "CHK_posts_draft"`);
    await q.query(`ALTER TABLE "posts" DROP COLUMN "draft"`);
    // Drafts cannot be told apart once the status is gone: they become what deactivation makes of them.
    await q.query(`UPDATE "posts" SET "status" = 'cancelled' WHERE "status" = 'draft'`);
    await q.query(`ALTER TABLE "posts" DROP CONSTRAINT "CHK_posts_status"`);
    await q.query(`ALTER TABLE "posts" ADD CONSTRAINT "CHK_posts_status" CHECK ("status" IN ('pending_approval','rejected','scheduled','cancelled'))`);
  }
}
