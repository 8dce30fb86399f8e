// Queries on deliveries; every change of state is checked against the state machine first.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, type SelectQueryBuilder } from 'typeorm';
import type { Channel } from '../channels/channel.entity';
import type { Post } from '../calendar/post.entity';
import { Clock } from '../common/clock';
import { shownStateIs, stoppingCrisisId } from './crisis-hold';
import { assertTransition, DeliveryState } from './delivery-state';
import { Delivery } from './delivery.entity';

export { DISPATCH_CHANNEL } from './dispatch-channel';
import { DISPATCH_CHANNEL } from './dispatch-channel';
/** Deliveries due within this window wake the dispatcher at once. */
const WAKE_WINDOW_MS = 5_000;

@Injectable()
export class DeliveriesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** The time zone of each post, to show its deliveries' times as its people read them. */
  async timeZonesOf(postIds: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(postIds)];
    if (unique.length === 0) {
      return new Map();
    }
    const rows = await this.dataSource.query<{ id: string; time_zone: string }[]>('SELECT id, time_zone FROM posts WHERE id = ANY($1::uuid[])', [unique]);
    return new Map(rows.map((row) => [row.id, row.time_zone]));
  }

  /** The workspace's deliveries as shown (see {@link shown}), by shown state: held includes those the active crisis stops. */
  ofWorkspace(workspaceId: string, state: DeliveryState | undefined, limit: number): Promise<Delivery[]> {
    const query = this.dataSource.getRepository(Delivery).createQueryBuilder('d').where('d.workspace_id = :workspaceId', { workspaceId });
    if (state) {
      query.andWhere(shownStateIs('d', state, ':state'), { state });
    }
    return shown(query.orderBy('d.updated_at', 'DESC').addOrderBy('d.id', 'ASC').limit(limit));
  }

  async createFor(manager: EntityManager, post: Post, channels: Channel[], state: DeliveryState): Promise<Delivery[]> {
    const deliveries = channels.map((channel) => manager.create(Delivery, plannedDelivery(post, channel, state)));
    await manager.save(deliveries);
    if (state === 'scheduled') {
      await this.wakeIfDue(manager, post.scheduledAt);
    }
    return deliveries;
  }

  /**
   * A post's deliveries. Locked (to decide a change of state), as stored; otherwise as shown to people
   * (see {@link shown}).
   */
  ofPost(manager: EntityManager, postId: string, options: { lock?: boolean } = {}): Promise<Delivery[]> {
    if (options.lock) {
      return manager.find(Delivery, { where: { postId }, order: { createdAt: 'ASC', id: 'ASC' }, lock: { mode: 'pessimistic_write' } });
    }
    return shown(manager.getRepository(Delivery).createQueryBuilder('d').where('d.post_id = :postId', { postId }).orderBy('d.created_at', 'ASC').addOrderBy('d.id', 'ASC'));
  }

  /** The deliveries of several posts, as shown to people (see {@link shown}). */
  ofPosts(manager: EntityManager, postIds: string[]): Promise<Delivery[]> {
    if (postIds.length === 0) {
      return Promise.resolve([]);
    }
    return shown(
      manager.getRepository(Delivery).createQueryBuilder('d').where('d.post_id = ANY(:postIds)', { postIds }).orderBy('d.created_at', 'ASC').addOrderBy('d.id', 'ASC'),
    );
  }

  /** Deliveries by id, as shown to people (see {@link shown}). */
  ofIds(manager: EntityManager, ids: string[]): Promise<Delivery[]> {
    return shown(manager.getRepository(Delivery).createQueryBuilder('d').where('d.id = ANY(:ids)', { ids }).orderBy('d.due_at', 'ASC').addOrderBy('d.id', 'ASC'));
  }

  async move(manager: EntityManager, delivery: Delivery, to: DeliveryState, changes: Partial<Delivery> = {}): Promise<void> {
    assertTransition(delivery.state, to);
    await manager.update(Delivery, { id: delivery.id, state: delivery.state }, { ...changes, state: to });
    delivery.state = to;
    Object.assign(delivery, changes);
  }

  /** Moves every delivery of a post that is in one of `from` to `to` (the caller holds the post's lock). */
  async moveAll(manager: EntityManager, postId: string, from: DeliveryState[], to: DeliveryState, changes: Partial<Delivery> = {}): Promise<number> {
    from.forEach((state) => assertTransition(state, to));
    const result = await manager
      .createQueryBuilder()
      .update(Delivery)
      .set({ ...changes, state: to })
      .where('post_id = :postId AND state = ANY(:from)', { postId, from })
      .execute();
    if (to === 'scheduled') {
      await this.wakeIfDue(manager, changes.dueAt ?? new Date(0));
    }
    return result.affected ?? 0;
  }

  /** A new time for everything of the post not yet sent; a missed delivery is scheduled again. */
  async reschedule(manager: EntityManager, postId: string, dueAt: Date): Promise<void> {
    await manager.query(
      `UPDATE deliveries SET due_at = $2, updated_at = now()
        WHERE post_id = $1 AND state IN ('pending_approval', 'scheduled', 'held')`,
      [postId, dueAt],
    );
    assertTransition('missed', 'scheduled');
    assertTransition('missed', 'pending_approval');
    await manager.query(
      `UPDATE deliveries d SET state = CASE WHEN p.status = 'scheduled' THEN 'scheduled' ELSE 'pending_approval' END,
              due_at = $2, updated_at = now()
         FROM posts p WHERE p.id = d.post_id AND d.post_id = $1 AND d.state = 'missed'`,
      [postId, dueAt],
    );
    await this.wakeIfDue(manager, dueAt);
  }

  /** Wakes the dispatchers once the caller's transaction commits (NOTIFY is transactional). */
  async wake(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [DISPATCH_CHANNEL, 'due']);
  }

  /** NOTIFY is transactional: the dispatcher hears it only if the change commits. */
  async wakeIfDue(manager: EntityManager, dueAt: Date): Promise<void> {
    if (this.isDueSoon(dueAt)) {
      await this.wake(manager);
    }
  }

  /** Due before a dispatcher's next tick could notice: worth waking the dispatchers for. */
  isDueSoon(dueAt: Date): boolean {
    return dueAt.getTime() <= this.clock.now().getTime() + WAKE_WINDOW_MS;
  }
}

