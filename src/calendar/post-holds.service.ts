// A person's hold on a post: its scheduled deliveries stop (state held, held by no crisis) until released. The crisis
// lead's tool for one tone-deaf post, crisis or not. Deactivating a crisis never resumes what a person holds.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { DeliveriesRepository } from '../dispatch/deliveries.repository';
import { Delivery } from '../dispatch/delivery.entity';
import { Post } from './post.entity';
import type { PostWithDeliveries } from './posts.service';

/** A delivery a person holds: held, and not by a crisis. */
export function heldByPerson(d: Pick<Delivery, 'state' | 'heldByCrisisId'>): boolean {
  return d.state === 'held' && d.heldByCrisisId === null;
}

@Injectable()
export class PostHoldsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deliveries: DeliveriesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Holds every delivery of the post not yet sent: scheduled ones become held, and those a crisis holds are taken
   * over (a crisis's end then does not resume them). One being sent right now is not stopped: it shows publishing.
   */
  hold(principal: Principal, id: string, reason: string | undefined): Promise<PostWithDeliveries> {
    return this.dataSource.transaction(async (manager) => {
      const { post, deliveries } = await this.lock(manager, principal.workspaceId, id);
      if (post.status === 'cancelled') {
        throw DomainError.conflict(`Post ${id} is cancelled`);
      }
      const holdable = deliveries.filter((d) => d.state === 'scheduled' || (d.state === 'held' && d.heldByCrisisId !== null));
      if (holdable.length === 0) {
        const states = deliveries.map((d) => `${d.state} on ${d.platform}`).join(', ') || 'none';
        throw DomainError.conflict(`Post ${id} has no scheduled delivery to hold (deliveries: ${states})`);
      }
      const before = deliveries.map((d) => ({ id: d.id, state: d.state, heldByCrisisId: d.heldByCrisisId }));
      for (const delivery of holdable) {
        if (delivery.state === 'held') {
          await manager.update(Delivery, { id: delivery.id, state: 'held' }, { heldByCrisisId: null });
        } else {
          await this.deliveries.move(manager, delivery, 'held', { heldByCrisisId: null });
        }
      }
      const after = await this.deliveries.ofPost(manager, post.id);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'post.held',
        targetType: 'post',
        targetId: post.id,
        before: { deliveries: before },
        after: { held: holdable.map((d) => d.id), deliveries: after.map((d) => ({ id: d.id, state: d.state })) },
        reason,
      });
      return { post, deliveries: after };
    });
  }

  /**
   * Releases a person's hold: deliveries still ahead are scheduled again (under a crisis, its sign-off still applies);
   * those whose time passed while held become missed, for someone to reschedule or cancel: never sent by themselves.
   */
  release(principal: Principal, id: string, reason: string | undefined): Promise<PostWithDeliveries> {
    return this.dataSource.transaction(async (manager) => {
      const { post, deliveries } = await this.lock(manager, principal.workspaceId, id);
      const held = deliveries.filter(heldByPerson);
      if (held.length === 0) {
        throw DomainError.conflict(`Post ${id} is not held by a person`);
      }
      const now = this.clock.now();
      const ahead = post.status === 'scheduled' ? 'scheduled' : 'pending_approval';
      for (const delivery of held) {
        if (delivery.dueAt.getTime() > now.getTime()) {
          await this.deliveries.move(manager, delivery, ahead);
        } else {
          await this.deliveries.move(manager, delivery, 'missed', { lastError: 'its time passed while it was held: reschedule or cancel it' });
        }
      }
      if (held.some((d) => d.state === 'scheduled')) {
        await this.deliveries.wake(manager);
      }
      const after = await this.deliveries.ofPost(manager, post.id);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'post.hold_released',
        targetType: 'post',
        targetId: post.id,
        before: { held: held.map((d) => d.id) },
        after: { deliveries: after.map((d) => ({ id: d.id, state: d.state })) },
        reason,
      });
      return { post, deliveries: after };
    });
  }

  private async lock(manager: EntityManager, workspaceId: string, id: string): Promise<PostWithDeliveries> {
    const post = await manager.findOne(Post, { where: { id, workspaceId }, lock: { mode: 'pessimistic_write' } });
    if (!post) {
      throw DomainError.notFound('Post', id);
    }
    return { post, deliveries: await this.deliveries.ofPost(manager, id, { lock: true }) };
  }
}
