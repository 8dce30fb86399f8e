import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeliveryView } from '../calendar/dto/post.view';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { DeliveriesService } from './deliveries.service';
import { DeliveriesRepository } from './deliveries.repository';
import type { DeliveryState } from './delivery-state';
import { DeliveriesQueryDto } from './dto/deliveries-query.dto';
import { BulkMissedView, CancelMissedDto, MissedDeliveryView, RescheduleMissedDto } from './dto/missed-bulk.dto';
import { ResolveDeliveryDto } from './dto/resolve-delivery.dto';
import { MissedDeliveriesService } from './missed-deliveries.service';

@ApiTags('calendar')
@Controller('deliveries')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly resolutions: DeliveriesService,
    private readonly missed: MissedDeliveriesService,
  ) {}

  @Get()
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'Deliveries by state, most recently changed first, e.g. ?state=needs_verification for what a person must check' })
  @ApiOkResponse({ type: [DeliveryView] })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: DeliveriesQueryDto): Promise<DeliveryView[]> {
    const rows = await this.deliveries.ofWorkspace(principal.workspaceId, query.state as DeliveryState | undefined, query.limit ?? 100);
    return this.views(rows);
  }

  @Get('missed')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'Deliveries whose time passed while crisis mode held them, with their post text and channel, soonest first' })
  @ApiOkResponse({ type: [MissedDeliveryView] })
  missedList(@CurrentPrincipal() principal: Principal, @Query() query: DeliveriesQueryDto): Promise<MissedDeliveryView[]> {
    return this.missed.list(principal.workspaceId, query.limit ?? 100);
  }

  @Post('reschedule')
  @HttpCode(200)
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({
    summary: 'Schedule missed deliveries again, all or none',
    description:
      'A 4xx naming the deliveries that are not missed or not found, and nothing written. Each change is audited. ' +
      'During a crisis covering its platform, a rescheduled delivery is held by it and goes out only with its sign-off.',
  })
  @ApiOkResponse({ type: BulkMissedView })
  async reschedule(@CurrentPrincipal() principal: Principal, @Body() dto: RescheduleMissedDto): Promise<BulkMissedView> {
    return { deliveries: await this.views(await this.missed.reschedule(principal, dto.deliveryIds, dto.scheduledAt)) };
  }

  @Post('cancel')
  @HttpCode(200)
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({ summary: 'Cancel missed deliveries, all or none (a 4xx naming those that are not missed or not found); each change audited' })
  @ApiOkResponse({ type: BulkMissedView })
  async cancel(@CurrentPrincipal() principal: Principal, @Body() dto: CancelMissedDto): Promise<BulkMissedView> {
    return { deliveries: await this.views(await this.missed.cancel(principal, dto.deliveryIds)) };
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Authorize('marketer')
  @ApiOperation({ summary: 'Settle a delivery the engine could not: confirm it was published, send it again, or drop it' })
  @ApiOkResponse({ type: DeliveryView })
  async resolve(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: ResolveDeliveryDto): Promise<DeliveryView> {
    const [view] = await this.views([await this.resolutions.resolve(principal, id, dto)]);
    return view;
  }

  /** Each delivery with its times in its post's zone beside UTC. */
  private async views(rows: Parameters<typeof DeliveryView.of>[0][]): Promise<DeliveryView[]> {
    const zones = await this.deliveries.timeZonesOf(rows.map((d) => d.postId));
    return rows.map((d) => DeliveryView.of(d, zones.get(d.postId)));
  }
}
