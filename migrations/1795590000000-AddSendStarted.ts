import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * deliveries.send_started_at: set when a claimed delivery is admitted at its gate (the request may
 * leave from then on), cleared whenever it leaves publishing. A delivery in publishing without it was
 * claimed but never sent, so it can be stopped or rescheduled safely; one with it may have reached
 * the platform.
 */
export class AddSendStarted1795590000000 implements MigrationInterface {
  name = 'AddSendStarted1795590000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deliveries" ADD "send_started_at" timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deliveries" DROP COLUMN "send_started_at"`);
  }
}
