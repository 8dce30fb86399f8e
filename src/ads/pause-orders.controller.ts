import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { PauseOrderView } from './dto/pause-order.view';
import { PauseOrdersService } from './pause-orders.service';

@ApiTags('paid media')
@Controller('pause-orders')
export class PauseOrdersController {
  constructor(private readonly orders: PauseOrdersService) {}

  @Get()
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'Pause orders (a crisis pausing paid media), live ones first, with their campaigns and where each stands' })
  @ApiOkResponse({ type: [PauseOrderView] })
  async list(@CurrentPrincipal() principal: Principal): Promise<PauseOrderView[]> {
    return (await this.orders.list(principal.workspaceId)).map((o) => PauseOrderView.of(o));
  }

  @Get(':id')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'One pause order with its campaigns' })
  @ApiOkResponse({ type: PauseOrderView })
  async get(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<PauseOrderView> {
    return PauseOrderView.of(await this.orders.get(principal.workspaceId, id));
  }
}
