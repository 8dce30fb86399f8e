import { ApiProperty } from '@nestjs/swagger';
import { PostView } from '../../calendar/dto/post.view';
import type { Approval } from '../approval.entity';

export class ApprovalView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) approverId: string;
  @ApiProperty({ enum: ['approved', 'rejected'] }) decision: 'approved' | 'rejected';
  @ApiProperty({ description: 'The content version judged' }) contentVersion: number;
  @ApiProperty({ nullable: true, type: String }) comment: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;

  static of(a: Approval): ApprovalView {
    return { id: a.id, approverId: a.approverId, decision: a.decision, contentVersion: a.contentVersion, comment: a.comment, createdAt: a.createdAt };
  }
}

export class ApprovalStateView {
  @ApiProperty({ type: PostView }) post: PostView;
  @ApiProperty({ description: 'Approvals the current version needs' }) required: number;
  @ApiProperty({ description: 'Approvals the current version has' }) given: number;
  @ApiProperty({ type: [ApprovalView], description: 'Decisions on the current version' }) decisions: ApprovalView[];
}

export class ApprovalQueueItemView extends ApprovalStateView {
  @ApiProperty({ description: 'False when the caller wrote or last edited it (four eyes) or already approved it' })
  canApprove: boolean;
}
