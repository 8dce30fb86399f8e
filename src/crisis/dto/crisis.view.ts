import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PLATFORMS } from '../../channels/platform';
import type { Platform } from '../../channels/platform';
import type { Crisis } from '../crisis.entity';

export class InFlightSendView {
  @ApiProperty({ format: 'uuid' }) deliveryId: string;
  @ApiProperty({ format: 'uuid' }) channelId: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty({
    enum: ['in_flight', 'stopped_before_send', 'unknown'],
    example: 'in_flight',
    description:
      'in_flight: the send finished before the switch answered (see state); stopped_before_send: claimed but never sent, held by the switch; ' +
      'unknown: it may have reached the platform (its sender stopped, or it was aborted at CRISIS_INFLIGHT_DEADLINE_MS): it waits as needs_verification, never re-sent by itself',
  })
  outcome: 'in_flight' | 'stopped_before_send' | 'unknown';
  @ApiProperty({ example: 'published', description: 'The delivery state when the switch answered: published, failed, scheduled (a retry, now held), needs_verification, held, publishing' })
  state: string;
  @ApiProperty({ nullable: true, type: String }) platformPostId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The published post on the platform' }) url: string | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
}

export class HeldSummaryView {
  @ApiProperty({ description: 'Deliveries in scope the crisis holds: none of them goes out without crisis sign-off' }) deliveries: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { x: 12, mastodon: 3 } }) byPlatform: Partial<Record<Platform, number>>;
  @ApiProperty({ description: 'Of those, due within the next hour (or already due)' }) dueWithinHour: number;
  @ApiProperty({ description: 'Of those, due within the next day (or already due)' }) dueWithinDay: number;
  @ApiProperty({ description: 'True when a count passed 10,000 deliveries (per platform and window) and is the database planner estimate' }) estimated: boolean;
}

export class CrisisView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() active: boolean;
  @ApiProperty({ minimum: 1, maximum: 3 }) level: number;
  @ApiProperty() reason: string;
  @ApiProperty({ enum: PLATFORMS, isArray: true, nullable: true, description: 'Platforms held; null: all' }) platforms: Platform[] | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'The playbook as run: name, category, contacts, messages' })
  playbook: Record<string, unknown> | null;
  @ApiProperty({ description: 'Approvals each post in scope needs while the crisis lasts' }) approvalsRequired: number;
  @ApiProperty() pauseAds: boolean;
  @ApiProperty({ format: 'uuid' }) activatedBy: string;
  @ApiProperty({ format: 'date-time' }) activatedAt: Date;
  @ApiProperty({ type: [InFlightSendView], description: 'Sends in flight when the switch was flipped, and how each ended' })
  inFlight: InFlightSendView[];
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'Paid campaigns: paused, already paused, pending' })
  ads: Record<string, unknown> | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) deactivatedBy: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deactivatedAt: Date | null;
  @ApiProperty({ nullable: true, type: String }) deactivationNote: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) resumeCampaigns: boolean | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'What deactivation did' }) outcome: Record<string, unknown> | null;

  static of(c: Crisis): CrisisView {
    return {
      id: c.id,
      active: c.deactivatedAt === null,
      level: c.level,
      reason: c.reason,
      platforms: c.platforms,
      playbook: c.playbook,
      approvalsRequired: c.approvalsRequired,
      pauseAds: c.pauseAds,
      activatedBy: c.activatedBy,
      activatedAt: c.activatedAt,
      inFlight: c.inFlight,
      ads: c.ads,
      deactivatedBy: c.deactivatedBy,
      deactivatedAt: c.deactivatedAt,
      deactivationNote: c.deactivationNote,
      resumeCampaigns: c.resumeCampaigns,
      outcome: c.outcome,
    };
  }
}

