import { ApiProperty } from '@nestjs/swagger';
import { ApprovalView, PostDecisionView } from '../../approvals/dto/approval.view';
import type { Approval } from '../../approvals/approval.entity';
import { PostView } from './post.view';

/** One post as GET /api/posts/:id answers it: with its approvers' decisions, so its author reads why it was sent back. */
export class PostDetailView extends PostView {
  @ApiProperty({
    type: [PostDecisionView],
    description:
      'Every approval and rejection of the post, oldest first: who, when, approved or rejected, their comment, and whether it judged the current version (an edit voids it); readable by whoever may read the post',
  })
  decisions: PostDecisionView[];

  static decisionsOf(decisions: (Approval & { approverName: string | null; current: boolean })[]): PostDecisionView[] {
    return decisions.map((d) => ({ ...ApprovalView.of(d), approverName: d.approverName, current: d.current }));
  }
}
