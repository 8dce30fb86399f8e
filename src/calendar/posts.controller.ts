import { Body, Controller, Delete, Get, HttpCode, Patch, Post as HttpPost, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { CalendarService } from './calendar.service';
import { SendInFlightView } from '../dispatch/dto/send-in-flight.view';
import { CalendarQueryDto } from './dto/calendar-query.dto';
import { CancelledPostView } from './dto/cancelled-post.view';
import { CreatePostDto } from './dto/create-post.dto';
import { HoldPostDto } from './dto/hold-post.dto';
import { PlaceholderValuesDto } from './dto/placeholder-values.dto';
import { CalendarPageView, PostView } from './dto/post.view';
import { PostDetailView } from './dto/post-detail.view';
import { ApprovalsService } from '../approvals/approvals.service';
import { UpdatePostDto } from './dto/update-post.dto';
import { PostDraftsService } from './post-drafts.service';
import { PostHoldsService } from './post-holds.service';
import { PostsService, PostWithDeliveries } from './posts.service';

const view = ({ post, deliveries }: PostWithDeliveries): PostView => PostView.of(post, deliveries);

@ApiTags('calendar')
@Controller('posts')
export class PostsController {
  constructor(
    private readonly posts: PostsService,
    private readonly calendar: CalendarService,
    private readonly drafts: PostDraftsService,
    private readonly holds: PostHoldsService,
    private readonly approvals: ApprovalsService,
  ) {}

  @HttpPost()
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({
    summary: 'Plan a post on one or more channels, with its text or from an approved template version; checked against every platform now',
    description: "During a crisis, a crisis lead's post is one of the crisis's statements: it waits for the crisis's sign-off (never its author's).",
  })
  @ApiCreatedResponse({ type: PostView })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreatePostDto): Promise<PostView> {
    return view(await this.posts.create(principal, dto));
  }

  @Get()
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'The calendar for a range, with deliveries; filters, cursor pages, groupBy=day in a time zone' })
  @ApiOkResponse({ type: CalendarPageView })
  async range(@CurrentPrincipal() principal: Principal, @Query() query: CalendarQueryDto): Promise<CalendarPageView> {
    const page = await this.calendar.range(principal, query);
    if (page.days) {
      return { days: page.days.map((day) => ({ date: day.date, posts: day.posts.map(view) })), nextCursor: page.nextCursor };
    }
    return { items: page.posts.map(view), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: "One post with its deliveries and its approvers' decisions (who, when, approved or rejected, and their comment)" })
  @ApiOkResponse({ type: PostDetailView })
  async get(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<PostDetailView> {
    const post = view(await this.posts.get(principal, id));
    const { decisions } = await this.approvals.decisionsOf(principal, id);
    return { ...post, decisions: PostDetailView.decisionsOf(decisions) };
  }

  @Patch(':id')
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({ summary: 'Edit (voids approvals), retarget, reschedule or relabel a post, until it is being published' })
  @ApiOkResponse({ type: PostView })
  async update(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: UpdatePostDto): Promise<PostView> {
    return view(await this.posts.update(principal, id, dto));
  }

  @Delete(':id')
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({ summary: 'Cancel a post: every delivery not yet sent is cancelled' })
  @ApiOkResponse({ type: CancelledPostView, description: 'The post, and the sends of it already under way (never retried)' })
  async cancel(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<CancelledPostView> {
    const cancelled = await this.posts.cancel(principal, id);
    return { ...view(cancelled), inFlight: cancelled.inFlight.map((send) => SendInFlightView.of(send)) };
  }

  @Delete(':id/deliveries/:deliveryId')
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({ summary: 'Cancel one delivery of a post' })
  @ApiOkResponse({ type: PostView })
  async cancelDelivery(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @IdParam('deliveryId') deliveryId: string,
  ): Promise<PostView> {
    return view(await this.posts.cancelDelivery(principal, id, deliveryId));
  }

  @HttpPost(':id/hold')
  @HttpCode(200)
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({ summary: 'Hold a post: its scheduled deliveries stop (held by you, not by a crisis) until released; audited' })
  @ApiOkResponse({ type: PostView })
  async hold(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: HoldPostDto): Promise<PostView> {
    return view(await this.holds.hold(principal, id, dto.reason));
  }

  @HttpPost(':id/unhold')
  @HttpCode(200)
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({ summary: "Release a person's hold: deliveries still ahead are scheduled again, those whose time passed become missed" })
  @ApiOkResponse({ type: PostView })
  async unhold(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: HoldPostDto): Promise<PostView> {
    return view(await this.holds.release(principal, id, dto.reason));
  }

  @HttpPost(':id/placeholder-values')
  @HttpCode(200)
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({ summary: 'Give a draft replacement post the placeholder values it misses; once complete it waits for the crisis sign-off' })
  @ApiOkResponse({ type: PostView })
  async supplyValues(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: PlaceholderValuesDto): Promise<PostView> {
    return view(await this.drafts.supplyValues(principal, id, dto.placeholderValues));
  }
}
