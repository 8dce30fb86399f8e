// What a crisis holds, counted for its answer and the state view without reading a whole calendar.
import type { EntityManager } from 'typeorm';
import type { Platform } from '../channels/platform';
import { notReleasedByCrisis, scopePlatforms } from '../dispatch/crisis-scope';
import type { Crisis } from './crisis.entity';

/** The deliveries a crisis holds: stopped by it, whether already marked held or still reading scheduled in the table. */
export interface HeldSummary {
  deliveries: number;
  byPlatform: Partial<Record<Platform, number>>;
  /** Of those, due within the next hour (or overdue) and within the next day. */
  dueWithinHour: number;
  dueWithinDay: number;
  /** True when some count passed COUNT_EXACTLY_UP_TO and is PostgreSQL's estimate instead. */
  estimated: boolean;
}

/**
 * Each count (per platform and window) is exact up to this many deliveries, then estimated by the
 * planner: counting a million index entries took 520 ms inside the switch (bench/crisis.ts), and the
 * switch answers in milliseconds whatever the size of the calendar.
 */
export const COUNT_EXACTLY_UP_TO = 10_000;

const WINDOWS = { all: null, hour: '1 hour', day: '1 day' } as const;
type Window = keyof typeof WINDOWS;

/**
 * The deliveries the crisis stops, scheduled in the table (read from IDX_deliveries_scheduled_workspace), for one
 * platform of its scope (the caller walks scopePlatforms) and window.
 */
function scheduledSql(window: Window, platform: string): string {
  const due = WINDOWS[window] ? ` AND d.due_at <= now() + interval '${WINDOWS[window]}'` : '';
  return `SELECT 1 FROM deliveries d WHERE d.workspace_id = $1 AND d.state = 'scheduled' AND d.platform = ${platform}
             AND ${notReleasedByCrisis('d', '$2')}${due}`;
}

/**
 * One statement of bounded counts (each stops at COUNT_EXACTLY_UP_TO + 1), plus, for a count that
 * reached its bound, the planner's estimate. The deliveries marked held by the crisis (fallen due,
 * or claimed and stopped at the switch) are added per platform, bounded the same way.
 */
export async function heldSummary(manager: EntityManager, crisis: Crisis): Promise<HeldSummary> {
  const scope = scopePlatforms(crisis.platforms);
  const cap = COUNT_EXACTLY_UP_TO + 1;
  const bounded = (sql: string): string => `(SELECT count(*)::int FROM (${sql} LIMIT ${cap}) AS s)`;
  const marked = (window: Window): string =>
    `SELECT 1 FROM deliveries d WHERE d.held_by_crisis_id = $2 AND d.state = 'held' AND d.platform = p.platform` +
    (WINDOWS[window] ? ` AND d.due_at <= now() + interval '${WINDOWS[window]}'` : '');
  const columns = (Object.keys(WINDOWS) as Window[]).map((w) => `${bounded(scheduledSql(w, 'p.platform'))} AS ${w}, ${bounded(marked(w))} AS marked_${w}`);
  const rows = await manager.query<Record<string, number | Platform>[]>(
    `SELECT p.platform, ${columns.join(', ')} FROM unnest($3::text[]) AS p(platform)`,
    [crisis.workspaceId, crisis.id, scope],
  );
  let estimated = false;
  const count = async (row: Record<string, number | Platform>, window: Window): Promise<number> => {
    let scheduled = row[window] as number;
    if (scheduled >= cap) {
      estimated = true;
      scheduled = Math.max(cap, await plannedRows(manager, scheduledSql(window, '$3'), [crisis.workspaceId, crisis.id, row.platform]));
    }
    return scheduled + (row[`marked_${window}`] as number);
  };
  const summary: HeldSummary = { deliveries: 0, byPlatform: {}, dueWithinHour: 0, dueWithinDay: 0, estimated: false };
  for (const row of rows) {
    const all = await count(row, 'all');
    if (all > 0) {
      summary.byPlatform[row.platform as Platform] = all;
      summary.deliveries += all;
      summary.dueWithinHour += await count(row, 'hour');
      summary.dueWithinDay += await count(row, 'day');
    }
  }
  summary.estimated = estimated;
  return summary;
}

/** The planner's estimate of the rows a query returns (EXPLAIN, not run). */
async function plannedRows(manager: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const [row] = await manager.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }[]>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  return Math.round(row['QUERY PLAN'][0].Plan['Plan Rows']);
}
