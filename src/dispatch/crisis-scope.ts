// What "in a crisis's scope" means, written once: the platforms a crisis covers (null: every platform) and
// "not released by this crisis", in TypeScript and as SQL. Every hold, release, count and list of a crisis is
// built from these, so the switch, the claim, the gate, the sweeps, the approvals queue, the room and the
// preview cannot disagree about what a crisis stops (guarantee 1). Dispatch owns it: crisis/ and approvals/
// import it, dispatch imports nothing of theirs.
import { PLATFORMS, type Platform } from '../channels/platform';

/** The platforms a crisis holds, as stored on the crisis (and a playbook, a preview, a gate notice): null holds every platform. */
export type ScopePlatforms = readonly Platform[] | null;

/** Whether a crisis (or anything else scoped like one: a closing gate's notice) covers `platform`. */
export function inCrisisScope(crisis: { platforms: ScopePlatforms }, platform: Platform): boolean {
  return crisis.platforms === null || crisis.platforms.includes(platform);
}

/** Whether the crisis has not released the delivery: approved under its policy, it goes out despite the crisis. */
export function notReleasedBy(crisis: { id: string }, delivery: { releasedByCrisisId: string | null }): boolean {
  return delivery.releasedByCrisisId !== crisis.id;
}

/** Whether the crisis holds a delivery (whatever its state): on a platform it covers, and not released by it. {@link crisisHoldsSql} in SQL. */
export function crisisHolds(crisis: { id: string; platforms: ScopePlatforms }, delivery: { platform: Platform; releasedByCrisisId: string | null }): boolean {
  return inCrisisScope(crisis, delivery.platform) && notReleasedBy(crisis, delivery);
}

/**
 * The platforms a crisis covers, spelled out in PLATFORMS order: the one order every closer of gates
 * locks them in, and the list to bind where SQL reads deliveries by platform (IDX_deliveries_scheduled_workspace
 * leads with workspace and platform: a list is one index range per platform, "every platform" none).
 */
export function scopePlatforms(platforms: ScopePlatforms): Platform[] {
  return PLATFORMS.filter((platform) => inCrisisScope({ platforms }, platform));
}

/**
 * SQL: true when the platform `platform` (an expression: `d.platform`) is one `platforms` covers, a text[]
 * expression that is NULL for every platform: a crisis row's column (`cr.platforms`) or a bound parameter
 * (`$3::text[]`). Bound to a list from {@link scopePlatforms}, the NULL test is folded away when the
 * statement is planned with its values (node-postgres sends unnamed statements), leaving `platform = ANY(list)`
 * and its index ranges.
 */
export function platformInScope(platform: string, platforms: string): string {
  return `(${platforms} IS NULL OR ${platform} = ANY(${platforms}))`;
}

/** SQL: the delivery aliased `d` was not released by the crisis whose id is the expression `crisisId`. {@link notReleasedBy} in SQL. */
export function notReleasedByCrisis(d: string, crisisId: string): string {
  return `${d}.released_by_crisis_id IS DISTINCT FROM ${crisisId}`;
}

/**
 * SQL: the crisis whose id is `crisisId` and whose platforms are `platforms` (see {@link platformInScope})
 * holds the delivery aliased `d`: {@link crisisHolds} in SQL. The caller adds the delivery's state.
 */
export function crisisHoldsSql(d: string, crisisId: string, platforms: string): string {
  return `${platformInScope(`${d}.platform`, platforms)} AND ${notReleasedByCrisis(d, crisisId)}`;
}
