import type { MigrationInterface, QueryRunner } from 'typeorm';

/** channels.last_verified_at: when a connection check last succeeded, for the console's channel list. */
export class AddChannelLastVerified1795730000000 implements MigrationInterface {
  name = 'AddChannelLastVerified1795730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "channels" ADD "last_verified_at" timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "channels" DROP COLUMN "last_verified_at"`);
  }
}
