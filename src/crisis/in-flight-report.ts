// What the crisis switch says about each send in flight when it was flipped: only what it knows.
import type { Platform } from '../channels/platform';
import type { InFlightSend } from './crisis.entity';

/** A candidate's row as read under the closed gates, when nothing behind them can change any more. */
export interface InFlightRow {
  id: string;
  channel_id: string;
  platform: Platform;
  state: string;
  send_started_at: Date | null;
  platform_post_id: string | null;
  url: string | null;
  last_error: string | null;
}

/**
 * - stopped_before_send: what the closing transaction itself moved out of publishing (claimed, never
 *   admitted: no request left). Nothing else is called that.
 * - unknown: still publishing with its send started under the closed gates (its sender died or hangs:
 *   it may have reached the platform; lease recovery makes it needs_verification), or a send that ended
 *   needs_verification (e.g. aborted at the switch's deadline).
 * - in_flight: a send that finished while the close waited, with its final state (published with its
 *   URL, failed, scheduled for a retry the crisis now holds...).
 */
export function inFlightReport(rows: InFlightRow[], stoppedIds: ReadonlySet<string>): InFlightSend[] {
  return rows
    // Claimed after the closing transaction held what was claimed: never sent, and refused at the gate once the crisis commits.
    .filter((row) => stoppedIds.has(row.id) || row.state !== 'publishing' || row.send_started_at !== null)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((row) => {
      const outcome: InFlightSend['outcome'] = stoppedIds.has(row.id)
        ? 'stopped_before_send'
        : row.state === 'publishing' || row.state === 'needs_verification'
          ? 'unknown'
          : 'in_flight';
      return {
        deliveryId: row.id,
        channelId: row.channel_id,
        platform: row.platform,
        outcome,
        state: stoppedIds.has(row.id) ? 'held' : row.state,
        platformPostId: row.platform_post_id,
        url: row.url,
        lastError: row.last_error,
      };
    });
}
