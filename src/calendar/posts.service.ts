// Writing the calendar: create, edit, reschedule and cancel posts and their deliveries.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { ApprovalPoliciesService, DEFAULT_POLICY } from '../approvals/approval-policies.service';
import { actorOf } from '../audit/audit-actor';
import { AppendedRow, AuditService } from '../audit/audit.service';
import { Channel } from '../channels/channel.entity';
import type { Platform } from '../channels/platform';
import { Clock } from '../common/clock';
import { MediaLibrary } from '../media/media-library.service';
import type { PostOptions } from '../publishers/publisher.port';
import type { PostOptionsDto } from './dto/post-options.dto';
import { queryPrepared } from '../database/prepared';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { CrisesRepository } from '../crisis/crises.repository';
import type { Crisis } from '../crisis/crisis.entity';
import { resolveValues } from '../templates/placeholders';
import { fillTemplate } from '../templates/template-content';
import { TemplatesService } from '../templates/templates.service';
import { DeliveriesRepository, DISPATCH_CHANNEL, plannedDelivery } from '../dispatch/deliveries.repository';
import { WebhookEvents } from '../webhooks/webhook-events.service';
import { Delivery } from '../dispatch/delivery.entity';
import type { DeliveryState } from '../dispatch/delivery-state';
import { type SendInFlight, stopDeliveries } from '../dispatch/delivery-stop';
import { contentHash, editChangesContent } from './content-hash';
import type { CreatePostDto } from './dto/create-post.dto';
import type { UpdatePostDto } from './dto/update-post.dto';
import { isTimeZone } from './instants';
import { assertPublishable, checkPlatformText, ContentFields, resolveScheduledAt } from './post-content';
import { PostVersion } from './post-version.entity';
import { PostDraftsService } from './post-drafts.service';
import { Post } from './post.entity';

export interface PostWithDeliveries {
  post: Post;
  deliveries: Delivery[];
}

/** A cancelled post, and the sends of it that were in flight when it was cancelled. */
export interface CancelledPost extends PostWithDeliveries {
  inFlight: SendInFlight[];
}

/** What planning a post needs of a channel. */
type PlannedChannel = Pick<Channel, 'id' | 'name' | 'platform'>;

/** Deliveries whose content may no longer change: they reached, or may have reached, the platform. */
const SENT_STATES = ['publishing', 'published', 'needs_verification'];