/**
 * Deliveries as people see them: a scheduled delivery the workspace's active crisis stops reads held
 * by that crisis from the moment the switch answered, though its row is marked only when it falls due
 * (activation writes no delivery). Read in the same statement as the rows.
 */
async function shown(query: SelectQueryBuilder<Delivery>): Promise<Delivery[]> {
  const alias = query.alias;
  const { entities, raw } = await query
    .addSelect(`CASE WHEN ${alias}.state = 'scheduled' THEN ${stoppingCrisisId(alias)} END`, 'holding_crisis_id')
    .getRawAndEntities<{ holding_crisis_id: string | null }>();
  return entities.map((delivery, i) => {
    const crisisId = raw[i]?.holding_crisis_id ?? null;
    return crisisId === null ? delivery : Object.assign(delivery, { state: 'held' as const, heldByCrisisId: crisisId });
  });
}

/** A new delivery of a post on a channel, as it is written: not yet tried, nothing from the platform. */
export function plannedDelivery(
  post: Pick<Post, 'id' | 'workspaceId' | 'scheduledAt'>,
  channel: Pick<Channel, 'id' | 'platform'>,
  state: DeliveryState,
): Partial<Delivery> {
  return {
    workspaceId: post.workspaceId,
    postId: post.id,
    channelId: channel.id,
    platform: channel.platform,
    state,
    dueAt: post.scheduledAt,
    attempts: 0,
    leaseOwner: null,
    leaseExpiresAt: null,
    platformPostId: null,
    url: null,
    lastError: null,
    publishedAt: null,
  };
}
