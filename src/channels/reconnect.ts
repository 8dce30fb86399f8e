// What happens to the deliveries of a channel whose credentials stopped working (issue 15, the token life cycle):
// they wait for a reconnect, within a grace window from their planned time, and are missed past it.
import type { EntityManager } from 'typeorm';
import { DISPATCH_CHANNEL } from '../dispatch/dispatch-channel';
import { writeLiveEvent } from '../live/live-events';

/** A workspace's grace window in SQL: its own setting, else the service's REAUTH_GRACE_MINUTES ($n). */
const graceOf = (param: string): string => `make_interval(mins => COALESCE(w.reauth_grace_minutes, ${param}::int))`;

/** Why a delivery became missed, as the missed list and the delivery show it. */
export const MISSED_REASON = 'missed: the channel was not reconnected within the grace window after its planned time';

/**
 * Called in the transaction that makes a needs_reauth channel active again (new credentials, a connect
 * flow's reconnect, a successful connection check), after the channel's row is locked: the deliveries
 * that waited past the grace window become missed here, in the same transaction, so none of them can be
 * claimed and sent stale; the others stop waiting and go out once it commits (the dispatchers are woken).
 * Deliveries a crisis holds are the crisis's to decide. Answers how many go out and how many were missed.
 */
export async function settleReconnected(
  manager: EntityManager,
  channelId: string,
  defaultGraceMinutes: number,
): Promise<{ resumed: number; missed: number }> {
  const [rows] = await manager.query<[{ workspace_id: string; state: string }[], number]>(
    `UPDATE deliveries d
        SET state = CASE WHEN d.due_at < now() - ${graceOf('$2')} THEN 'missed' ELSE d.state END,
            last_error = CASE WHEN d.due_at < now() - ${graceOf('$2')} THEN $3 ELSE d.last_error END,
            waiting_for_reauth_since = NULL, updated_at = now()
       FROM channels c JOIN workspaces w ON w.id = c.workspace_id
      WHERE c.id = $1 AND d.channel_id = c.id AND d.state = 'scheduled'
        AND (d.waiting_for_reauth_since IS NOT NULL OR d.due_at < now() - ${graceOf('$2')})
      RETURNING d.workspace_id, d.state`,
    [channelId, defaultGraceMinutes, MISSED_REASON],
  );
  const missed = rows.filter((r) => r.state === 'missed').length;
  if (rows.length > 0) {
    await writeLiveEvent(manager, { workspaceId: rows[0].workspace_id, type: 'deliveries.changed', data: { count: rows.length } });
    await manager.query('SELECT pg_notify($1, $2)', [DISPATCH_CHANNEL, 'due']);
  }
  return { resumed: rows.length - missed, missed };
}

/**
 * The once-per-cluster sweep (ReauthSweeper): every due delivery of a channel that needs reconnecting is
 * marked as waiting (the ones that fell due since the channel was marked), and those past their
 * workspace's grace window become missed, whether or not anyone reconnects. Channels are locked
 * FOR SHARE first, so a reconnect (which locks its channel for update) and the sweep take turns: a
 * delivery is either settled by the reconnect or swept, never both, and never sent after being missed.
 */
export async function sweepWaiting(manager: EntityManager, defaultGraceMinutes: number): Promise<{ workspaceId: string; waiting: number; missed: number }[]> {
  const channels = await manager.query<{ id: string }[]>(
    `SELECT id FROM channels WHERE status = 'needs_reauth' AND deleted_at IS NULL ORDER BY id FOR SHARE`,
  );
  if (channels.length === 0) {
    return [];
  }
  const [rows] = await manager.query<[{ workspace_id: string; state: string }[], number]>(
    `UPDATE deliveries d
        SET state = CASE WHEN d.due_at < now() - ${graceOf('$2')} THEN 'missed' ELSE d.state END,
            last_error = CASE WHEN d.due_at < now() - ${graceOf('$2')} THEN $3 ELSE d.last_error END,
            waiting_for_reauth_since = CASE WHEN d.due_at < now() - ${graceOf('$2')} THEN NULL
                                            ELSE COALESCE(d.waiting_for_reauth_since, now()) END,
            updated_at = now()
       FROM workspaces w
      WHERE d.channel_id = ANY($1::uuid[]) AND w.id = d.workspace_id AND d.state = 'scheduled' AND d.due_at <= now()
        AND (d.waiting_for_reauth_since IS NULL OR d.due_at < now() - ${graceOf('$2')})
      RETURNING d.workspace_id, d.state`,
    [channels.map((c) => c.id), defaultGraceMinutes, MISSED_REASON],
  );
  const byWorkspace = new Map<string, { workspaceId: string; waiting: number; missed: number }>();
  for (const row of rows) {
    const entry = byWorkspace.get(row.workspace_id) ?? { workspaceId: row.workspace_id, waiting: 0, missed: 0 };
    entry[row.state === 'missed' ? 'missed' : 'waiting'] += 1;
    byWorkspace.set(row.workspace_id, entry);
  }
  for (const entry of byWorkspace.values()) {
    await writeLiveEvent(manager, { workspaceId: entry.workspaceId, type: 'deliveries.changed', data: { count: entry.waiting + entry.missed } });
  }
  return [...byWorkspace.values()];
}