@Injectable()
export class PostsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policies: ApprovalPoliciesService,
    private readonly deliveries: DeliveriesRepository,
    private readonly audit: AuditService,
    private readonly crises: CrisesRepository,
    private readonly webhooks: WebhookEvents,
    private readonly templates: TemplatesService,
    private readonly drafts: PostDraftsService,
    private readonly clock: Clock,
    private readonly media: MediaLibrary,
  ) {}

  async create(principal: Principal, dto: CreatePostDto): Promise<PostWithDeliveries> {
    const now = this.clock.now();
    const timeZone = checkTimeZone(dto.timeZone ?? 'UTC');
    // A wall-clock scheduledAt is read in the zone given with it, never in the default.
    const scheduledAt = resolveScheduledAt(dto.scheduledAt, dto.publishNow, now, dto.timeZone === undefined ? undefined : timeZone);
    const { channels, approvalsRequired } = await this.planningContext(principal.workspaceId, dto.channelIds);
    const { fields, template } = await this.contentOf(principal.workspaceId, dto, channels);
    const hash = contentHash({ ...fields, channelIds: dto.channelIds });
    const mediaIds = dto.mediaIds ?? [];
    assertPublishable(channels, countingMedia(fields, mediaIds));
    await this.media.checkForPost(this.dataSource.manager, principal.workspaceId, mediaIds, channels.map((c) => c.platform));
    const planPost = (crisis: Crisis | null): PostWithDeliveries => {
      // A crisis lead's post during a crisis is one of its statements: it waits for the crisis's sign-off like the
      // playbook's replacement posts (the author never approves it), and is withdrawn with them if never approved.
      const needsApproval = approvalsRequired > 0 || crisis !== null;
      return plan(
        {
          workspaceId: principal.workspaceId,
          authorId: principal.memberId,
          lastEditorId: principal.memberId,
          mediaIds,
          options: optionsOf(dto.options),
          ...fields,
          scheduledAt,
          timeZone,
          labels: dto.labels ?? (crisis ? ['crisis'] : []),
          status: needsApproval ? 'pending_approval' : 'scheduled',
          contentVersion: 1,
          contentHash: hash,
          submittedAt: needsApproval ? now : null,
          crisisId: crisis?.id ?? null,
          draft: null,
        },
        channels,
      );
    };
    const createdEvent = (planned: PostWithDeliveries): Parameters<AuditService['record']>[3] => ({
      action: 'post.created',
      targetType: 'post',
      targetId: planned.post.id,
      after: { ...summary(planned.post, planned.deliveries), ...(template ? { template } : {}), ...(planned.post.crisisId ? { crisisId: planned.post.crisisId } : {}) },
    });
    if (approvalsRequired > 0 || principal.roles.includes('crisis_lead')) {
      return this.dataSource.transaction(async (manager) => {
        // Read under a shared lock: the crisis cannot end between this read and the commit.
        const crisis = principal.roles.includes('crisis_lead') ? await this.crises.active(manager, principal.workspaceId, 'share') : null;
        const planned = planPost(crisis);
        const insert = insertPlanned(planned);
        const [row] = await manager.query<{ created_at: Date }[]>(`WITH ${insert.sql} SELECT (SELECT created_at FROM post) AS created_at`, insert.params);
        const written = stamped(planned, row.created_at);
        if (written.post.status === 'pending_approval') {
          await this.requestApproval(manager, written.post, written.deliveries, crisis ? crisis.approvalsRequired : approvalsRequired);
        } else {
          await this.deliveries.wakeIfDue(manager, scheduledAt);
        }
        // Last: the audit chain's lock is held from here to commit.
        await this.audit.record(manager, principal.workspaceId, actorOf(principal), createdEvent(written));
        return written;
      });
    }
    const planned = planPost(null);
    const created = createdEvent(planned);
    const insert = insertPlanned(planned);
    // The busiest write there is, in one statement (one implicit transaction): the post, its deliveries,
    // the dispatchers' wake-up when it is due soon, and the audit event. Round trips inside a transaction
    // cost CPU on both sides and, under the audit chain's lock, every other writer of the workspace.
    const append = this.audit.prepare(principal.workspaceId, actorOf(principal), created);
    const wake = this.deliveries.isDueSoon(scheduledAt);
    const n = insert.params.length;
    const [row] = await queryPrepared<AppendedRow & { created_at: Date }>(
      this.dataSource,
      'holdfast_create_post',
      `WITH ${insert.sql},
       -- The rows the writes above point at ($2 the workspace, $19 the channels), key-share locked before the
       -- chain's lock so the foreign key checks at the end of the statement wait for nobody while it is held.
       held AS (SELECT 1 FROM workspaces WHERE id = $2 FOR KEY SHARE),
       held_channels AS (SELECT 1 FROM channels WHERE id = ANY($19::uuid[]) FOR KEY SHARE),
       woken AS (SELECT pg_notify($${n + 1}, 'due')::text AS notified WHERE $${n + 2}::boolean),
       -- The open consoles' calendars hear of it (live_events, tx set by live_tx(); the hubs' poll finds it: no
       -- NOTIFY on the busiest write path).
       live AS (INSERT INTO live_events (workspace_id, type, data)
                VALUES ($2, 'posts.changed', jsonb_build_object('postIds', jsonb_build_array($1::uuid::text), 'what', 'created'))),
       appended AS (
         SELECT a.id, a.seq, a.prev_hash, a.hash
           FROM (SELECT (SELECT count(*) FROM post) + (SELECT count(*) FROM planned) + (SELECT count(*) FROM held) + (SELECT count(*) FROM held_channels)
                        + (SELECT count(notified) FROM woken) AS written) AS before_the_chain,
                LATERAL ${append.call(n + 3)} AS a
          -- Using the sum keeps the planner from dropping the subqueries that compute it (and the locks and
          -- the NOTIFY with them); it is computed for the row that drives the call, so before the call.
          WHERE before_the_chain.written IS NOT NULL)
       SELECT (SELECT created_at FROM post) AS created_at, id, seq, prev_hash, hash FROM appended`,
      [...insert.params, DISPATCH_CHANNEL, wake, ...append.params],
    );
    append.accept(row);
    return stamped(planned, row.created_at);
  }

  /**
   * The post's content: its text as given, or filled from an approved template version with placeholderValues (the
   * variants of the targeted platforms become its per-platform text). The version is checked when the post is made.
   */
  private async contentOf(
    workspaceId: string,
    dto: CreatePostDto,
    channels: PlannedChannel[],
  ): Promise<{ fields: ContentFields; template: { id: string; version: number } | null }> {
    const media = { imageUrls: dto.imageUrls ?? [], link: dto.link ?? null };
    if (dto.templateId === undefined) {
      if (dto.templateVersion !== undefined || dto.placeholderValues !== undefined) {
        throw DomainError.invalid('templateVersion and placeholderValues go with templateId');
      }
      if (dto.text === undefined) {
        throw DomainError.invalid('text is required unless the post is made from a template (templateId and templateVersion)');
      }
      return { fields: { text: dto.text, platformText: checkPlatformText(dto.platformText), ...media }, template: null };
    }
    if (dto.text !== undefined || dto.platformText !== undefined) {
      throw DomainError.invalid('give text (and platformText) or templateId, not both: a template post takes its text from the template');
    }
    if (dto.templateVersion === undefined) {
      throw DomainError.invalid('templateVersion is required with templateId: name the approved version to use');
    }
    const usability = await this.templates.usableVersion(this.dataSource.manager, workspaceId, dto.templateId, dto.templateVersion);
    if (!usability.usable) {
      throw DomainError.invalid(usability.problem);
    }
    const filled = fillTemplate(usability.version, resolveValues(usability.version.placeholders, dto.placeholderValues ?? {}, 'placeholderValues'));
    const platformText: Partial<Record<Platform, string>> = {};
    for (const channel of channels) {
      const variant = filled.platformText[channel.platform];
      if (variant !== undefined) {
        platformText[channel.platform] = variant;
      }
    }
    return { fields: { text: filled.text, platformText, ...media }, template: { id: dto.templateId, version: dto.templateVersion } };
  }

  async get(principal: Principal, id: string): Promise<PostWithDeliveries> {
    const post = await this.dataSource.getRepository(Post).findOneBy({ id, workspaceId: principal.workspaceId });
    if (!post) {
      throw DomainError.notFound('Post', id);
    }
    return { post, deliveries: await this.deliveries.ofPost(this.dataSource.manager, id) };
  }

  update(principal: Principal, id: string, dto: UpdatePostDto): Promise<PostWithDeliveries> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const { post, deliveries } = await this.lockPost(manager, principal.workspaceId, id);
      if (post.status === 'cancelled') {
        throw DomainError.conflict(`Post ${id} is cancelled`);
      }
      if (post.status === 'draft') {
        return this.drafts.edit(manager, principal, post, dto);
      }
      const before = summary(post, deliveries);
      const live = deliveries.filter((d) => d.state !== 'cancelled');
      const fields: ContentFields = {
        text: dto.text ?? post.text,
        platformText: dto.platformText === undefined ? post.platformText : checkPlatformText(dto.platformText),
        imageUrls: dto.imageUrls ?? post.imageUrls,
        link: dto.link === undefined ? post.link : dto.link,
      };
      const liveChannelIds = live.map((d) => d.channelId);
      const channelIds = dto.channelIds ?? liveChannelIds;
      const mediaIds = dto.mediaIds ?? post.mediaIds;
      const options = dto.options === undefined ? post.options : optionsOf(dto.options);
      // Media and options are what the approvers signed off too (a content warning, who sees it).
      const mediaChanged =
        (dto.mediaIds !== undefined && dto.mediaIds.join(',') !== post.mediaIds.join(',')) || JSON.stringify(options) !== JSON.stringify(post.options);
      const contentChanged = mediaChanged || editChangesContent({ ...post, channelIds: liveChannelIds }, { ...fields, channelIds: dto.channelIds });

      if (contentChanged) {
        const hash = contentHash({ ...fields, channelIds });
        const sent = deliveries.filter((d) => SENT_STATES.includes(d.state));
        if (sent.length > 0) {
          throw DomainError.conflict(
            `Post ${id} is already ${sent.map((d) => `${d.state} on ${d.platform}`).join(', ')}: its content can no longer change; create a new post`,
          );
        }
        const channels = await this.channelsOf(manager, principal.workspaceId, channelIds);
        assertPublishable(channels, countingMedia(fields, mediaIds));
        await this.media.checkForPost(manager, principal.workspaceId, mediaIds, channels.map((c) => c.platform));
        // Kept so that the approvers see what this edit changed (the post row keeps only the current version).
        await manager.insert(PostVersion, {
          postId: post.id,
          contentVersion: post.contentVersion,
          workspaceId: post.workspaceId,
          text: post.text,
          platformText: post.platformText,
          imageUrls: post.imageUrls,
          link: post.link,
          channelIds: liveChannelIds,
          contentHash: post.contentHash,
          editorId: post.lastEditorId,
          replacedAt: now,
        });
        await this.retarget(manager, post, live, channels);
        Object.assign(post, fields, { mediaIds, options, contentHash: hash, contentVersion: post.contentVersion + 1, lastEditorId: principal.memberId });
        // A crisis's release was for the content it approved: the new version needs its own.
        await manager.update(Delivery, { postId: post.id }, { releasedByCrisisId: null });
        const policy = await this.policies.get(principal.workspaceId, manager);
        // A crisis's replacement post waits for the crisis's sign-off whatever the normal policy says.
        const crisisPost = post.crisisId !== null && (await this.crises.active(manager, principal.workspaceId))?.id === post.crisisId;
        if (policy.approvalsRequired > 0 || crisisPost) {
          // An edit voids every approval: the new version waits for its own.
          post.status = 'pending_approval';
          post.submittedAt = now;
          await this.deliveries.moveAll(manager, post.id, ['scheduled', 'held'], 'pending_approval');
          await this.requestApproval(manager, post, await this.deliveries.ofPost(manager, post.id), policy.approvalsRequired);
        } else if (post.status !== 'scheduled') {
          post.status = 'scheduled';
          post.submittedAt = null;
          await this.deliveries.moveAll(manager, post.id, ['pending_approval'], 'scheduled');
        }
      }
      if (dto.timeZone !== undefined) {
        post.timeZone = checkTimeZone(dto.timeZone);
      }
      if (dto.scheduledAt !== undefined || dto.publishNow) {
        // A wall-clock time is read in the zone given with it, or else the post's.
        post.scheduledAt = resolveScheduledAt(dto.scheduledAt, dto.publishNow, now, post.timeZone);
        await this.deliveries.reschedule(manager, post.id, post.scheduledAt);
      }
      post.labels = dto.labels ?? post.labels;
      await manager.save(post);
      const after = await this.deliveries.ofPost(manager, post.id);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'post.updated',
        targetType: 'post',
        targetId: post.id,
        before,
        after: summary(post, after),
        reason: dto.reason,
      });
      return { post, deliveries: after };
    });
  }

  /**
   * Cancels the post: from the answer on, no send of it starts. A send already in flight finishes
   * (the request may have left) and is named in `inFlight`; unless it publishes it ends cancelled,
   * never retried.
   */
  cancel(principal: Principal, id: string): Promise<CancelledPost> {
    return this.dataSource.transaction(async (manager) => {
      const { post, deliveries } = await this.lockPost(manager, principal.workspaceId, id);
      const before = summary(post, deliveries);
      const inFlight = await stopDeliveries(manager, post.id, ['pending_approval', 'scheduled', 'held', 'missed', 'failed', 'publishing'], 'cancelled');
      post.status = 'cancelled';
      await manager.save(post);
      const after = await this.deliveries.ofPost(manager, post.id);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'post.cancelled',
        targetType: 'post',
        targetId: post.id,
        before,
        after: { ...summary(post, after), ...(inFlight.length > 0 ? { inFlight: inFlight.map((d) => d.deliveryId) } : {}) },
      });
      return { post, deliveries: after, inFlight };
    });
  }

  cancelDelivery(principal: Principal, postId: string, deliveryId: string): Promise<PostWithDeliveries> {
    return this.dataSource.transaction(async (manager) => {
      const { post, deliveries } = await this.lockPost(manager, principal.workspaceId, postId);
      const delivery = deliveries.find((d) => d.id === deliveryId);
      if (!delivery) {
        throw DomainError.notFound('Delivery', deliveryId);
      }
      if (!['pending_approval', 'scheduled', 'held', 'missed', 'failed'].includes(delivery.state)) {
        throw DomainError.conflict(`Delivery ${deliveryId} is ${delivery.state} and cannot be cancelled`);
      }
      await this.deliveries.move(manager, delivery, 'cancelled');
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'delivery.cancelled',
        targetType: 'delivery',
        targetId: delivery.id,
        before: { state: delivery.state },
        after: { state: 'cancelled', postId, channelId: delivery.channelId },
      });
      return { post, deliveries: await this.deliveries.ofPost(manager, postId) };
    });
  }

  /** Tells the approvers' webhooks that a post version waits for sign-off. */
  private async requestApproval(manager: EntityManager, post: Post, deliveries: Delivery[], required: number): Promise<void> {
    await this.webhooks.emit(manager, post.workspaceId, 'approval.requested', {
      postId: post.id,
      contentVersion: post.contentVersion,
      required,
      scheduledAt: post.scheduledAt.toISOString(),
      authorId: post.authorId,
      crisisId: post.crisisId,
      channels: deliveries.filter((d) => d.state === 'pending_approval').map((d) => ({ id: d.channelId, platform: d.platform })),
    });
  }

  /**
   * The requested channels of the workspace and its approval count, in one statement: creating a post is
   * the busiest write there is, and every round trip inside its transaction costs every other writer.
   */
  private async planningContext(workspaceId: string, ids: string[]): Promise<{ channels: PlannedChannel[]; approvalsRequired: number }> {
    const rows = await queryPrepared<{ id: string | null; name: string; platform: Platform; approvals_required: number | null }>(
      this.dataSource,
      'holdfast_plan_post',
      `SELECT c.id, c.name, c.platform, p.approvals_required
         FROM (SELECT $1::uuid AS workspace_id) w
         LEFT JOIN approval_policies p ON p.workspace_id = w.workspace_id
         LEFT JOIN channels c ON c.workspace_id = w.workspace_id AND c.id = ANY($2::uuid[]) AND c.deleted_at IS NULL`,
      [workspaceId, ids],
    );
    const found = new Map(rows.filter((r) => r.id !== null).map((r) => [r.id!, { id: r.id!, name: r.name, platform: r.platform }]));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw DomainError.invalid(`channelIds names channels that do not exist in this workspace: ${missing.join(', ')}`);
    }
    return { channels: ids.map((id) => found.get(id)!), approvalsRequired: rows[0].approvals_required ?? DEFAULT_POLICY.approvalsRequired };
  }

  private async lockPost(manager: EntityManager, workspaceId: string, id: string): Promise<PostWithDeliveries> {
    const post = await manager.findOne(Post, { where: { id, workspaceId }, lock: { mode: 'pessimistic_write' } });
    if (!post) {
      throw DomainError.notFound('Post', id);
    }
    return { post, deliveries: await this.deliveries.ofPost(manager, id, { lock: true }) };
  }

  private async channelsOf(manager: EntityManager, workspaceId: string, ids: string[]): Promise<Channel[]> {
    const channels = await manager.findBy(Channel, { id: In(ids), workspaceId, deletedAt: IsNull() });
    const missing = ids.filter((id) => !channels.some((c) => c.id === id));
    if (missing.length > 0) {
      throw DomainError.invalid(`channelIds names channels that do not exist in this workspace: ${missing.join(', ')}`);
    }
    return ids.map((id) => channels.find((c) => c.id === id)!);
  }

  /** Adds deliveries for new channels and cancels those of dropped ones. */
  private async retarget(manager: EntityManager, post: Post, live: Delivery[], channels: Channel[]): Promise<void> {
    const dropped = live.filter((d) => !channels.some((c) => c.id === d.channelId));
    for (const delivery of dropped) {
      await this.deliveries.move(manager, delivery, 'cancelled');
    }
    const added = channels.filter((c) => !live.some((d) => d.channelId === c.id));
    if (added.length > 0) {
      await this.deliveries.createFor(manager, post, added, post.status === 'scheduled' ? 'scheduled' : 'pending_approval');
    }
  }
}

