import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { PLATFORMS } from '../../channels/platform';
import type { Platform } from '../../channels/platform';
import { HeldSummaryView } from './crisis.view';

export class DeactivationPreviewDto {
  @ApiPropertyOptional({ default: true, description: 'Whether the campaigns this crisis paused would resume (as for POST /api/crisis/deactivate)' })
  @IsOptional()
  @IsBoolean({ message: 'resumeCampaigns must be true or false' })
  resumeCampaigns?: boolean;
}

/** One delivery as a preview lists it: enough for a person to recognise the post. */
export class PreviewDeliveryView {
  @ApiProperty({ format: 'uuid' }) deliveryId: string;
  @ApiProperty({ format: 'uuid' }) postId: string;
  @ApiProperty({ description: "The post's text, cut at 140 characters" }) text: string;
  @ApiProperty({ format: 'uuid' }) channelId: string;
  @ApiProperty() channelName: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty({ format: 'date-time' }) dueAt: Date;
}

export class PreviewCampaignView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'meta' }) platform: string;
}

export class PreviewCampaignsView {
  @ApiProperty({ type: [PreviewCampaignView], description: 'Running campaigns in scope: the switch pauses them' }) wouldPause: PreviewCampaignView[];
  @ApiProperty({ type: [PreviewCampaignView], description: 'Campaigns in scope already paused' }) alreadyPaused: PreviewCampaignView[];
}

export class PreviewChannelView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
}

export class PreviewReplacementView {
  @ApiProperty({ format: 'uuid' }) templateId: string;
  @ApiProperty() templateName: string;
  @ApiProperty() templateVersion: number;
  @ApiProperty({ description: 'The filled text (placeholders still missing stay as {{name}})' }) text: string;
  @ApiProperty({ type: [PreviewChannelView] }) channels: PreviewChannelView[];
  @ApiProperty({ description: 'Minutes after activation it is scheduled for' }) offsetMinutes: number;
  @ApiProperty({ type: [String], description: 'Placeholder values it still misses: staged as a draft when non-empty' }) missing: string[];
}

export class PreviewNotStagedView {
  @ApiProperty({ format: 'uuid' }) templateId: string;
  @ApiProperty({ nullable: true, type: String }) templateName: string | null;
  @ApiProperty({ type: [String], format: 'uuid' }) channelIds: string[];
  @ApiProperty() reason: string;
}

export class PreviewPlaybookView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() category: string;
}

export class PreviewContactView {
  @ApiProperty() name: string;
  @ApiProperty() role: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) chat: string | null;
}

export class PreviewWebhookView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ example: 'hooks.example.com', description: "The endpoint's host only: paths and query strings may carry tokens" }) host: string;
}

export class PreviewNotifiedView {
  @ApiProperty({ description: 'Active webhooks subscribed to crisis.activated' }) webhookCount: number;
  @ApiProperty({ type: [PreviewWebhookView] }) webhooks: PreviewWebhookView[];
  @ApiProperty({ type: [PreviewContactView], description: "The playbook's contacts" }) contacts: PreviewContactView[];
}

export class CrisisPreviewView {
  @ApiProperty({ minimum: 1, maximum: 3 }) level: number;
  @ApiProperty({ enum: PLATFORMS, isArray: true, nullable: true, description: 'Platforms that would be held; null: all' }) platforms: Platform[] | null;
  @ApiProperty({ description: 'Approvals each post in scope would need' }) approvalsRequired: number;
  @ApiProperty() pauseAds: boolean;
  @ApiProperty({ type: HeldSummaryView, description: 'Deliveries in scope that would be held: total, due within the hour and the day' }) held: HeldSummaryView;
  @ApiProperty({ type: [PreviewDeliveryView], description: 'The first deliveries due, soonest first' }) firstDue: PreviewDeliveryView[];
  @ApiProperty({ type: PreviewCampaignsView, nullable: true, description: 'null when ads would not be paused' }) campaigns: PreviewCampaignsView | null;
  @ApiProperty({ type: PreviewPlaybookView, nullable: true }) playbook: PreviewPlaybookView | null;
  @ApiProperty({ type: [PreviewReplacementView], description: 'Replacement posts the playbook would stage' }) replacements: PreviewReplacementView[];
  @ApiProperty({ type: [PreviewNotStagedView], description: 'Playbook messages (or channels) that would not be staged, and why' }) notStaged: PreviewNotStagedView[];
  @ApiProperty({ type: [String], description: 'Placeholder answers that would not be used' }) warnings: string[];
  @ApiProperty({ type: PreviewNotifiedView }) notified: PreviewNotifiedView;
}

export class PreviewCountedView {
  @ApiProperty() count: number;
  @ApiProperty({ type: [PreviewDeliveryView], description: 'The first ones, soonest first' }) first: PreviewDeliveryView[];
}

export class DeactivationPreviewView {
  @ApiProperty({ format: 'uuid' }) crisisId: string;
  @ApiProperty({ type: PreviewCountedView, description: 'Held deliveries still ahead: they resume at their times' }) resume: PreviewCountedView;
  @ApiProperty({ type: PreviewCountedView, description: 'Held deliveries whose time passed: they become missed, never sent by themselves' }) missed: PreviewCountedView;
  @ApiProperty({ type: [PreviewCampaignView], description: 'Campaigns this crisis paused that would resume' }) campaignsResume: PreviewCampaignView[];
  @ApiProperty({ type: [PreviewCampaignView], description: 'Campaigns this crisis paused that would stay paused (asked to, or paused for another reason too)' })
  campaignsStayPaused: PreviewCampaignView[];
  @ApiProperty({ description: 'Replacement posts never approved: withdrawn' }) withdrawnPosts: number;
}
