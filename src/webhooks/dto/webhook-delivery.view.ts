import { ApiProperty } from '@nestjs/swagger';
import { WEBHOOK_EVENT_TYPES } from '../webhook-event-types';
import type { WebhookEventType } from '../webhook-event-types';
import type { WebhookAttempt } from '../webhook-attempt.entity';
import { WEBHOOK_DELIVERY_STATES } from '../webhook-delivery.entity';
import type { WebhookDelivery, WebhookDeliveryState } from '../webhook-delivery.entity';

export class WebhookAttemptView {
  @ApiProperty({ description: '1 for the first attempt' }) attempt: number;
  @ApiProperty({ format: 'date-time' }) startedAt: Date;
  @ApiProperty() durationMs: number;
  @ApiProperty({ nullable: true, type: Number, description: "The receiver's HTTP status; null when it did not answer" })
  statusCode: number | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The first 1,000 characters of the receiver's answer" })
  responseBody: string | null;

  static of(attempt: WebhookAttempt): WebhookAttemptView {
    return {
      attempt: attempt.attempt,
      startedAt: attempt.startedAt,
      durationMs: attempt.durationMs,
      statusCode: attempt.statusCode,
      error: attempt.error,
      responseBody: attempt.responseBody,
    };
  }
}

export class WebhookDeliveryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The event (the Holdfast-Event-Id header)' }) eventId: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) eventType: WebhookEventType;
  @ApiProperty({ enum: WEBHOOK_DELIVERY_STATES }) state: WebhookDeliveryState;
  @ApiProperty() attempts: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the next attempt is due, while pending' })
  nextAttemptAt: Date | null;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deliveredAt: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: [WebhookAttemptView], description: 'Every attempt, first to last' }) log: WebhookAttemptView[];

  static of(delivery: WebhookDelivery, eventType: WebhookEventType, attempts: WebhookAttempt[]): WebhookDeliveryView {
    return {
      id: delivery.id,
      eventId: delivery.eventId,
      eventType,
      state: delivery.state,
      attempts: delivery.attempts,
      nextAttemptAt: delivery.state === 'pending' ? delivery.dueAt : null,
      lastStatusCode: delivery.lastStatusCode,
      lastError: delivery.lastError,
      deliveredAt: delivery.deliveredAt,
      createdAt: delivery.createdAt,
      log: attempts.map((attempt) => WebhookAttemptView.of(attempt)),
    };
  }
}

export class WebhookDeliveryPageView {
  @ApiProperty({ type: [WebhookDeliveryView], description: 'Newest first' }) items: WebhookDeliveryView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last' })
  nextCursor: string | null;
}

export class QueuedTestView {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ format: 'uuid', description: 'Follow it in GET /api/webhooks/{id}/deliveries' }) deliveryId: string;
}
