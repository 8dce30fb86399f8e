// Webhook words shared by the list, the form and the log: the service's event types, delivery states, field errors.
import { ApiError } from '../../api/client';
import type { components } from '../../api/schema';

export type WebhookView = components['schemas']['WebhookView'];
export type WebhookEventType = WebhookView['eventTypes'][number];
export type WebhookDelivery = components['schemas']['WebhookDeliveryView'];
export type DeliveryState = WebhookDelivery['state'];

/**
 * Every event type the service offers (its WEBHOOK_EVENT_TYPES), described. Typed as a Record over the
 * OpenAPI enum, so a type the service adds fails the console's typecheck until it is described here.
 */
export const EVENT_TYPE_LABEL: Record<WebhookEventType, string> = {
  'crisis.activated': 'Crisis mode switched on',
  'crisis.deactivated': 'Crisis mode ended',
  'approval.requested': 'A post waits for approval',
  'delivery.failed': 'A post failed on a platform',
  'delivery.failed_over': 'A post went to fallback channels',
  'campaign.paused': 'An ad campaign was paused',
  'platform.degraded': 'A platform is degraded',
  'platform.recovered': 'A platform recovered',
  'channel.needs_reauth': 'A channel needs signing in again',
  'webhook.test': 'Test sends',
};

export const EVENT_TYPES = Object.keys(EVENT_TYPE_LABEL) as WebhookEventType[];

export const STATE_LABEL: Record<DeliveryState, string> = {
  pending: 'Waiting to send',
  sending: 'Sending',
  delivered: 'Delivered',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const STATE_COLOR: Record<DeliveryState, string> = {
  pending: 'blue',
  sending: 'blue',
  delivered: 'green',
  failed: 'red',
  cancelled: 'gray',
};

/**
 * The service's complaint about one field: a validation detail ("url must be ...") or, for the network
 * policy's refusal, the message itself (it has no details and starts with the field's name).
 */
export function fieldProblem(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) {
    return undefined;
  }
  const details = [...(error.fieldErrors[field] ?? []), ...(error.fieldErrors[`body.${field}`] ?? [])];
  if (details.length > 0) {
    return details.join('; ');
  }
  if (error.status === 400 && error.details.length === 0 && error.message.startsWith(`${field} `)) {
    return error.message;
  }
  return undefined;
}

export function hasFieldProblem(error: unknown, fields: string[]): boolean {
  return fields.some((field) => fieldProblem(error, field) !== undefined);
}
