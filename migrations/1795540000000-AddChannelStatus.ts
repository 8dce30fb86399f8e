import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A channel's status: `needs_reauth` once the platform refused its credentials for good (a send or a
 * connection check ended auth_expired), until a successful check or new credentials make it `active`
 * again. The dispatcher claims nothing for a channel that needs reconnecting, so its due deliveries wait.
 */
export class AddChannelStatus1795540000000 implements MigrationInterface {
  name = 'AddChannelStatus1795540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "channels" ADD "status" text NOT NULL DEFAULT 'active'`);
    await q.query(`ALTER TABLE "channels" ADD "status_reason" text`);
    await q.query(`ALTER TABLE "channels" ADD CONSTRAINT "CHK_channels_status" CHECK ("status" IN ('active','needs_reauth'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "channels" DROP CONSTRAINT "CHK_channels_status"`);
    await q.query(`ALTER TABLE "channels" DROP COLUMN "status_reason"`);
    await q.query(`ALTER TABLE "channels" DROP COLUMN "status"`);
  }
}
