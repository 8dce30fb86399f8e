import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PostView } from '../calendar/dto/post.view';
import { PostDetailView } from '../calendar/dto/post-detail.view';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { DomainError } from '../common/domain-error';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { ApprovalPoliciesService } from './approval-policies.service';
import { ApprovalsService, ApprovalState } from './approvals.service';
import { ApprovalPolicyDto, ApprovalPolicyPatchDto } from './dto/approval-policy.dto';
import { ApprovalQueueItemView, ApprovalStateView, ApprovalView, PostDecisionView, PostVersionView } from './dto/approval.view';
import { ApproveDto, RejectDto } from './dto/decision.dto';
import { RejectionView } from './dto/rejection.view';
import { SendInFlightView } from '../dispatch/dto/send-in-flight.view';

const view = (state: ApprovalState): ApprovalStateView => ({
  post: PostView.of(state.post, state.deliveries),
  required: state.required,
  given: state.given,
  decisions: state.decisions.map((d) => ApprovalView.of(d)),
  crisis: state.crisis,
});

@ApiTags('approvals')
@Controller()
export class ApprovalsController {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly policies: ApprovalPoliciesService,
  ) {}

  @Post('posts/:id/approve')
  @HttpCode(200)
  @Authorize('approver')
  @ApiOperation({ summary: 'Sign off the current version of a post (not your own); the last needed approval schedules it' })
  @ApiOkResponse({ type: ApprovalStateView })
  async approve(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: ApproveDto): Promise<ApprovalStateView> {
    return view(await this.approvals.approve(principal, id, dto.comment));
  }

  @Post('posts/:id/reject')
  @HttpCode(200)
  @Authorize('approver')
  @ApiOperation({ summary: 'Send a post back to its author with a comment' })
  @ApiOkResponse({ type: RejectionView })
  async reject(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: RejectDto): Promise<RejectionView> {
    const rejection = await this.approvals.reject(principal, id, dto.comment);
    return { ...view(rejection), inFlight: rejection.inFlight.map((send) => SendInFlightView.of(send)) };
  }

  @Get('posts/:id/decisions')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'Every approval and rejection of a post, oldest first, each current or voided by a later edit; the author reads why it was sent back' })
  @ApiOkResponse({ type: [PostDecisionView] })
  async decisions(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<PostDecisionView[]> {
    const { decisions } = await this.approvals.decisionsOf(principal, id);
    return PostDetailView.decisionsOf(decisions);
  }

  @Get('approvals')
  // Readable by every member (the calendar shows the same posts to them): only approvers may act on it, and
  // each item says why the caller may not.
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'What waits for sign-off, the longest-waiting first, with what changed and whether the caller may sign it off' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500, default 100' })
  @ApiOkResponse({ type: [ApprovalQueueItemView] })
  async queue(@CurrentPrincipal() principal: Principal, @Query('limit') limit?: string): Promise<ApprovalQueueItemView[]> {
    const n = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 500) {
      throw DomainError.invalid('limit must be an integer from 1 to 500');
    }
    const items = await this.approvals.queue(principal, n);
    return items.map((item) => ({
      ...view(item),
      youMayApprove: item.youMayApprove,
      whyNot: item.whyNot,
      canApprove: item.youMayApprove,
      previousVersion: item.previousVersion ? PostVersionView.of(item.previousVersion) : null,
      authorName: item.authorName,
      lastEditorName: item.lastEditorName,
    }));
  }

  @Get('approval-policy')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: "The workspace's approval counts, normal and per crisis level" })
  @ApiOkResponse({ type: ApprovalPolicyDto })
  getPolicy(@CurrentPrincipal() principal: Principal): Promise<ApprovalPolicyDto> {
    return this.policies.get(principal.workspaceId);
  }

  @Put('approval-policy')
  @Authorize('admin')
  @ApiOperation({
    summary: "Set the workspace's approval counts, all of them",
    description: 'Every count is required (a 400 names each one missing, e.g. "crisisLevel1 is required"); to change some, use PATCH.',
  })
  @ApiOkResponse({ type: ApprovalPolicyDto })
  setPolicy(@CurrentPrincipal() principal: Principal, @Body() dto: ApprovalPolicyDto): Promise<ApprovalPolicyDto> {
    return this.policies.set(principal, dto);
  }

  @Patch('approval-policy')
  @Authorize('admin')
  @ApiOperation({ summary: "Change some of the workspace's approval counts; those not given keep their values", description: 'Each field given is checked as PUT checks it.' })
  @ApiOkResponse({ type: ApprovalPolicyDto, description: 'The whole policy after the change' })
  updatePolicy(@CurrentPrincipal() principal: Principal, @Body() dto: ApprovalPolicyPatchDto): Promise<ApprovalPolicyDto> {
    return this.policies.update(principal, dto);
  }
}