function checkTimeZone(name: string): string {
  if (!isTimeZone(name)) {
    throw DomainError.invalid(`timeZone ${JSON.stringify(name)} is not an IANA time zone such as Europe/Madrid`);
  }
  return name;
}

/** A new post and one delivery per channel, as entities with their ids, before they are written. */
function plan(fields: Omit<Post, 'id' | 'createdAt' | 'updatedAt' | 'workspace'>, channels: PlannedChannel[]): PostWithDeliveries {
  const post = Object.assign(new Post(), fields, { id: randomUUID() });
  const state = deliveryStateOf(post);
  const deliveries = channels
    .map((channel) =>
      Object.assign(new Delivery(), plannedDelivery(post, channel, state), {
        id: randomUUID(),
        releasedByCrisisId: null,
        heldByCrisisId: null,
        failoverOfId: null,
      }),
    )
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)); // the order ofPost reads them in
  return { post, deliveries };
}

/** The planned rows as written: now() is the transaction's start, every row's created_at and updated_at. */
function stamped({ post, deliveries }: PostWithDeliveries, createdAt: Date): PostWithDeliveries {
  const at = { createdAt, updatedAt: createdAt };
  return { post: Object.assign(post, at), deliveries: deliveries.map((d) => Object.assign(d, at)) };
}

