// A cancel or a rejection, as the deliveries see it: nothing of the post is sent from now on.
import type { EntityManager } from 'typeorm';
import type { Platform } from '../channels/platform';
import { assertTransition, type DeliveryState } from './delivery-state';

/** What a cancel or a rejection leaves a stopped delivery in: cancelled, or waiting for an edit and a new sign-off. */
export type StopState = 'cancelled' | 'pending_approval';

/** A delivery whose send had started (it may reach the platform) when the post was stopped. */
export interface SendInFlight {
  deliveryId: string;
  channelId: string;
  platform: Platform;
  /** Always in_flight: the request may still land (published); otherwise it ends in the stop state, never retried. */
  outcome: 'in_flight';
}

/**
 * Stops every delivery of a post that is in one of `from`, in the caller's transaction, in one
 * statement that locks the rows. A delivery claimed but not yet admitted at its gate (publishing,
 * send_started_at null) is moved like the others: its admission, re-checked on the row's new version,
 * refuses it. One whose send started is left publishing with `stop_requested` set: the recorder then
 * writes a retryable or rate-limited outcome as `to`, never scheduled, and the lease sweep never
 * sends it again. Those are returned, for the answer to name.
 */
export async function stopDeliveries(manager: EntityManager, postId: string, from: readonly DeliveryState[], to: StopState): Promise<SendInFlight[]> {
  from.filter((state) => state !== to).forEach((state) => assertTransition(state, to));
  const sending = `d.state = 'publishing' AND d.send_started_at IS NOT NULL`;
  const claimed = `d.state = 'publishing' AND d.send_started_at IS NULL`;
  const [rows] = await manager.query<[{ id: string; channel_id: string; platform: Platform; state: DeliveryState }[], number]>(
    `UPDATE deliveries d
        SET state = CASE WHEN ${sending} THEN d.state ELSE $3 END,
            stop_requested = CASE WHEN ${sending} THEN $3 ELSE NULL END,
            attempts = CASE WHEN ${claimed} THEN GREATEST(d.attempts - 1, 0) ELSE d.attempts END,
            lease_owner = CASE WHEN ${sending} THEN d.lease_owner ELSE NULL END,
            lease_expires_at = CASE WHEN ${sending} THEN d.lease_expires_at ELSE NULL END,
            send_started_at = CASE WHEN ${sending} THEN d.send_started_at ELSE NULL END,
            updated_at = now()
      WHERE d.post_id = $1 AND d.state = ANY($2::text[]) AND d.state <> $3
      RETURNING d.id, d.channel_id, d.platform, d.state`,
    [postId, from, to],
  );
  return rows
    .filter((row) => row.state === 'publishing')
    .map((row) => ({ deliveryId: row.id, channelId: row.channel_id, platform: row.platform, outcome: 'in_flight' as const }));
}
