import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookAttempt } from './webhook-attempt.entity';
import { WebhookAttemptRecorder } from './webhook-attempt-recorder';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEvent } from './webhook-event.entity';
import { WebhookEvents } from './webhook-events.service';
import { WebhookRetention } from './webhook-retention';
import { WebhookSender } from './webhook-sender';
import { Webhook } from './webhook.entity';
import { WebhookMetrics } from './webhook.metrics';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Global so that any module can announce events with WebhookEvents.emit() without importing this one. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Webhook, WebhookEvent, WebhookDelivery, WebhookAttempt])],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookEvents, WebhookSender, WebhookAttemptRecorder, WebhookRetention, WebhookMetrics],
  exports: [WebhookEvents, WebhookSender],
})
export class WebhooksModule {}
