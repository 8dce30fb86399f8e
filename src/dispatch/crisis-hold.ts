// The crisis switch as the dispatch engine sees it: one predicate, used in the claim and again under the gate.

/**
 * SQL that is true when the delivery aliased `d` is stopped by its workspace's active crisis: the
 * crisis covers its platform and the delivery was not approved under that crisis's policy. Reading
 * the `crises` row (one per workspace, partial unique index) rather than marking deliveries is what
 * keeps activation one insert, whatever the number of scheduled deliveries.
 */
export function stoppedByCrisis(d: string): string {
  return `EXISTS (SELECT 1 FROM crises cr
                   WHERE cr.workspace_id = ${d}.workspace_id AND cr.deactivated_at IS NULL
                     AND (cr.platforms IS NULL OR ${d}.platform = ANY(cr.platforms))
                     AND ${d}.released_by_crisis_id IS DISTINCT FROM cr.id)`;
}

/**
 * Marks scheduled deliveries that fell due while their crisis holds them as `held`, so the calendar
 * shows the truth and the claim stops stepping over them. Bounded per pass. The crisis rows are read
 * FOR SHARE: a deactivation (which takes its row FOR UPDATE) and this sweep never interleave, so no
 * delivery is marked held by a crisis that has just ended.
 */
export const HOLD_DUE_DELIVERIES = `
  WITH active AS (SELECT id, workspace_id, platforms FROM crises WHERE deactivated_at IS NULL AND ($2::uuid IS NULL OR workspace_id = $2) FOR SHARE),
  due AS (SELECT x.id, a.id AS crisis_id FROM deliveries x JOIN active a ON a.workspace_id = x.workspace_id
           WHERE x.state = 'scheduled' AND x.due_at <= now() AND (a.platforms IS NULL OR x.platform = ANY(a.platforms))
             AND x.released_by_crisis_id IS DISTINCT FROM a.id
           ORDER BY x.due_at LIMIT $1 FOR UPDATE OF x SKIP LOCKED)
  UPDATE deliveries d SET state = 'held', held_by_crisis_id = due.crisis_id, updated_at = now()
    FROM due WHERE d.id = due.id
  RETURNING d.id`;
