// The crisis switch as the dispatch engine sees it: one predicate, used in the claim and again under the gate.
// What a crisis's scope is (platforms, releases) comes from crisis-scope.ts; these are the statements built on it.
import { crisisHoldsSql, platformInScope } from './crisis-scope';
import type { DeliveryState } from './delivery-state';

/**
 * SQL that is true when the delivery aliased `d` is stopped by its workspace's active crisis: the
 * crisis covers its platform and the delivery was not approved under that crisis's policy. Reading
 * the `crises` row (one per workspace, partial unique index) rather than marking deliveries is what
 * keeps activation one insert, whatever the number of scheduled deliveries.
 */
export function stoppedByCrisis(d: string): string {
  return `EXISTS (SELECT 1 FROM crises cr
                   WHERE cr.workspace_id = ${d}.workspace_id AND cr.deactivated_at IS NULL
                     AND ${crisisHoldsSql(d, 'cr.id', 'cr.platforms')})`;
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
           WHERE x.state = 'scheduled' AND x.due_at <= now() AND ${crisisHoldsSql('x', 'a.id', 'a.platforms')}
           ORDER BY x.due_at LIMIT $1 FOR UPDATE OF x SKIP LOCKED)
  UPDATE deliveries d SET state = 'held', held_by_crisis_id = due.crisis_id, updated_at = now()
    FROM due WHERE d.id = due.id
  RETURNING d.id`;

/**
 * SQL: the id of the workspace's active crisis that stops the delivery aliased `d` (see
 * {@link stoppedByCrisis}), or NULL. A scheduled delivery it stops is shown as held by it from the
 * moment the switch answered, in every view, though the row itself is marked only once it falls due:
 * derived at read time, so activation stays one insert whatever the number of scheduled deliveries.
 */
export function stoppingCrisisId(d: string): string {
  return `(SELECT cr.id FROM crises cr
            WHERE cr.workspace_id = ${d}.workspace_id AND cr.deactivated_at IS NULL
              AND ${crisisHoldsSql(d, 'cr.id', 'cr.platforms')}
            LIMIT 1)`;
}

/**
 * SQL: true when the delivery aliased `d` is shown in `state`, whose value is bound as `param`: a
 * scheduled delivery the active crisis stops is shown held (see {@link stoppingCrisisId}), so a filter
 * on held includes it and one on scheduled leaves it out.
 */
export function shownStateIs(d: string, state: DeliveryState, param: string): string {
  if (state === 'held') {
    return `(${d}.state = ${param} OR (${d}.state = 'scheduled' AND ${stoppedByCrisis(d)}))`;
  }
  if (state === 'scheduled') {
    return `(${d}.state = ${param} AND NOT ${stoppedByCrisis(d)})`;
  }
  return `${d}.state = ${param}`;
}

/**
 * At activation, under the closed gates: the deliveries in scope claimed but never admitted
 * (publishing, send_started_at null: no request left) are held by the crisis ($1), lease cleared and
 * attempt uncounted. Their dispatchers, refused at the gate, find them no longer theirs.
 * $2 the workspace, $3 the platforms in scope (spelled out by scopePlatforms: read by platform).
 */
export const HOLD_CLAIMED_NEVER_SENT = `
  UPDATE deliveries d SET state = 'held', held_by_crisis_id = $1, lease_owner = NULL, lease_expires_at = NULL,
         attempts = GREATEST(d.attempts - 1, 0), updated_at = now()
   WHERE d.workspace_id = $2 AND d.state = 'publishing' AND d.send_started_at IS NULL AND ${platformInScope('d.platform', '$3::text[]')}
  RETURNING d.id`;

/**
 * At deactivation: every scheduled delivery in the crisis's scope ($1, of workspace $2, platforms $3 or
 * all when null) whose time came during the crisis and was not released by it is held by it now, so
 * that it is decided (missed) with the rest and never goes out by itself. Unlike the periodic sweep it
 * waits for rows another transaction holds (no SKIP LOCKED), locking them in one order (post, then
 * its deliveries as ofPost reads them) so that it cannot deadlock with an edit of one post.
 */
export const HOLD_DUE_AT_DEACTIVATION = `
  WITH due AS (SELECT x.id FROM deliveries x
                WHERE x.workspace_id = $2 AND x.state = 'scheduled' AND x.due_at <= now()
                  AND ${crisisHoldsSql('x', '$1', '$3::text[]')}
                ORDER BY x.post_id, x.created_at, x.id
                FOR UPDATE OF x)
  UPDATE deliveries d SET state = 'held', held_by_crisis_id = $1, updated_at = now()
    FROM due WHERE d.id = due.id
  RETURNING d.id`;

/**
 * SQL: true when the delivery aliased `d` would be stopped by a crisis activated now on the platforms
 * bound as `platformsParam` (text[]): {@link stoppedByCrisis} for a crisis row that does not exist yet.
 * A new crisis has released nothing, so only the scope and the scheduled state decide. What the
 * switch's preview lists; its counts come from heldSummary with the same scope.
 */
export function wouldBeStoppedByCrisis(d: string, platformsParam: string): string {
  return `(${d}.state = 'scheduled' AND ${platformInScope(`${d}.platform`, `${platformsParam}::text[]`)})`;
}
