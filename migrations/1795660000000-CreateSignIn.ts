import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in for people: a member's argon2id password hash, one-time invite links (stored as SHA-256
 * hashes), console sessions (hashed tokens, idle and absolute expiry) and the failed sign-ins the
 * throttle counts, kept in PostgreSQL so every instance sees the same count.
 */
export class CreateSignIn1795660000000 implements MigrationInterface {
  name = 'CreateSignIn1795660000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "members" ADD "password_hash" text`);
    await q.query(`ALTER TABLE "members" ADD "password_changed_at" TIMESTAMP WITH TIME ZONE`);

    await q.query(`CREATE TABLE "member_invites" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "member_id" uuid NOT NULL,
      "token_hash" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "used_at" TIMESTAMP WITH TIME ZONE,
      "voided_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_member_invites" PRIMARY KEY ("id"),
      CONSTRAINT "FK_member_invites_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_member_invites_member" ON "member_invites" ("member_id")`);
    await q.query(`CREATE UNIQUE INDEX "UQ_member_invites_token_hash" ON "member_invites" ("token_hash")`);

    await q.query(`CREATE TABLE "member_sessions" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "member_id" uuid NOT NULL,
      "token_hash" text NOT NULL,
      "csrf_token" text NOT NULL,
      "user_agent" text,
      "ip_address" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "revoked_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_member_sessions" PRIMARY KEY ("id"),
      CONSTRAINT "FK_member_sessions_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_member_sessions_member" ON "member_sessions" ("member_id")`);
    await q.query(`CREATE UNIQUE INDEX "UQ_member_sessions_token_hash" ON "member_sessions" ("token_hash")`);

    await q.query(`CREATE TABLE "sign_in_failures" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "account_hash" text NOT NULL,
      "ip_address" text NOT NULL,
      "failed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_sign_in_failures" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_sign_in_failures_account" ON "sign_in_failures" ("account_hash", "failed_at")`);
    await q.query(`CREATE INDEX "IDX_sign_in_failures_address" ON "sign_in_failures" ("ip_address", "failed_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "sign_in_failures"`);
    await q.query(`DROP TABLE "member_sessions"`);
    await q.query(`DROP TABLE "member_invites"`);
    await q.query(`ALTER TABLE "members" DROP COLUMN "password_changed_at"`);
    await q.query(`ALTER TABLE "members" DROP COLUMN "password_hash"`);
  }
}