/** The CTEs `post` and `planned` that write a planned post and its deliveries, with their arguments ($1 to $20). */
function insertPlanned({ post, deliveries }: PostWithDeliveries): { sql: string; params: unknown[] } {
  return {
    sql: `post AS (
       INSERT INTO posts (id, workspace_id, author_id, last_editor_id, text, platform_text, image_urls, link, scheduled_at, time_zone,
                          labels, status, content_version, content_hash, submitted_at, crisis_id, media_ids, options)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $21::uuid[], $22::jsonb)
       RETURNING created_at),
     planned AS (
       INSERT INTO deliveries (id, workspace_id, post_id, channel_id, platform, state, due_at)
       SELECT target.id, $2, $1, target.channel_id, target.platform, $17, $9
         FROM unnest($18::uuid[], $19::uuid[], $20::text[]) AS target(id, channel_id, platform)
       RETURNING id)`,
    params: [
      post.id,
      post.workspaceId,
      post.authorId,
      post.lastEditorId,
      post.text,
      JSON.stringify(post.platformText),
      post.imageUrls,
      post.link,
      post.scheduledAt,
      post.timeZone,
      post.labels,
      post.status,
      post.contentVersion,
      post.contentHash,
      post.submittedAt,
      post.crisisId,
      deliveryStateOf(post),
      deliveries.map((d) => d.id),
      deliveries.map((d) => d.channelId),
      deliveries.map((d) => d.platform),
      post.mediaIds,
      JSON.stringify(post.options),
    ],
  };
}

/** The options as stored: only the platforms and fields given (undefined fields dropped). */
function optionsOf(dto: PostOptionsDto | undefined): PostOptions {
  return JSON.parse(JSON.stringify(dto ?? {})) as PostOptions;
}

/** The fields as the platforms' limits count them: library media are images beside the image URLs. */
function countingMedia(fields: ContentFields, mediaIds: string[]): ContentFields {
  return mediaIds.length === 0 ? fields : { ...fields, imageUrls: [...fields.imageUrls, ...mediaIds.map((id) => `media:${id}`)] };
}

/** A new post's deliveries wait for its approval or are scheduled with it. */
function deliveryStateOf(post: Pick<Post, 'status'>): DeliveryState {
  return post.status === 'scheduled' ? 'scheduled' : 'pending_approval';
}

function summary(post: Post, deliveries: Delivery[]): Record<string, unknown> {
  return {
    status: post.status,
    contentVersion: post.contentVersion,
    contentHash: post.contentHash,
    scheduledAt: post.scheduledAt,
    labels: post.labels,
    deliveries: deliveries.map((d) => ({ id: d.id, channelId: d.channelId, state: d.state })),
  };
}
