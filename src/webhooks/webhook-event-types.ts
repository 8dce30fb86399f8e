// The events a webhook can subscribe to: a fixed list, so a typo is a 400 and not a silent subscription.
export const WEBHOOK_EVENT_TYPES = [
  'crisis.activated',
  'crisis.deactivated',
  'approval.requested',
  'delivery.failed',
  'delivery.failed_over',
  'campaign.paused',
  'platform.degraded',
  'platform.recovered',
  'channel.needs_reauth',
  'webhook.test',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return typeof value === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}
