import { ApiProperty } from '@nestjs/swagger';
import { WEBHOOK_EVENT_TYPES } from '../webhook-event-types';
import type { WebhookEventType } from '../webhook-event-types';
import type { Webhook } from '../webhook.entity';

export class WebhookView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) eventTypes: WebhookEventType[];
  @ApiProperty() active: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Why the service switched it off (410 Gone from the receiver)' })
  disabledReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;

  static of(webhook: Webhook): WebhookView {
    return {
      id: webhook.id,
      url: webhook.url,
      description: webhook.description,
      eventTypes: webhook.eventTypes,
      active: webhook.active,
      disabledReason: webhook.disabledReason,
      createdAt: webhook.createdAt,
      updatedAt: webhook.updatedAt,
    };
  }
}

export class CreatedWebhookView extends WebhookView {
  @ApiProperty({ description: 'The signing secret, shown this once: store it where the receiver can read it' })
  secret: string;
}
