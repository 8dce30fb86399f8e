import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * posts.media_ids and posts.options (issue 15: library media and per-platform options a post carries),
 * deliveries.progress (what an attempt leaves for the next: Instagram's container id). Defaults keep every
 * existing row as it was: no media, no options, no progress.
 */
export class AddPostMediaAndDeliveryProgress1795755000000 implements MigrationInterface {
  name = 'AddPostMediaAndDeliveryProgress1795755000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "posts" ADD "media_ids" uuid[] NOT NULL DEFAULT '{}', ADD "options" jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE "deliveries" ADD "progress" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deliveries" DROP COLUMN "progress"`);
    await q.query(`ALTER TABLE "posts" DROP COLUMN "options", DROP COLUMN "media_ids"`);
  }
}
