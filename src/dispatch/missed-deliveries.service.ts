// What people do with deliveries a crisis made miss their time: schedule them again, or cancel them, in bulk.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { DeliveriesRepository } from './deliveries.repository';
import { assertTransition, type DeliveryState } from './delivery-state';
import { Delivery } from './delivery.entity';
import type { MissedDeliveryView } from './dto/missed-bulk.dto';

@Injectable()
export class MissedDeliveriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deliveries: DeliveriesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The workspace's missed deliveries with their post's text and channel, soonest original time first. */
  async list(workspaceId: string, limit: number): Promise<MissedDeliveryView[]> {
    const rows = await this.dataSource.query<
      { id: string; post_id: string; text: string; channel_id: string; channel_name: string; platform: MissedDeliveryView['platform']; due_at: Date; held_by_crisis_id: string | null }[]
    >(
      `SELECT d.id, d.post_id, left(p.text, 280) AS text, d.channel_id, c.name AS channel_name, d.platform, d.due_at, d.held_by_crisis_id
         FROM deliveries d JOIN posts p ON p.id = d.post_id JOIN channels c ON c.id = d.channel_id
        WHERE d.workspace_id = $1 AND d.state = 'missed' ORDER BY d.due_at, d.id LIMIT $2`,
      [workspaceId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      postId: r.post_id,
      text: r.text,
      channelId: r.channel_id,
      channelName: r.channel_name,
      platform: r.platform,
      dueAt: r.due_at,
      heldByCrisisId: r.held_by_crisis_id,
    }));
  }

  /**
   * Schedules every named missed delivery for `scheduledAt`, or none (a 4xx naming those that are not
   * missed). One whose post is approved goes back to scheduled, otherwise to pending approval. Nothing
   * is written here about crises: a scheduled delivery in the scope of an active crisis is held by it
   * (the one predicate in crisis-hold.ts, at the claim and again under the gate), so it never goes out
   * without that crisis's sign-off.
   */
  reschedule(principal: Principal, ids: string[], scheduledAt: string): Promise<Delivery[]> {
    const dueAt = new Date(scheduledAt);
    if (Number.isNaN(dueAt.getTime())) {
      throw DomainError.invalid('scheduledAt must be a valid date-time', ['scheduledAt must be a valid date-time']);
    }
    if (dueAt.getTime() <= this.clock.now().getTime()) {
      throw DomainError.invalid('scheduledAt must be in the future', ['scheduledAt must be in the future']);
    }
    assertTransition('missed', 'scheduled');
    assertTransition('missed', 'pending_approval');
    return this.dataSource.transaction(async (manager) => {
      const missed = await this.lockMissed(manager, principal.workspaceId, ids);
      const posts = new Map(
        (await manager.query<{ id: string; status: string }[]>('SELECT id, status FROM posts WHERE id = ANY($1::uuid[])', [[...new Set(missed.map((d) => d.postId))]])).map((p) => [
          p.id,
          p.status,
        ]),
      );
      const stopped = missed.filter((d) => ['cancelled', 'rejected'].includes(posts.get(d.postId) ?? ''));
      if (stopped.length > 0) {
        throw DomainError.conflict(
          `Nothing was rescheduled: the post of ${stopped.map((d) => d.id).join(', ')} was cancelled or sent back; cancel ${stopped.length === 1 ? 'that delivery' : 'those deliveries'} instead`,
          { deliveryIds: stopped.map((d) => d.id) },
        );
      }
      for (const delivery of missed) {
        const to: DeliveryState = posts.get(delivery.postId) === 'scheduled' ? 'scheduled' : 'pending_approval';
        const before = { state: delivery.state, dueAt: delivery.dueAt };
        await this.deliveries.move(manager, delivery, to, { dueAt, attempts: 0, lastError: null });
        await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
          action: 'delivery.rescheduled',
          targetType: 'delivery',
          targetId: delivery.id,
          before,
          after: { state: to, dueAt },
          reason: 'Missed during a crisis; rescheduled',
        });
      }
      await this.deliveries.wakeIfDue(manager, dueAt);
      return this.deliveries.ofIds(manager, missed.map((d) => d.id));
    });
  }

  /** Cancels every named missed delivery, or none (a 4xx naming those that are not missed). */
  cancel(principal: Principal, ids: string[]): Promise<Delivery[]> {
    assertTransition('missed', 'cancelled');
    return this.dataSource.transaction(async (manager) => {
      const missed = await this.lockMissed(manager, principal.workspaceId, ids);
      for (const delivery of missed) {
        const before = { state: delivery.state, dueAt: delivery.dueAt };
        await this.deliveries.move(manager, delivery, 'cancelled');
        await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
          action: 'delivery.cancelled',
          targetType: 'delivery',
          targetId: delivery.id,
          before,
          after: { state: 'cancelled' },
          reason: 'Missed during a crisis; cancelled',
        });
      }
      return this.deliveries.ofIds(manager, missed.map((d) => d.id));
    });
  }

  /**
   * The named deliveries of the workspace, locked (before the audit chain's lock), in the order the
   * crisis's deactivation locks rows; refused as a whole unless every one exists here and is missed.
   */
  private async lockMissed(manager: EntityManager, workspaceId: string, ids: string[]): Promise<Delivery[]> {
    const rows = await manager
      .getRepository(Delivery)
      .createQueryBuilder('d')
      .setLock('pessimistic_write')
      .where('d.workspace_id = :workspaceId AND d.id = ANY(:ids)', { workspaceId, ids })
      .orderBy('d.post_id')
      .addOrderBy('d.created_at')
      .addOrderBy('d.id')
      .getMany();
    const found = new Map(rows.map((d) => [d.id, d]));
    const unknown = ids.filter((id) => !found.has(id));
    if (unknown.length > 0) {
      throw DomainError.notFound(unknown.length === 1 ? 'Delivery' : 'Deliveries', unknown.join(', '));
    }
    const notMissed = rows.filter((d) => d.state !== 'missed');
    if (notMissed.length > 0) {
      throw DomainError.conflict(
        `Nothing was changed: only missed deliveries can be rescheduled or cancelled here; ${notMissed.map((d) => `${d.id} is ${d.state}`).join(', ')}`,
        { deliveryIds: notMissed.map((d) => d.id) },
      );
    }
    return rows;
  }
}
