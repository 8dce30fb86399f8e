import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * post_versions: the content of each post version that an edit replaced, so that an approver can see what
 * changed since the version before (the post row only ever holds the current one; approvals hold its hash).
 */
export class CreatePostVersions1795680000000 implements MigrationInterface {
  name = 'CreatePostVersions1795680000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "post_versions" (
      "post_id" uuid NOT NULL,
      "content_version" integer NOT NULL,
      "workspace_id" uuid NOT NULL,
      "text" text NOT NULL,
      "platform_text" jsonb NOT NULL,
      "image_urls" text array NOT NULL,
      "link" text,
      "channel_ids" uuid array NOT NULL,
      "content_hash" text NOT NULL,
      "editor_id" uuid NOT NULL,
      "replaced_at" timestamptz NOT NULL,
      CONSTRAINT "PK_post_versions" PRIMARY KEY ("post_id", "content_version"),
      CONSTRAINT "FK_post_versions_post" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "post_versions"`);
  }
}
