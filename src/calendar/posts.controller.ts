import { Body, Controller, Delete, Get, Patch, Post as HttpPost, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { CalendarService } from './calendar.service';
import { SendInFlightView } from '../dispatch/dto/send-in-flight.view';
import { CalendarQueryDto } from './dto/calendar-query.dto';
import { CancelledPostView } from './dto/cancelled-post.view';
import { CreatePostDto } from './dto/create-post.dto';
import { CalendarPageView, PostView } from './dto/post.view';
import { UpdatePostDto } from './dto/update-post.dto';
import { PostsService, PostWithDeliveries } from './posts.service';

const view = ({ post, deliveries }: PostWithDeliveries): PostView => PostView.of(post, deliveries);

@ApiTags('calendar')
@Controller('posts')
export class PostsController {
  constructor(
    private readonly posts: PostsService,
    private readonly calendar: CalendarService,
  ) {}

  @HttpPost()
  @Authorize('marketer')
  @ApiOperation({ summary: 'Plan a post on one or more channels; checked against every platform now, not at publish time' })
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
  @ApiOperation({ summary: 'One post with its deliveries' })
  @ApiOkResponse({ type: PostView })
  async get(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<PostView> {
    return view(await this.posts.get(principal, id));
  }

  @Patch(':id')
  @Authorize('marketer')
  @ApiOperation({ summary: 'Edit (voids approvals), retarget, reschedule or relabel a post, until it is being published' })
  @ApiOkResponse({ type: PostView })
  async update(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: UpdatePostDto): Promise<PostView> {
    return view(await this.posts.update(principal, id, dto));
  }

  @Delete(':id')
  @Authorize('marketer')
  @ApiOperation({ summary: 'Cancel a post: every delivery not yet sent is cancelled' })
  @ApiOkResponse({ type: CancelledPostView, description: 'The post, and the sends of it already under way (never retried)' })
  async cancel(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<CancelledPostView> {
    const cancelled = await this.posts.cancel(principal, id);
    return { ...view(cancelled), inFlight: cancelled.inFlight.map((send) => SendInFlightView.of(send)) };
  }

  @Delete(':id/deliveries/:deliveryId')
  @Authorize('marketer')
  @ApiOperation({ summary: 'Cancel one delivery of a post' })
  @ApiOkResponse({ type: PostView })
  async cancelDelivery(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @IdParam('deliveryId') deliveryId: string,
  ): Promise<PostView> {
    return view(await this.posts.cancelDelivery(principal, id, deliveryId));
  }
}
