// The outbox: an event and its pending deliveries are rows written in the transaction of the change they announce.
import type { EntityManager } from 'typeorm';
import { isWebhookEventType, WebhookEventType } from './webhook-event-types';

/** The sender LISTENs here to send new events before its next tick. */
export const WEBHOOK_CHANNEL = 'holdfast_webhooks';

export interface OutboxEvent {
  workspaceId: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
  /** When it happened; the transaction's start (now()) when absent. */
  createdAt?: Date;
  /** Only this webhook, whatever it subscribed to (a test send); otherwise every active subscriber of the type. */
  onlyWebhookId?: string;
}

export interface Queued {
  eventId: string;
  deliveryIds: string[];
}

/**
 * Writes one event row and one pending delivery per active webhook of the workspace subscribed to
 * its type, then wakes the senders. NOTIFY is transactional too: if the caller rolls back, no row
 * and no wake-up remain, so nothing is ever sent for a change that did not happen.
 */
export async function writeWebhookEvent(manager: EntityManager, event: OutboxEvent): Promise<Queued> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('Webhook events are written in the transaction of the change they announce');
  }
  if (!isWebhookEventType(event.type)) {
    throw new Error(`Unknown webhook event type ${String(event.type)}`);
  }
  const [row] = await manager.query<{ event_id: string; delivery_ids: string[] }[]>(
    `WITH event AS (
       INSERT INTO webhook_events (workspace_id, type, data, created_at)
       VALUES ($1, $2, $3::jsonb, COALESCE($4::timestamptz, now()))
       RETURNING id),
     queued AS (
       INSERT INTO webhook_deliveries (workspace_id, webhook_id, event_id, state, due_at)
       SELECT $1, w.id, event.id, 'pending', now()
         FROM webhooks w CROSS JOIN event
        WHERE w.workspace_id = $1 AND w.active AND w.deleted_at IS NULL
          AND (CASE WHEN $5::uuid IS NULL THEN $2 = ANY(w.event_types) ELSE w.id = $5::uuid END)
       RETURNING id)
     SELECT (SELECT id FROM event) AS event_id, COALESCE((SELECT array_agg(id) FROM queued), '{}') AS delivery_ids`,
    [event.workspaceId, event.type, JSON.stringify(event.data), event.createdAt ?? null, event.onlyWebhookId ?? null],
  );
  if (row.delivery_ids.length > 0) {
    await manager.query('SELECT pg_notify($1, $2)', [WEBHOOK_CHANNEL, 'due']);
  }
  return { eventId: row.event_id, deliveryIds: row.delivery_ids };
}
