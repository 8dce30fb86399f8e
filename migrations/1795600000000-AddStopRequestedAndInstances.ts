import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * deliveries.stop_requested: a cancel or a rejection met the delivery while its send was in flight
 * (admitted at its gate). The send is not interrupted, but whatever it answers short of published it
 * is never retried: the recorder writes this state ('cancelled' or 'pending_approval') instead of
 * scheduled. The admission under the gate refuses a row that carries it.
 *
 * dispatch_instances: one row per running dispatcher, its heartbeat refreshed every
 * DISPATCH_HEARTBEAT_MS. A lease whose owner has no fresh heartbeat belongs to a dead instance and is
 * recovered within seconds instead of at lease expiry. Written only with SQL by the dispatcher.
 */
export class AddStopRequestedAndInstances1795600000000 implements MigrationInterface {
  name = 'AddStopRequestedAndInstances1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deliveries" ADD "stop_requested" text`);
    await q.query(
      `ALTER TABLE "deliveries" ADD CONSTRAINT "CHK_deliveries_stop_requested" CHECK ("stop_requested" IN ('cancelled','pending_approval'))`,
    );
    await q.query(`CREATE TABLE "dispatch_instances" (
      "owner" text NOT NULL,
      "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "heartbeat_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_dispatch_instances" PRIMARY KEY ("owner"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "dispatch_instances"`);
    await q.query(`ALTER TABLE "deliveries" DROP CONSTRAINT "CHK_deliveries_stop_requested"`);
    await q.query(`ALTER TABLE "deliveries" DROP COLUMN "stop_requested"`);
  }
}
