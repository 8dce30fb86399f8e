import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * idempotency_keys: the Idempotency-Key of each create request, per member, kept 24 hours, with the
 * fingerprint of the request and its sealed answer, so that a retried create answers the first answer.
 */
export class CreateIdempotencyKeys1795630000000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1795630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "idempotency_keys" (
      "member_id" uuid NOT NULL,
      "key" text NOT NULL,
      "fingerprint" text NOT NULL,
      "state" text NOT NULL DEFAULT 'in_progress',
      "status_code" integer,
      "answer_sealed" text,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "expires_at" timestamptz NOT NULL,
      CONSTRAINT "PK_idempotency_keys" PRIMARY KEY ("member_id", "key"),
      CONSTRAINT "CHK_idempotency_keys_state" CHECK ("state" IN ('in_progress','completed'))
    )`);
    await q.query(`CREATE INDEX "IDX_idempotency_keys_expires" ON "idempotency_keys" ("expires_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "idempotency_keys"`);
  }
}
