import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeliveryView } from '../calendar/dto/post.view';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import type { Principal } from '../common/principal';
import { DeliveriesRepository } from './deliveries.repository';
import type { DeliveryState } from './delivery-state';
import { DeliveriesQueryDto } from './dto/deliveries-query.dto';

@ApiTags('calendar')
@Controller('deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesRepository) {}

  @Get()
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'Deliveries by state, most recently changed first, e.g. ?state=needs_verification for what a person must check' })
  @ApiOkResponse({ type: [DeliveryView] })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: DeliveriesQueryDto): Promise<DeliveryView[]> {
    const rows = await this.deliveries.ofWorkspace(principal.workspaceId, query.state as DeliveryState | undefined, query.limit ?? 100);
    return rows.map((d) => DeliveryView.of(d));
  }
}
