import { PostOptionsDto } from './post-options.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PLATFORMS } from '../../channels/platform';
import type { Platform } from '../../channels/platform';
import type { Delivery } from '../../dispatch/delivery.entity';
import { DELIVERY_STATES } from '../../dispatch/delivery-state';
import type { DeliveryState } from '../../dispatch/delivery-state';
import { localIso } from '../instants';
import type { Post } from '../post.entity';
import { POST_STATUS_DESCRIPTION, POST_VIEW_STATUSES, postStatusOf } from '../post-status';
import type { PostViewStatus } from '../post-status';

const LOCAL_TIME = "ISO 8601 with the offset of the post's time zone (timeZone) at that instant: the same instant as";

export class DeliveryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The post it delivers' }) postId: string;
  @ApiProperty({ format: 'uuid' }) channelId: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty({ enum: DELIVERY_STATES }) state: DeliveryState;
  @ApiProperty({ format: 'date-time', description: 'When the engine will next try to send it' }) dueAt: Date;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '2027-03-28T09:30:00+02:00',
    description: `dueAt as ${LOCAL_TIME} dueAt; null in lists that do not read the post (GET /api/deliveries)`,
  })
  dueAtLocal: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String }) platformPostId: string | null;
  @ApiProperty({ nullable: true, type: String }) url: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The platform's reason for the last failure" }) lastError: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) publishedAt: Date | null;
  @ApiProperty({ nullable: true, type: String, description: `publishedAt as ${LOCAL_TIME} publishedAt; null when not published or outside a post` })
  publishedAtLocal: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The crisis that held it, if any' }) heldByCrisisId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The crisis under whose policy it was approved to go out' })
  releasedByCrisisId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The delivery this one replaces after a platform outage (failover)' })
  failoverOfId: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      'Since when it waits for its channel to be reconnected (the platform refused the credentials): it stays due, goes out after a reconnect within the grace window from its planned time, and is missed past it',
  })
  waitingForReconnectionSince: Date | null;

  /** `timeZone`: the post's, for the local times (null without it). */
  static of(d: Delivery, timeZone?: string): DeliveryView {
    return {
      id: d.id,
      postId: d.postId,
      channelId: d.channelId,
      platform: d.platform,
      state: d.state,
      dueAt: d.dueAt,
      dueAtLocal: timeZone === undefined ? null : localIso(d.dueAt, timeZone),
      attempts: d.attempts,
      platformPostId: d.platformPostId,
      url: d.url,
      lastError: d.lastError,
      publishedAt: d.publishedAt,
      publishedAtLocal: timeZone === undefined || !d.publishedAt ? null : localIso(d.publishedAt, timeZone),
      heldByCrisisId: d.heldByCrisisId,
      releasedByCrisisId: d.releasedByCrisisId,
      failoverOfId: d.failoverOfId,
      waitingForReconnectionSince: d.waitingForReauthSince ?? null,
    };
  }
}

export class DraftMissingView {
  @ApiProperty({ example: 'eta' }) name: string;
  @ApiProperty({ example: 'When the next update comes' }) description: string;
}

export class PostDraftView {
  @ApiProperty({ format: 'uuid' }) templateId: string;
  @ApiProperty() templateVersion: number;
  @ApiProperty({ type: [String], format: 'uuid', description: 'Where it goes once filled' }) channelIds: string[];
  @ApiProperty({ type: [DraftMissingView], description: 'The placeholder values it waits for' }) missing: DraftMissingView[];
}

export class PostView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() text: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) platformText: Partial<Record<Platform, string>>;
  @ApiProperty({ type: [String] }) imageUrls: string[];
  @ApiProperty({ type: [String], format: 'uuid', description: 'Library media (GET /api/media/:id), in order' }) mediaIds: string[];
  @ApiProperty({ type: PostOptionsDto, description: 'Options by platform beside the text' }) options: PostOptionsDto;
  @ApiProperty({ nullable: true, type: String }) link: string | null;
  @ApiProperty({ format: 'date-time', description: 'When it is planned, in UTC' }) scheduledAt: Date;
  @ApiProperty({ example: '2027-03-28T09:30:00+02:00', description: `scheduledAt as ${LOCAL_TIME} scheduledAt` }) scheduledAtLocal: string;
  @ApiProperty({ example: 'Europe/Madrid', description: 'The IANA zone it is planned in' }) timeZone: string;
  @ApiProperty({ type: [String] }) labels: string[];
  @ApiProperty({ enum: POST_VIEW_STATUSES, description: POST_STATUS_DESCRIPTION }) status: PostViewStatus;
  @ApiProperty({ description: 'Bumped by every content edit' }) contentVersion: number;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty({ format: 'uuid' }) lastEditorId: string;
  @ApiProperty({ format: 'date-time', nullable: true }) submittedAt: Date | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: "Set on a crisis's replacement posts" }) crisisId: string | null;
  @ApiProperty({
    type: PostDraftView,
    nullable: true,
    description: 'Set while the post is a draft: what it misses (give it with POST /api/posts/:id/placeholder-values, or PATCH the text)',
  })
  draft: PostDraftView | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;
  @ApiProperty({ type: [DeliveryView] }) deliveries: DeliveryView[];

  static of(post: Post, deliveries: Delivery[]): PostView {
    return {
      id: post.id,
      text: post.text,
      platformText: post.platformText,
      imageUrls: post.imageUrls,
      mediaIds: post.mediaIds ?? [],
      options: post.options ?? {},
      link: post.link,
      scheduledAt: post.scheduledAt,
      scheduledAtLocal: localIso(post.scheduledAt, post.timeZone),
      timeZone: post.timeZone,
      labels: post.labels,
      status: postStatusOf(post.status, deliveries),
      contentVersion: post.contentVersion,
      authorId: post.authorId,
      lastEditorId: post.lastEditorId,
      submittedAt: post.submittedAt,
      crisisId: post.crisisId,
      draft:
        post.status === 'draft' && post.draft
          ? { templateId: post.draft.templateId, templateVersion: post.draft.templateVersion, channelIds: post.draft.channelIds, missing: post.draft.missing }
          : null,
      createdAt: post.createdAt,
      updatedAt: post.updatedAt,
      deliveries: deliveries.map((d) => DeliveryView.of(d, post.timeZone)),
    };
  }
}

export class CalendarDayView {
  @ApiProperty({ example: '2026-12-01', description: 'The local day in the requested zone' }) date: string;
  @ApiProperty({ type: [PostView] }) posts: PostView[];
}

export class CalendarPageView {
  @ApiPropertyOptional({ type: [PostView], description: 'Posts in scheduled order (without groupBy)' }) items?: PostView[];
  @ApiPropertyOptional({ type: [CalendarDayView], description: 'Posts by local day (groupBy=day)' }) days?: CalendarDayView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
