import { ApiProperty } from '@nestjs/swagger';
import { PostView } from '../../calendar/dto/post.view';
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

export class ApprovalQueueItemView extends ApprovalStateView {
  @ApiProperty({ description: 'False when the caller wrote or last edited it (four eyes) or already approved it' })
  canApprove: boolean;
}