export class CrisisStateView {
  @ApiProperty({ description: 'Whether crisis mode is on in this workspace' }) active: boolean;
  @ApiProperty({ type: CrisisView, nullable: true }) crisis: CrisisView | null;
  @ApiProperty({ description: 'Deliveries in scope the crisis holds (every one reads held, due or not)' }) held: number;
  @ApiProperty({ description: 'Deliveries approved under the crisis policy to go out' }) released: number;
  @ApiProperty({ description: 'Replacement posts waiting for crisis sign-off' }) replacementPostsWaiting: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The name of the member who flipped the switch (for the banner)' }) activatedByName?: string | null;
}

export class ActivationAdsView {
  @ApiProperty() paused: number;
  @ApiProperty() alreadyPaused: number;
  @ApiProperty({ description: 'Pauses not yet confirmed by the platform; the controller keeps retrying' }) pending: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The campaigns in each group' }) campaigns: Record<string, unknown>;
}

export class MissingValueView {
  @ApiProperty({ example: 'eta' }) name: string;
  @ApiProperty({ example: 'When the next update comes' }) description: string;
}

export class StagedDraftView {
  @ApiProperty({ format: 'uuid', description: 'The draft post: fill it with POST /api/posts/:id/placeholder-values or PATCH its text' }) postId: string;
  @ApiProperty({ format: 'uuid' }) templateId: string;
  @ApiProperty() templateVersion: number;
  @ApiProperty({ type: [String], format: 'uuid' }) channelIds: string[];
  @ApiProperty({ type: [MissingValueView], description: 'The placeholder values it waits for' }) missing: MissingValueView[];
}

export class UnstagedMessageView {
  @ApiProperty({ description: "The message's position in the playbook" }) index: number;
  @ApiProperty({ format: 'uuid' }) templateId: string;
  @ApiProperty() templateVersion: number;
  @ApiProperty({ type: [String], format: 'uuid', description: 'The channels it was not staged for' }) channelIds: string[];
  @ApiProperty({ example: 'version 1 of template … was rejected; only approved versions can be used' }) reason: string;
}

export class ActivationView {
  @ApiProperty({ type: CrisisView }) crisis: CrisisView;
  @ApiProperty({ type: [InFlightSendView], description: 'Sends in flight at the switch: finished or stopped before this answer' })
  inFlight: InFlightSendView[];
  @ApiProperty({ type: HeldSummaryView, description: 'What the switch stopped: every delivery in scope now reads held' }) held: HeldSummaryView;
  @ApiProperty({ type: ActivationAdsView, nullable: true, description: 'null when ads are not paused by this crisis' }) ads: ActivationAdsView | null;
  @ApiProperty({ type: [String], format: 'uuid', description: "The playbook's replacement posts, waiting for crisis sign-off" })
  replacementPostIds: string[];
  @ApiProperty({ type: [StagedDraftView], description: 'Replacement posts staged as drafts: they miss placeholder values and cannot be approved until filled' })
  drafts: StagedDraftView[];
  @ApiProperty({ type: [UnstagedMessageView], description: 'Playbook messages (or some of their channels) not staged, and why; the switch flipped anyway' })
  notStaged: UnstagedMessageView[];
  @ApiProperty({ type: [String], description: 'Placeholder answers not used (not asked by the playbook)' }) warnings: string[];
}

export class DeactivationView {
  @ApiProperty({ type: CrisisView }) crisis: CrisisView;
  @ApiProperty({
    type: HeldSummaryView,
    description:
      'What the crisis held that goes out again at its time, counted like the activation counts what it holds: deliveries (in total, by platform), ' +
      'of those due within the hour and within the day; every delivery still ahead that the crisis stopped, whether it was marked held or still read scheduled',
  })
  resumed: HeldSummaryView;
  @ApiProperty({ type: [String], format: 'uuid', description: 'Held deliveries whose time passed: missed, never sent by themselves' }) missed: string[];
  @ApiProperty({ type: [String], format: 'uuid', description: 'Replacement posts never approved, withdrawn' }) withdrawnPostIds: string[];
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'Campaigns resumed, pending, kept paused' })
  campaigns: Record<string, number> | null;
}
