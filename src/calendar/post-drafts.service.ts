// Drafts: a crisis's replacement messages staged before all their placeholder values were known. A draft has no
// deliveries, so nobody can approve or send it; filled (values, or its text edited), it goes to the crisis's sign-off.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Channel } from '../channels/channel.entity';
import type { Platform } from '../channels/platform';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { CrisesRepository } from '../crisis/crises.repository';
import { DeliveriesRepository } from '../dispatch/deliveries.repository';
import { own, resolveValues, scanPlaceholders, valueShapeProblems } from '../templates/placeholders';
import { fillTemplate } from '../templates/template-content';
import { TemplatesService } from '../templates/templates.service';
import { WebhookEvents } from '../webhooks/webhook-events.service';
import { contentHash } from './content-hash';
import type { UpdatePostDto } from './dto/update-post.dto';
import { isTimeZone } from './instants';
import { assertPublishable, checkPlatformText, ContentFields, resolveScheduledAt } from './post-content';
import { Post, type PostDraft } from './post.entity';
import type { PostWithDeliveries } from './posts.service';
import { PostVersion } from './post-version.entity';

@Injectable()
export class PostDraftsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly templates: TemplatesService,
    private readonly deliveries: DeliveriesRepository,
    private readonly crises: CrisesRepository,
    private readonly webhooks: WebhookEvents,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Gives the draft the values it misses: its text is filled again from its approved template version. With every
   * required value given it goes to the crisis's sign-off (deliveries pending approval); else it stays a draft
   * saying what it still misses.
   */
  supplyValues(principal: Principal, postId: string, raw: Record<string, unknown>): Promise<PostWithDeliveries> {
    return this.dataSource.transaction(async (manager) => {
      const post = await manager.findOne(Post, { where: { id: postId, workspaceId: principal.workspaceId }, lock: { mode: 'pessimistic_write' } });
      if (!post) {
        throw DomainError.notFound('Post', postId);
      }
      const draft = draftOf(post);
      const missing = draft.missing.map((m) => m.name);
      const problems: string[] = [];
      const given: Record<string, string> = {};
      for (const [key, value] of Object.entries(raw)) {
        if (!missing.includes(key)) {
          problems.push(`placeholderValues.${key} is not missing from this draft; it misses ${missing.join(', ')}`);
          continue;
        }
        const shape = valueShapeProblems(`placeholderValues.${key}`, value);
        problems.push(...shape);
        if (shape.length === 0 && (value as string).trim() !== '') {
          given[key] = value as string;
        }
      }
      if (problems.length > 0) {
        throw DomainError.invalid(problems.join('; '), problems);
      }
      const usability = await this.templates.usableVersion(manager, principal.workspaceId, draft.templateId, draft.templateVersion, true);
      if (!usability.usable) {
        throw DomainError.conflict(`${usability.problem}: write the statement's text with PATCH /api/posts/${postId} instead`);
      }
      const version = usability.version;
      const values = { ...draft.values, ...given };
      const still = draft.missing.filter((m) => own(values, m.name) === undefined);
      const resolved = resolveValues(
        version.placeholders.filter((p) => !still.some((m) => m.name === p.name)),
        Object.fromEntries(Object.entries(values).filter(([name]) => version.placeholders.some((p) => p.name === name))),
        'placeholderValues',
      );
      const filled = fillTemplate(version, { ...resolved, ...Object.fromEntries(still.map((m) => [m.name, `{{${m.name}}}`])) });
      const channels = await this.liveChannels(manager, principal.workspaceId, draft.channelIds);
      const platformText: Partial<Record<Platform, string>> = {};
      for (const channel of channels) {
        const variant = filled.platformText[channel.platform];
        if (variant !== undefined) {
          platformText[channel.platform] = variant;
        }
      }
      const fields: ContentFields = { text: filled.text, platformText, imageUrls: post.imageUrls, link: post.link };
      return this.apply(manager, principal, post, fields, { ...draft, values, missing: still }, 'post.draft_values_given', null);
    });
  }

  /** PATCH of a draft, in the caller's transaction: the placeholders still written as {{name}} in its text are still missing. */
  async edit(manager: EntityManager, principal: Principal, post: Post, dto: UpdatePostDto): Promise<PostWithDeliveries> {
    const draft = draftOf(post);
    const fields: ContentFields = {
      text: dto.text ?? post.text,
      platformText: dto.platformText === undefined ? post.platformText : checkPlatformText(dto.platformText),
      imageUrls: dto.imageUrls ?? post.imageUrls,
      link: dto.link === undefined ? post.link : dto.link,
    };
    if (dto.timeZone !== undefined) {
      if (!isTimeZone(dto.timeZone)) {
        throw DomainError.invalid(`timeZone ${JSON.stringify(dto.timeZone)} is not an IANA time zone such as Europe/Madrid`);
      }
      post.timeZone = dto.timeZone;
    }
    if (dto.scheduledAt !== undefined || dto.publishNow) {
      // A wall-clock time is read in the zone given with it, or else the post's.
      post.scheduledAt = resolveScheduledAt(dto.scheduledAt, dto.publishNow, this.clock.now(), post.timeZone);
    }
    post.labels = dto.labels ?? post.labels;
    if (dto.channelIds !== undefined) {
      await this.liveChannels(manager, principal.workspaceId, dto.channelIds);
    }
    const written = new Set([fields.text, ...Object.values(fields.platformText)].flatMap((text) => scanPlaceholders(text ?? '').names));
    const still = draft.missing.filter((m) => written.has(m.name));
    return this.apply(manager, principal, post, fields, { ...draft, channelIds: dto.channelIds ?? draft.channelIds, missing: still }, 'post.updated', dto.reason ?? null);
  }

  /** Writes the draft's new content; once nothing is missing it goes to the crisis's sign-off. */
  private async apply(
    manager: EntityManager,
    principal: Principal,
    post: Post,
    fields: ContentFields,
    draft: PostDraft,
    action: string,
    reason: string | null,
  ): Promise<PostWithDeliveries> {
    const before = { status: post.status, contentVersion: post.contentVersion, contentHash: post.contentHash, missing: post.draft?.missing.map((m) => m.name) ?? [] };
    const hash = contentHash({ ...fields, channelIds: draft.channelIds });
    if (hash !== post.contentHash) {
      // Kept so that the crisis's approvers see what this edit changed (as for any post: posts.service update).
      await manager.insert(PostVersion, {
        postId: post.id,
        contentVersion: post.contentVersion,
        workspaceId: post.workspaceId,
        text: post.text,
        platformText: post.platformText,
        imageUrls: post.imageUrls,
        link: post.link,
        channelIds: post.draft?.channelIds ?? draft.channelIds,
        contentHash: post.contentHash,
        editorId: post.lastEditorId,
        replacedAt: this.clock.now(),
      });
      // Four eyes: whoever writes part of the statement cannot approve it either.
      Object.assign(post, fields, { contentHash: hash, contentVersion: post.contentVersion + 1, lastEditorId: principal.memberId });
    }
    let deliveries: PostWithDeliveries['deliveries'] = [];
    if (draft.missing.length > 0) {
      post.draft = draft;
    } else {
      const crisis = await this.crises.active(manager, principal.workspaceId, 'share');
      if (!crisis || crisis.id !== post.crisisId) {
        throw DomainError.conflict(`Post ${post.id} was staged by a crisis that is over`);
      }
      const channels = await this.liveChannels(manager, principal.workspaceId, draft.channelIds);
      assertPublishable(channels, fields);
      post.status = 'pending_approval';
      post.submittedAt = this.clock.now();
      post.draft = null;
      await manager.save(post);
      deliveries = await this.deliveries.createFor(manager, post, channels, 'pending_approval');
      await this.webhooks.emit(manager, principal.workspaceId, 'approval.requested', {
        postId: post.id,
        contentVersion: post.contentVersion,
        required: crisis.approvalsRequired,
        scheduledAt: post.scheduledAt.toISOString(),
        authorId: post.authorId,
        crisisId: crisis.id,
        channels: channels.map((c) => ({ id: c.id, platform: c.platform })),
      });
    }
    await manager.save(post);
    await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
      action,
      targetType: 'post',
      targetId: post.id,
      before,
      after: { status: post.status, contentVersion: post.contentVersion, contentHash: post.contentHash, missing: draft.missing.map((m) => m.name) },
      reason,
    });
    return { post, deliveries };
  }

  private async liveChannels(manager: EntityManager, workspaceId: string, ids: string[]): Promise<Channel[]> {
    const found = await manager.findBy(Channel, { id: In(ids), workspaceId, deletedAt: IsNull() });
    const gone = ids.filter((id) => !found.some((c) => c.id === id));
    if (gone.length > 0) {
      throw DomainError.invalid(`channel ${gone.join(', ')} is not a connected channel of this workspace: give the draft other channelIds with PATCH`);
    }
    return ids.map((id) => found.find((c) => c.id === id)!);
  }
}

function draftOf(post: Post): PostDraft {
  if (post.status !== 'draft' || !post.draft) {
    throw DomainError.conflict(`Post ${post.id} is ${post.status}, not a draft waiting for placeholder values`);
  }
  return post.draft;
}
