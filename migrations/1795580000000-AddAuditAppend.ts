import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * audit_append(...): appends an event to a workspace's audit chain in one statement, so the chain's lock is
 * held for that statement and the COMMIT, not for two round trips with Node's work between them.
 *
 * It takes the lock audit_chain_head took (the key AuditService always used) and reads the head. It has to be
 * a VOLATILE plpgsql function: each of its statements then takes a fresh snapshot, so the read after the lock
 * is granted sees what the previous writer committed; in one plain statement the read would use a snapshot
 * from before the wait.
 *
 * The hash is computed here because seq and prevHash are only known under the lock. Node sends the event's
 * canonical JSON with a random marker in place of both: `"S<marker>"` (quotes included) stands for seq, which
 * canonical JSON writes as a bare number, and `P<marker>` stands for prevHash, which stays a quoted string.
 * The marker is random per call, so no user content contains it; sha256 of the substituted UTF-8 text is
 * byte-for-byte the hash Node's hashEvent gives, which AuditService checks on every append.
 *
 * audit_chain_head is dropped: nothing calls it any more, and a second way to take the lock and read the head
 * would only invite a writer that forgets to hash under it. down() brings it back as it was.
 */
export class AddAuditAppend1795580000000 implements MigrationInterface {
  name = 'AddAuditAppend1795580000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION "audit_append"(
        p_workspace uuid, p_actor_id uuid, p_actor_label text, p_action text, p_target_type text, p_target_id text,
        p_before jsonb, p_after jsonb, p_reason text, p_request_id text, p_occurred_at timestamptz,
        p_content text, p_marker text)
      RETURNS TABLE ("id" uuid, "seq" bigint, "prev_hash" text, "hash" text)
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        head_seq bigint;
        head_hash text;
        next_seq bigint;
        prev text;
        content_hash text;
        new_id uuid;
      BEGIN
        PERFORM pg_advisory_xact_lock(7061002, hashtext(p_workspace::text));
        SELECT e."seq", e."hash" INTO head_seq, head_hash
          FROM "audit_events" e WHERE e."workspace_id" = p_workspace ORDER BY e."seq" DESC LIMIT 1;
        next_seq := coalesce(head_seq + 1, 1);
        prev := coalesce(head_hash, repeat('0', 64));
        content_hash := encode(sha256(convert_to(
          replace(replace(p_content, '"S' || p_marker || '"', next_seq::text), 'P' || p_marker, prev), 'UTF8')), 'hex');
        INSERT INTO "audit_events" ("workspace_id", "seq", "actor_id", "actor_label", "action", "target_type", "target_id",
                                    "before", "after", "reason", "request_id", "occurred_at", "prev_hash", "hash")
          VALUES (p_workspace, next_seq, p_actor_id, p_actor_label, p_action, p_target_type, p_target_id,
                  p_before, p_after, p_reason, p_request_id, p_occurred_at, prev, content_hash)
          RETURNING "audit_events"."id" INTO new_id;
        RETURN QUERY SELECT new_id, next_seq, prev, content_hash;
      END $$`);
    await q.query(`DROP FUNCTION "audit_chain_head"(uuid)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION "audit_chain_head"(workspace uuid) RETURNS TABLE ("seq" bigint, "hash" text)
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(7061002, hashtext(workspace::text));
        RETURN QUERY SELECT e."seq", e."hash" FROM "audit_events" e WHERE e."workspace_id" = workspace ORDER BY e."seq" DESC LIMIT 1;
      END $$`);
    await q.query(`DROP FUNCTION "audit_append"(uuid, uuid, text, text, text, text, jsonb, jsonb, text, text, timestamptz, text, text)`);
  }
}
