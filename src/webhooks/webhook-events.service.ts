// What other modules call to announce an event to the workspace's webhooks, inside their own transaction.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import type { WebhookEventType } from './webhook-event-types';
import { writeWebhookEvent } from './webhook-outbox';

export { WEBHOOK_EVENT_TYPES, isWebhookEventType } from './webhook-event-types';
export type { WebhookEventType } from './webhook-event-types';

@Injectable()
export class WebhookEvents {
  constructor(private readonly clock: Clock) {}

  /**
   * Queues `type` with `data` for every active webhook of the workspace subscribed to it: one event
   * row and one pending delivery per subscription, written with `manager`, which must be in a
   * transaction (it throws otherwise). The senders pick the deliveries up once the caller commits;
   * if the caller rolls back, nothing is sent. `data` must be JSON-serialisable; it is sent as the
   * payload's `data` and must hold no secrets. Receivers get each event at least once and should
   * de-duplicate by its id (the Holdfast-Event-Id header).
   */
  async emit(manager: EntityManager, workspaceId: string, type: WebhookEventType, data: Record<string, unknown>): Promise<void> {
    await writeWebhookEvent(manager, { workspaceId, type, data, createdAt: this.clock.now() });
  }
}
