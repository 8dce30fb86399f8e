import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The workspace's own time zone: the calendar opens in it, and the composer shows a post's instant in it beside the
 * zone it was planned in. IANA names are checked by the service (the database cannot know the list); 'UTC' until an
 * admin sets one.
 */
export class AddWorkspaceTimeZone1795670000000 implements MigrationInterface {
  name = 'AddWorkspaceTimeZone1795670000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "workspaces" ADD "time_zone" text NOT NULL DEFAULT 'UTC'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "workspaces" DROP COLUMN "time_zone"`);
  }
}
