import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * audit_chain_head(workspace): takes the workspace's audit-chain lock and returns the chain's last seq and
 * hash, in one round trip where it took two. It has to be a VOLATILE function: its query then takes a
 * fresh snapshot after the lock is granted, and so sees what the previous writer committed; in one plain
 * statement the read would use a snapshot from before the wait. Every write of a workspace queues on this
 * lock until commit, so each round trip held there counts. The lock key is the one AuditService always used.
 */
export class AddAuditChainHead1795570000000 implements MigrationInterface {
  name = 'AddAuditChainHead1795570000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION "audit_chain_head"(workspace uuid) RETURNS TABLE ("seq" bigint, "hash" text)
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(7061002, hashtext(workspace::text));
        RETURN QUERY SELECT e."seq", e."hash" FROM "audit_events" e WHERE e."workspace_id" = workspace ORDER BY e."seq" DESC LIMIT 1;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION "audit_chain_head"(uuid)`);
  }
}
