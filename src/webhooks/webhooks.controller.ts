import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../common/decorators';
import { DomainError } from '../common/domain-error';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import { WebhookDeliveriesQueryDto } from './dto/webhook-deliveries-query.dto';
import { QueuedTestView, WebhookDeliveryPageView, WebhookDeliveryView } from './dto/webhook-delivery.view';
import { CreatedWebhookView, WebhookView } from './dto/webhook.view';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Authorize('admin')
  @ApiOperation({ summary: 'Subscribe a URL to events; the signing secret is in this answer only' })
  @ApiCreatedResponse({ type: CreatedWebhookView })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateWebhookDto): Promise<CreatedWebhookView> {
    const { webhook, secret } = await this.webhooks.create(principal, dto);
    return { ...WebhookView.of(webhook), secret };
  }

  @Get()
  @Authorize('admin')
  @ApiOperation({ summary: 'The webhooks of the workspace (secrets are never returned)' })
  @ApiOkResponse({ type: [WebhookView] })
  async list(@CurrentPrincipal() principal: Principal): Promise<WebhookView[]> {
    return (await this.webhooks.list(principal)).map((webhook) => WebhookView.of(webhook));
  }

  @Get(':id')
  @Authorize('admin')
  @ApiOperation({ summary: 'One webhook' })
  @ApiOkResponse({ type: WebhookView })
  async get(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<WebhookView> {
    return WebhookView.of(await this.webhooks.get(principal, id));
  }

  @Patch(':id')
  @Authorize('admin')
  @ApiOperation({ summary: 'Change the URL, event types, secret or active flag; deactivating cancels what was not yet sent' })
  @ApiOkResponse({ type: WebhookView })
  async update(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: UpdateWebhookDto): Promise<WebhookView> {
    return WebhookView.of(await this.webhooks.update(principal, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('admin')
  @ApiOperation({ summary: 'Remove a webhook (its secret is erased, pending deliveries cancelled; its log stays)' })
  @ApiNoContentResponse({ description: 'Removed' })
  async remove(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<void> {
    await this.webhooks.remove(principal, id);
  }

  @Get(':id/deliveries')
  @Authorize('admin')
  @ApiOperation({ summary: 'The delivery log: every event sent to this webhook with each attempt, newest first' })
  @ApiOkResponse({ type: WebhookDeliveryPageView })
  async deliveries(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @Query() query: WebhookDeliveriesQueryDto,
  ): Promise<WebhookDeliveryPageView> {
    const limit = query.limit ?? 50;
    const page = await this.webhooks.deliveries(principal, id, { state: query.state, limit, beforeId: decodeCursor(query.cursor) });
    const last = page.items[page.items.length - 1];
    return {
      items: page.items.map((entry) => WebhookDeliveryView.of(entry.delivery, entry.eventType, entry.attempts)),
      nextCursor: page.hasMore && last ? encodeCursor(last.delivery.id) : null,
    };
  }

  @Post(':id/test')
  @HttpCode(202)
  @Authorize('admin')
  @ApiOperation({ summary: 'Send a signed webhook.test event to this webhook now' })
  @ApiAcceptedResponse({ type: QueuedTestView })
  sendTest(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<QueuedTestView> {
    return this.webhooks.sendTest(principal, id);
  }

  @Post(':id/deliveries/:deliveryId/resend')
  @HttpCode(202)
  @Authorize('admin')
  @ApiOperation({
    summary:
      'Send a failed or cancelled delivery again: the same event id and payload, freshly signed, as its next attempt in the log. ' +
      '409 when the webhook is inactive or deleted, or the delivery is pending, in flight or delivered',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryView, description: 'The delivery, pending again; follow it in the delivery log' })
  @ApiConflictResponse({ description: 'The webhook is inactive or deleted, or the delivery is pending, in flight or already delivered' })
  async resend(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @IdParam('deliveryId') deliveryId: string): Promise<WebhookDeliveryView> {
    const entry = await this.webhooks.resend(principal, id, deliveryId);
    return WebhookDeliveryView.of(entry.delivery, entry.eventType, entry.attempts);
  }
}

function encodeCursor(deliveryId: string): string {
  return Buffer.from(`wd:${deliveryId}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  const match = /^wd:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw DomainError.invalid('cursor is not a cursor this API returned');
  }
  return match[1];
}
