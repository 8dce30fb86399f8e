// Reading the calendar: a range of posts with their deliveries, filtered, paged, optionally by local day.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { shownStateIs } from '../dispatch/crisis-hold';
import { DeliveriesRepository } from '../dispatch/deliveries.repository';
import type { DeliveryState } from '../dispatch/delivery-state';
import type { CalendarQueryDto } from './dto/calendar-query.dto';
import { isTimeZone, localDay, parseInstant } from './instants';
import { Post } from './post.entity';
import type { PostWithDeliveries } from './posts.service';

const MAX_RANGE_MS = 366 * 24 * 3600 * 1000;

export interface CalendarPage {
  posts: PostWithDeliveries[];
  days?: { date: string; posts: PostWithDeliveries[] }[];
  nextCursor: string | null;
}

@Injectable()
export class CalendarService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  async range(principal: Principal, query: CalendarQueryDto): Promise<CalendarPage> {
    const from = parseInstant(query.from);
    const to = parseInstant(query.to);
    if (!from || !to) {
      throw DomainError.invalid(`${from ? 'to' : 'from'} must be an ISO 8601 instant with an offset`);
    }
    if (to <= from || to.getTime() - from.getTime() > MAX_RANGE_MS) {
      throw DomainError.invalid('to must be after from, and at most 366 days after it');
    }
    const tz = query.tz ?? 'UTC';
    if (!isTimeZone(tz)) {
      throw DomainError.invalid(`tz ${JSON.stringify(tz)} is not an IANA time zone such as Europe/Madrid`);
    }
    const limit = query.limit ?? 100;
    const qb = this.dataSource
      .getRepository(Post)
      .createQueryBuilder('p')
      .where('p.workspace_id = :workspaceId', { workspaceId: principal.workspaceId })
      .andWhere('p.scheduled_at >= :from AND p.scheduled_at < :to', { from, to })
      .orderBy('p.scheduled_at', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(limit + 1);
    if (query.authorId) {
      qb.andWhere('p.author_id = :authorId', { authorId: query.authorId });
    }
    if (query.label) {
      qb.andWhere(':label = ANY(p.labels)', { label: query.label });
    }
    if (query.channelId || query.platform || query.status) {
      const conditions = ['d.post_id = p.id'];
      if (query.channelId) {
        conditions.push('d.channel_id = :channelId');
      }
      if (query.platform) {
        conditions.push('d.platform = :platform');
      }
      if (query.status) {
        // As shown: held includes the scheduled deliveries the active crisis stops.
        conditions.push(shownStateIs('d', query.status as DeliveryState, ':status'));
      }
      qb.andWhere(`EXISTS (SELECT 1 FROM deliveries d WHERE ${conditions.join(' AND ')})`, {
        channelId: query.channelId,
        platform: query.platform,
        status: query.status,
      });
    }
    const after = decodeCursor(query.cursor);
    if (after) {
      qb.andWhere('(p.scheduled_at, p.id) > (:afterAt, :afterId)', { afterAt: after.at, afterId: after.id });
    }
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    const deliveries = await this.deliveries.ofPosts(this.dataSource.manager, page.map((p) => p.id));
    const posts = page.map((post) => ({ post, deliveries: deliveries.filter((d) => d.postId === post.id) }));
    const last = page[page.length - 1];
    const nextCursor = rows.length > limit && last ? encodeCursor(last) : null;
    if (query.groupBy !== 'day') {
      return { posts, nextCursor };
    }
    const days = new Map<string, PostWithDeliveries[]>();
    for (const entry of posts) {
      const day = localDay(entry.post.scheduledAt, tz);
      days.set(day, [...(days.get(day) ?? []), entry]);
    }
    return { posts, days: [...days].map(([date, list]) => ({ date, posts: list })), nextCursor };
  }
}

function encodeCursor(post: Post): string {
  return Buffer.from(`${post.scheduledAt.toISOString()}|${post.id}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const instant = at ? parseInstant(at) : undefined;
  if (!instant || !id || !/^[0-9a-f-]{36}$/.test(id)) {
    throw DomainError.invalid('cursor is not a cursor this API returned');
  }
  return { at: instant, id };
}
