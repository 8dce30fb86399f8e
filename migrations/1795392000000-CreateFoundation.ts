import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Workspaces, members, API keys, channels and the append-only, hash-chained audit trail.
 * Hand-written from the entities (the schema test proves they agree), plus what entities cannot
 * express: the single-operator and case-insensitive e-mail indexes, and the triggers that make
 * audit_events refuse UPDATE, DELETE and TRUNCATE.
 */
export class CreateFoundation1795392000000 implements MigrationInterface {
  name = 'CreateFoundation1795392000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "workspaces" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "name" text NOT NULL,
      "is_operator" boolean NOT NULL DEFAULT false,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_workspaces" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "UQ_workspaces_single_operator" ON "workspaces" ((true)) WHERE "is_operator"`);

    await q.query(`CREATE TABLE "members" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "name" text NOT NULL,
      "email" text,
      "roles" text array NOT NULL,
      "disabled_at" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_members_roles" CHECK (cardinality("roles") > 0 AND "roles" <@ ARRAY['admin','marketer','approver','crisis_lead','viewer']::text[]),
      CONSTRAINT "PK_members" PRIMARY KEY ("id"),
      CONSTRAINT "FK_members_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_members_workspace" ON "members" ("workspace_id")`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_members_workspace_email" ON "members" ("workspace_id", lower("email")) WHERE "email" IS NOT NULL`,
    );

    await q.query(`CREATE TABLE "api_keys" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "member_id" uuid NOT NULL,
      "name" text,
      "prefix" text NOT NULL,
      "key_hash" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "last_used_at" TIMESTAMP WITH TIME ZONE,
      "revoked_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_api_keys" PRIMARY KEY ("id"),
      CONSTRAINT "FK_api_keys_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_api_keys_member" ON "api_keys" ("member_id")`);
    await q.query(`CREATE UNIQUE INDEX "UQ_api_keys_hash" ON "api_keys" ("key_hash")`);

    await q.query(`CREATE TABLE "channels" (
      "id" uuid NOT NULL,
      "workspace_id" uuid NOT NULL,
      "platform" text NOT NULL,
      "name" text NOT NULL,
      "handle" text NOT NULL,
      "credentials_sealed" text NOT NULL,
      "credential_fields" text array NOT NULL,
      "fallback_channel_ids" uuid array NOT NULL DEFAULT '{}',
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "deleted_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "CHK_channels_platform" CHECK ("platform" IN ('x','facebook','instagram','linkedin','mastodon','bluesky','telegram')),
      CONSTRAINT "PK_channels" PRIMARY KEY ("id"),
      CONSTRAINT "FK_channels_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
    await q.query(`CREATE INDEX "IDX_channels_workspace" ON "channels" ("workspace_id")`);

    await q.query(`CREATE TABLE "audit_events" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "workspace_id" uuid NOT NULL,
      "seq" bigint NOT NULL,
      "actor_id" uuid,
      "actor_label" text NOT NULL,
      "action" text NOT NULL,
      "target_type" text NOT NULL,
      "target_id" text NOT NULL,
      "before" jsonb,
      "after" jsonb,
      "reason" text,
      "request_id" text,
      "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "prev_hash" text NOT NULL,
      "hash" text NOT NULL,
      CONSTRAINT "PK_audit_events" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "UQ_audit_events_workspace_seq" ON "audit_events" ("workspace_id", "seq")`);
    await q.query(`CREATE INDEX "IDX_audit_events_target" ON "audit_events" ("workspace_id", "target_type", "target_id", "seq")`);
    await q.query(`CREATE INDEX "IDX_audit_events_actor" ON "audit_events" ("workspace_id", "actor_id", "seq")`);
    await q.query(`CREATE FUNCTION "audit_events_are_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events"
      FOR EACH ROW EXECUTE FUNCTION "audit_events_are_append_only"()`);
    await q.query(`CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
      FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_are_append_only"()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_events"`);
    await q.query(`DROP FUNCTION "audit_events_are_append_only"()`);
    await q.query(`DROP TABLE "channels"`);
    await q.query(`DROP TABLE "api_keys"`);
    await q.query(`DROP TABLE "members"`);
    await q.query(`DROP TABLE "workspaces"`);
  }
}
