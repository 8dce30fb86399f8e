// What people do with deliveries the engine could not settle: verify an unknown outcome, retry or drop a failure.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { DeliveriesRepository } from './deliveries.repository';
import type { DeliveryState } from './delivery-state';
import { Delivery } from './delivery.entity';
import type { Resolution, ResolveDeliveryDto } from './dto/resolve-delivery.dto';

const TARGET: Record<Resolution, DeliveryState> = { published: 'published', resend: 'scheduled', drop: 'cancelled' };
const RESOLVABLE: Record<Resolution, DeliveryState[]> = {
  published: ['needs_verification'],
  resend: ['needs_verification', 'failed'],
  drop: ['needs_verification', 'failed'],
};

@Injectable()
export class DeliveriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deliveries: DeliveriesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  resolve(principal: Principal, id: string, dto: ResolveDeliveryDto): Promise<Delivery> {
    return this.dataSource.transaction(async (manager) => {
      const delivery = await manager.findOne(Delivery, { where: { id, workspaceId: principal.workspaceId }, lock: { mode: 'pessimistic_write' } });
      if (!delivery) {
        throw DomainError.notFound('Delivery', id);
      }
      if (!RESOLVABLE[dto.outcome].includes(delivery.state)) {
        throw DomainError.conflict(`Delivery ${id} is ${delivery.state}: "${dto.outcome}" applies to ${RESOLVABLE[dto.outcome].join(' or ')} deliveries`);
      }
      if (dto.outcome === 'resend') {
        // A cancel or a rejection means never: a person cannot send again what the post no longer wants sent.
        const [post] = await manager.query<{ status: string }[]>('SELECT status FROM posts WHERE id = $1', [delivery.postId]);
        if (post?.status === 'cancelled' || post?.status === 'rejected') {
          throw DomainError.conflict(
            post.status === 'cancelled'
              ? `Delivery ${id} belongs to a cancelled post: it is never sent again (resolve it as published or drop it)`
              : `Delivery ${id} belongs to a post that was sent back: it goes out only after an edit and a new sign-off`,
          );
        }
      }
      const before = { state: delivery.state, lastError: delivery.lastError };
      const now = this.clock.now();
      const changes: Partial<Delivery> =
        dto.outcome === 'published'
          ? { publishedAt: now, platformPostId: dto.platformPostId ?? delivery.platformPostId, url: dto.url ?? delivery.url, lastError: null }
          : dto.outcome === 'resend'
            ? { dueAt: now, lastError: null, attempts: 0 }
            : {};
      await this.deliveries.move(manager, delivery, TARGET[dto.outcome], changes);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: `delivery.resolved_${dto.outcome}`,
        targetType: 'delivery',
        targetId: id,
        before,
        after: { state: delivery.state, platformPostId: delivery.platformPostId, url: delivery.url },
        reason: dto.note,
      });
      return delivery;
    });
  }
}
