import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The media library (issue 15): uploaded images and videos with their alt text (media_items), and their
 * bytes in PostgreSQL (media_blobs: the original, and variants made for a platform's limits, e.g. Bluesky's
 * 1 MB), so the embedded database keeps working with nothing else to install.
 */
export class CreateMediaLibrary1795900000000 implements MigrationInterface {
  name = 'CreateMediaLibrary1795900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "media_items" (
         "id" uuid NOT NULL DEFAULT gen_random_uuid(),
         "workspace_id" uuid NOT NULL,
         "kind" text NOT NULL,
         "mime_type" text NOT NULL,
         "byte_size" integer NOT NULL,
         "width" integer,
         "height" integer,
         "sha256" text NOT NULL,
         "alt_text" text,
         "original_name" text NOT NULL,
         "created_by" uuid NOT NULL,
         "created_at" timestamptz NOT NULL DEFAULT now(),
         "deleted_at" timestamptz,
         CONSTRAINT "PK_media_items" PRIMARY KEY ("id"),
         CONSTRAINT "CHK_media_items_kind" CHECK ("kind" IN ('image','video')),
         CONSTRAINT "CHK_media_items_alt_text" CHECK (char_length("alt_text") <= 1500),
         CONSTRAINT "FK_media_items_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE,
         CONSTRAINT "FK_media_items_created_by" FOREIGN KEY ("created_by") REFERENCES "members"("id") ON DELETE RESTRICT)`,
    );
    await q.query(`CREATE INDEX "IDX_media_items_workspace_created" ON "media_items" ("workspace_id", "created_at", "id") WHERE "deleted_at" IS NULL`);
    await q.query(
      `CREATE TABLE "media_blobs" (
         "media_id" uuid NOT NULL,
         "variant" text NOT NULL,
         "mime_type" text NOT NULL,
         "bytes" bytea NOT NULL,
         CONSTRAINT "PK_media_blobs" PRIMARY KEY ("media_id", "variant"),
         CONSTRAINT "FK_media_blobs_media" FOREIGN KEY ("media_id") REFERENCES "media_items"("id") ON DELETE CASCADE)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "media_blobs"`);
    await q.query(`DROP TABLE "media_items"`);
  }
}
