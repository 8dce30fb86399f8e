// Webhook subscriptions: URL, sealed secret, event types; test sends and the delivery log.
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import type { Env } from '../config/env';
import { CredentialVault } from '../secrets/credential-vault';
import type { CreateWebhookDto } from './dto/create-webhook.dto';
import type { UpdateWebhookDto } from './dto/update-webhook.dto';
import { WebhookAttempt } from './webhook-attempt.entity';
import { WebhookDelivery, WebhookDeliveryState } from './webhook-delivery.entity';
import { WebhookEvent } from './webhook-event.entity';
import type { WebhookEventType } from './webhook-event-types';
import { WEBHOOK_CHANNEL, writeWebhookEvent } from './webhook-outbox';
import { generateWebhookSecret } from './webhook-signature';
import { webhookUrlProblem } from './webhook-url';
import { Webhook } from './webhook.entity';

export interface DeliveryLogEntry {
  delivery: WebhookDelivery;
  eventType: WebhookEventType;
  attempts: WebhookAttempt[];
}

export interface DeliveryLogQuery {
  state?: WebhookDeliveryState;
  limit: number;
  /** Only deliveries older than this one (by created_at, then id): the cursor. */
  beforeId?: string;
}

@Injectable()
export class WebhooksService {
  private readonly allowPrivate: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly vault: CredentialVault,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    config: ConfigService<Env, true>,
  ) {
    this.allowPrivate = config.get('ALLOW_PRIVATE_NETWORK', { infer: true }) === 'true';
  }

  /** Creates a webhook; the answer's secret is the only time it leaves the service. */
  create(principal: Principal, dto: CreateWebhookDto): Promise<{ webhook: Webhook; secret: string }> {
    this.checkUrl(dto.url);
    const id = randomUUID();
    const secret = dto.secret ?? generateWebhookSecret();
    return this.dataSource.transaction(async (manager) => {
      await manager.insert(Webhook, {
        id,
        workspaceId: principal.workspaceId,
        url: dto.url,
        description: dto.description ?? null,
        eventTypes: dto.eventTypes,
        active: dto.active ?? true,
        disabledReason: null,
        secretSealed: this.vault.seal({ secret }, id),
        deletedAt: null,
      });
      const webhook = await manager.findOneByOrFail(Webhook, { id });
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'webhook.created',
        targetType: 'webhook',
        targetId: id,
        after: { ...summary(webhook), secretGenerated: dto.secret === undefined },
      });
      return { webhook, secret };
    });
  }

  list(principal: Principal): Promise<Webhook[]> {
    return this.dataSource.getRepository(Webhook).find({
      where: { workspaceId: principal.workspaceId, deletedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async get(principal: Principal, id: string): Promise<Webhook> {
    const webhook = await this.dataSource.getRepository(Webhook).findOneBy({ id, workspaceId: principal.workspaceId, deletedAt: IsNull() });
    if (!webhook) {
      throw DomainError.notFound('Webhook', id);
    }
    return webhook;
  }

  update(principal: Principal, id: string, dto: UpdateWebhookDto): Promise<Webhook> {
    if (dto.url !== undefined) {
      this.checkUrl(dto.url);
    }
    return this.dataSource.transaction(async (manager) => {
      const webhook = await this.lock(manager, principal.workspaceId, id);
      const before = summary(webhook);
      const changes: Partial<Webhook> = {};
      if (dto.url !== undefined) {
        changes.url = dto.url;
      }
      if (dto.description !== undefined) {
        changes.description = dto.description;
      }
      if (dto.eventTypes !== undefined) {
        changes.eventTypes = dto.eventTypes;
      }
      if (dto.secret !== undefined) {
        changes.secretSealed = this.vault.seal({ secret: dto.secret }, id);
      }
      if (dto.active !== undefined) {
        changes.active = dto.active;
        if (dto.active) {
          changes.disabledReason = null;
        }
      }
      await manager.update(Webhook, { id }, changes);
      if (dto.active === false && webhook.active) {
        await this.cancelPending(manager, id, 'not sent: the webhook was deactivated');
      }
      const updated = await manager.findOneByOrFail(Webhook, { id });
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'webhook.updated',
        targetType: 'webhook',
        targetId: id,
        before,
        after: { ...summary(updated), secretReplaced: dto.secret !== undefined },
      });
      return updated;
    });
  }

  /** Removes a webhook: its secret is erased, what it had not yet been sent is cancelled, its log stays. */
  remove(principal: Principal, id: string): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const webhook = await this.lock(manager, principal.workspaceId, id);
      await manager.update(Webhook, { id }, { deletedAt: this.clock.now(), active: false, secretSealed: '' });
      await this.cancelPending(manager, id, 'not sent: the webhook was deleted');
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'webhook.deleted',
        targetType: 'webhook',
        targetId: id,
        before: summary(webhook),
      });
    });
  }

  /** Queues a webhook.test event for this webhook alone, whatever types it subscribed to. */
  sendTest(principal: Principal, id: string): Promise<{ eventId: string; deliveryId: string }> {
    return this.dataSource.transaction(async (manager) => {
      const webhook = await this.lock(manager, principal.workspaceId, id);
      if (!webhook.active) {
        throw DomainError.conflict(`Webhook ${id} is inactive: activate it (PATCH active: true) before testing it`);
      }
      const queued = await writeWebhookEvent(manager, {
        workspaceId: principal.workspaceId,
        type: 'webhook.test',
        data: { webhookId: id, requestedBy: principal.memberName, message: 'A test event from Holdfast' },
        createdAt: this.clock.now(),
        onlyWebhookId: id,
      });
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'webhook.test_sent',
        targetType: 'webhook',
        targetId: id,
        after: { eventId: queued.eventId },
      });
      return { eventId: queued.eventId, deliveryId: queued.deliveryIds[0] };
    });
  }

  /**
   * Sends one delivery's event again: the same event id and payload, signed afresh with the webhook's
   * current secret and sent to its current URL. The delivery goes back to pending, due now, and the
   * sender makes the next attempt, logged after the earlier ones. A failed delivery has used up
   * WEBHOOK_MAX_ATTEMPTS, so its re-send is one attempt: failing, it is failed again (and may be re-sent
   * again). A cancelled one keeps the retries it had left.
   */
  resend(principal: Principal, webhookId: string, deliveryId: string): Promise<DeliveryLogEntry> {
    return this.dataSource.transaction(async (manager) => {
      const webhook = await manager.findOne(Webhook, { where: { id: webhookId, workspaceId: principal.workspaceId }, lock: { mode: 'pessimistic_write' } });
      if (!webhook) {
        throw DomainError.notFound('Webhook', webhookId);
      }
      const delivery = await manager.findOne(WebhookDelivery, {
        where: { id: deliveryId, webhookId, workspaceId: principal.workspaceId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!delivery) {
        throw DomainError.notFound('Webhook delivery', deliveryId);
      }
      // Refusals say what to do instead; a deleted webhook's secret is erased, so nothing could be signed.
      if (webhook.deletedAt !== null) {
        throw DomainError.conflict(`Webhook ${webhookId} was deleted: its secret is erased and nothing can be sent to it again`);
      }
      if (!webhook.active) {
        throw DomainError.conflict(
          `Webhook ${webhookId} is inactive${webhook.disabledReason ? ` (${webhook.disabledReason})` : ''}: activate it (PATCH active: true) before re-sending`,
        );
      }
      if (delivery.state === 'pending' || delivery.state === 'sending') {
        throw DomainError.conflict(`Webhook delivery ${deliveryId} is ${delivery.state}: it is already on its way, there is nothing to re-send`);
      }
      if (delivery.state === 'delivered') {
        throw DomainError.conflict(`Webhook delivery ${deliveryId} was delivered already: only a failed or cancelled delivery is re-sent`);
      }
      const before = { deliveryId, eventId: delivery.eventId, state: delivery.state, attempts: delivery.attempts, lastError: delivery.lastError };
      await manager.query(
        `UPDATE webhook_deliveries
            SET state = 'pending', due_at = now(), lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
          WHERE id = $1`,
        [deliveryId],
      );
      await manager.query('SELECT pg_notify($1, $2)', [WEBHOOK_CHANNEL, 'due']);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'webhook.delivery_resent',
        targetType: 'webhook',
        targetId: webhookId,
        before,
        after: { deliveryId, eventId: delivery.eventId, state: 'pending' },
      });
      // One connection in a transaction: read one after the other.
      const updated = await manager.findOneByOrFail(WebhookDelivery, { id: deliveryId });
      const event = await manager.findOneByOrFail(WebhookEvent, { id: delivery.eventId });
      const attempts = await manager.find(WebhookAttempt, { where: { deliveryId }, order: { attempt: 'ASC' } });
      return { delivery: updated, eventType: event.type, attempts };
    });
  }

  /** The delivery log of one webhook, newest first, each with its attempts. */
  async deliveries(principal: Principal, id: string, query: DeliveryLogQuery): Promise<{ items: DeliveryLogEntry[]; hasMore: boolean }> {
    await this.get(principal, id);
    const qb = this.dataSource
      .getRepository(WebhookDelivery)
      .createQueryBuilder('d')
      .where('d.webhook_id = :id', { id })
      .orderBy('d.created_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .limit(query.limit + 1);
    if (query.state) {
      qb.andWhere('d.state = :state', { state: query.state });
    }
    if (query.beforeId) {
      // Compared in the database: created_at has microseconds a JavaScript Date would drop.
      qb.andWhere('(d.created_at, d.id) < (SELECT c.created_at, c.id FROM webhook_deliveries c WHERE c.id = :beforeId AND c.webhook_id = :id)', {
        beforeId: query.beforeId,
      });
    }
    const rows = await qb.getMany();
    const page = rows.slice(0, query.limit);
    const [events, attempts] = await Promise.all([
      page.length ? this.dataSource.getRepository(WebhookEvent).findBy({ id: In(page.map((d) => d.eventId)) }) : [],
      page.length
        ? this.dataSource.getRepository(WebhookAttempt).find({ where: { deliveryId: In(page.map((d) => d.id)) }, order: { attempt: 'ASC' } })
        : [],
    ]);
    const typeOf = new Map(events.map((event) => [event.id, event.type]));
    return {
      items: page.map((delivery) => ({
        delivery,
        eventType: typeOf.get(delivery.eventId)!,
        attempts: attempts.filter((attempt) => attempt.deliveryId === delivery.id),
      })),
      hasMore: rows.length > query.limit,
    };
  }

  private checkUrl(url: string): void {
    const problem = webhookUrlProblem(url, this.allowPrivate);
    if (problem) {
      throw DomainError.invalid(problem);
    }
  }

  private async cancelPending(manager: EntityManager, webhookId: string, reason: string): Promise<void> {
    await manager.query(
      `UPDATE webhook_deliveries SET state = 'cancelled', last_error = $2, updated_at = now() WHERE webhook_id = $1 AND state = 'pending'`,
      [webhookId, reason],
    );
  }

  private async lock(manager: EntityManager, workspaceId: string, id: string): Promise<Webhook> {
    const webhook = await manager.findOne(Webhook, { where: { id, workspaceId, deletedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
    if (!webhook) {
      throw DomainError.notFound('Webhook', id);
    }
    return webhook;
  }
}

/** What the audit trail keeps of a webhook: never the secret. */
function summary(webhook: Webhook): Record<string, unknown> {
  return {
    url: webhook.url,
    description: webhook.description,
    eventTypes: webhook.eventTypes,
    active: webhook.active,
    disabledReason: webhook.disabledReason,
  };
}
