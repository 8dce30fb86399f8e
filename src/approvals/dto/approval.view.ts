import { ApiProperty } from '@nestjs/swagger';
import { PostView } from '../../calendar/dto/post.view';
import type { Platform } from '../../channels/platform';
import type { PostVersion } from '../../calendar/post-version.entity';
import type { Approval } from '../approval.entity';

export class ApprovalView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) approverId: string;
  @ApiProperty({ enum: ['approved', 'rejected'] }) decision: 'approved' | 'rejected';
  @ApiProperty({ description: 'The content version judged' }) contentVersion: number;
  @ApiProperty({ nullable: true, type: String }) comment: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The crisis it was given under' }) crisisId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;

  static of(a: Approval): ApprovalView {
    return {
      id: a.id,
      approverId: a.approverId,
      decision: a.decision,
      contentVersion: a.contentVersion,
      comment: a.comment,
      crisisId: a.crisisId,
      createdAt: a.createdAt,
    };
  }
}

export class CrisisSignOffView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Approvals the crisis policy needs before its held deliveries of this post go out' }) required: number;
  @ApiProperty({ description: 'Approvals given since the crisis began, on the current version' }) given: number;
}

export class ApprovalStateView {
  @ApiProperty({ type: PostView }) post: PostView;
  @ApiProperty({ description: 'Approvals the current version needs' }) required: number;
  @ApiProperty({ description: 'Approvals the current version has' }) given: number;
  @ApiProperty({ type: [ApprovalView], description: 'Decisions on the current version' }) decisions: ApprovalView[];
  @ApiProperty({ type: CrisisSignOffView, nullable: true, description: 'Set while the active crisis holds part of this post' })
  crisis: CrisisSignOffView | null;
}

export class PostVersionView {
  @ApiProperty({ description: 'The version number it had' }) contentVersion: number;
  @ApiProperty() text: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) platformText: Partial<Record<Platform, string>>;
  @ApiProperty({ type: [String] }) imageUrls: string[];
  @ApiProperty({ nullable: true, type: String }) link: string | null;
  @ApiProperty({ type: [String], format: 'uuid' }) channelIds: string[];
  @ApiProperty({ format: 'uuid', description: 'Who wrote that version' }) editorId: string;
  @ApiProperty({ format: 'date-time', description: 'When an edit replaced it' }) replacedAt: Date;

  static of(v: PostVersion): PostVersionView {
    return {
      contentVersion: v.contentVersion,
      text: v.text,
      platformText: v.platformText,
      imageUrls: v.imageUrls,
      link: v.link,
      channelIds: v.channelIds,
      editorId: v.editorId,
      replacedAt: v.replacedAt,
    };
  }
}

export class ApprovalQueueItemView extends ApprovalStateView {
  @ApiProperty({ description: 'Whether the caller may approve or reject it now: the same rule the decision routes apply' })
  youMayApprove: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why not, in the words the decision routes would answer (wrote or last edited it, not an approver, already approved); null when they may',
  })
  whyNot: string | null;
  @ApiProperty({ description: 'Same as youMayApprove (kept for older clients)' })
  canApprove: boolean;
  @ApiProperty({
    type: PostVersionView,
    nullable: true,
    description: 'The content version this one replaced, to show what changed; null for a first version',
  })
  previousVersion: PostVersionView | null;
  @ApiProperty({ nullable: true, type: String }) authorName: string | null;
  @ApiProperty({ nullable: true, type: String }) lastEditorName: string | null;
}

export class PostDecisionView extends ApprovalView {
  @ApiProperty({ nullable: true, type: String, description: "The approver's name (null if no longer a member)" }) approverName: string | null;
  @ApiProperty({ description: 'True when it judged the current content version; false when an edit has voided it since' }) current: boolean;
}
