import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Connecting accounts with a "Connect" button (issue 15):
 * - oauth_states: one row per started OAuth flow. The state sent to the platform is a random token kept
 *   here only as its SHA-256; it is bound to the member who started it, lives 10 minutes and is used once.
 *   The PKCE verifier is sealed under the service key.
 * - connect_sessions: what a grant reached when the admin must choose (LinkedIn organizations, Facebook
 *   Pages, Instagram accounts): the accounts with their tokens, sealed, for 15 minutes, used once.
 * - oauth_apps: the app Holdfast registered on a Mastodon instance (POST /api/v1/apps), once per instance
 *   and redirect URI; its secret sealed.
 * - channels.account_id: the platform's id of the account a channel reaches, so a reconnect cannot
 *   silently point a channel's scheduled posts at another account.
 */
export class CreateConnectFlows1795910000000 implements MigrationInterface {
  name = 'CreateConnectFlows1795910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "oauth_states" (
         "id" uuid NOT NULL,
         "state_hash" text NOT NULL,
         "workspace_id" uuid NOT NULL,
         "member_id" uuid NOT NULL,
         "platform" text NOT NULL,
         "channel_id" uuid,
         "instance_url" text,
         "verifier_sealed" text NOT NULL,
         "expires_at" timestamptz NOT NULL,
         "used_at" timestamptz,
         "created_at" timestamptz NOT NULL DEFAULT now(),
         CONSTRAINT "PK_oauth_states" PRIMARY KEY ("id"),
         CONSTRAINT "CHK_oauth_states_platform" CHECK ("platform" IN ('x','facebook','instagram','linkedin','mastodon')),
         CONSTRAINT "FK_oauth_states_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE,
         CONSTRAINT "FK_oauth_states_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE)`,
    );
    await q.query(`CREATE UNIQUE INDEX "UQ_oauth_states_hash" ON "oauth_states" ("state_hash")`);
    await q.query(`CREATE INDEX "IDX_oauth_states_expires" ON "oauth_states" ("expires_at")`);
    await q.query(
      `CREATE TABLE "connect_sessions" (
         "id" uuid NOT NULL,
         "workspace_id" uuid NOT NULL,
         "member_id" uuid NOT NULL,
         "platform" text NOT NULL,
         "channel_id" uuid,
         "accounts_sealed" text NOT NULL,
         "expires_at" timestamptz NOT NULL,
         "used_at" timestamptz,
         "created_at" timestamptz NOT NULL DEFAULT now(),
         CONSTRAINT "PK_connect_sessions" PRIMARY KEY ("id"),
         CONSTRAINT "CHK_connect_sessions_platform" CHECK ("platform" IN ('x','facebook','instagram','linkedin','mastodon')),
         CONSTRAINT "FK_connect_sessions_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE,
         CONSTRAINT "FK_connect_sessions_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE)`,
    );
    await q.query(`CREATE INDEX "IDX_connect_sessions_expires" ON "connect_sessions" ("expires_at")`);
    await q.query(
      `CREATE TABLE "oauth_apps" (
         "id" uuid NOT NULL,
         "instance_url" text NOT NULL,
         "redirect_uri" text NOT NULL,
         "client_id" text NOT NULL,
         "secret_sealed" text NOT NULL,
         "created_at" timestamptz NOT NULL DEFAULT now(),
         CONSTRAINT "PK_oauth_apps" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "UQ_oauth_apps_instance" ON "oauth_apps" ("instance_url", "redirect_uri")`);
    await q.query(`ALTER TABLE "channels" ADD "account_id" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "channels" DROP COLUMN "account_id"`);
    await q.query(`DROP TABLE "oauth_apps"`);
    await q.query(`DROP TABLE "connect_sessions"`);
    await q.query(`DROP TABLE "oauth_states"`);
  }
}
