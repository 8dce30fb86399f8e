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
import { ResolveDeliveryDto } from './dto/resolve-delivery.dto';

@ApiTags('calendar')
@Controller('deliveries')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly resolutions: DeliveriesService,
  ) {}

  @Get()
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'Deliveries by state, most recently changed first, e.g. ?state=needs_verification for what a person must check' })
  @ApiOkResponse({ type: [DeliveryView] })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: DeliveriesQueryDto): Promise<DeliveryView[]> {
    const rows = await this.deliveries.ofWorkspace(principal.workspaceId, query.state as DeliveryState | undefined, query.limit ?? 100);
    return rows.map((d) => DeliveryView.of(d));
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Authorize('marketer')
  @ApiOperation({ summary: 'Settle a delivery the engine could not: confirm it was published, send it again, or drop it' })
  @ApiOkResponse({ type: DeliveryView })
  async resolve(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: ResolveDeliveryDto): Promise<DeliveryView> {
    return DeliveryView.of(await this.resolutions.resolve(principal, id, dto));
  }
}
