import { ApiProperty } from '@nestjs/swagger';
import { PostView } from '../../calendar/dto/post.view';
import { PLATFORMS } from '../../channels/platform';
import type { Platform } from '../../channels/platform';

export class RoomApprovalView {
  @ApiProperty({ format: 'uuid' }) approverId: string;
  @ApiProperty({ example: 'Ana Approver' }) approverName: string;
  @ApiProperty({ format: 'date-time' }) approvedAt: Date;
}

export class RoomReplacementPostView extends PostView {
  @ApiProperty({ type: [RoomApprovalView], description: 'Approvals of the current version given under this crisis' })
  crisisApprovals: RoomApprovalView[];
}

export class RoomHeldDeliveryView {
  @ApiProperty({ format: 'uuid' }) deliveryId: string;
  @ApiProperty({ format: 'uuid' }) postId: string;
  @ApiProperty({ description: "The post's text" }) text: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty({ example: 'Brand on X' }) channel: string;
  @ApiProperty({ format: 'date-time' }) dueAt: Date;
  @ApiProperty({ description: 'held: fell due (or was stopped) under the crisis; scheduled: not due yet, it will not go out without crisis sign-off' })
  state: string;
  @ApiProperty({ type: [RoomApprovalView], description: 'Approvals of the current version given under this crisis' })
  crisisApprovals: RoomApprovalView[];
}

export class CrisisRoomView {
  @ApiProperty({ format: 'uuid' }) crisisId: string;
  @ApiProperty({ description: 'Approvals each post in scope needs while the crisis lasts' }) approvalsRequired: number;
  @ApiProperty({ type: [RoomReplacementPostView], description: "The playbook's replacement posts (drafts included), oldest first" })
  replacementPosts: RoomReplacementPostView[];
  @ApiProperty({ type: [RoomHeldDeliveryView], description: `What the crisis holds, soonest due first (at most ${200})` })
  held: RoomHeldDeliveryView[];
  @ApiProperty({ description: 'True when more deliveries are held than listed' }) heldTruncated: boolean;
}
