import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { BreakersService } from '../dispatch/breakers.service';
import { PLATFORMS } from '../channels/platform';
import { FailOverDto } from './dto/fail-over.dto';
import { FailoverCandidateView, FailoverView } from './dto/failover.view';
import { ChannelHealthItemView, PlatformHealthItemView, PlatformHealthView } from './dto/platform-health.view';
import { FailoverService } from './failover.service';

@ApiTags('outages')
@Controller()
export class FailoverController {
  constructor(
    private readonly failover: FailoverService,
    private readonly breakers: BreakersService,
  ) {}

  @Get('platforms/health')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: "Each platform's circuit breaker, and those of this workspace's channels: closed, open (sends wait) or half_open (probing)" })
  @ApiOkResponse({ type: PlatformHealthView })
  async health(@CurrentPrincipal() principal: Principal): Promise<PlatformHealthView> {
    const { platforms, channels } = await this.breakers.health(principal.workspaceId);
    return {
      platforms: PLATFORMS.map((platform) => PlatformHealthItemView.of(platform, platforms.find((row) => row.platform === platform))),
      channels: channels.map((row) => ChannelHealthItemView.of(row)),
    };
  }

  @Get('failover/candidates')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'Deliveries waiting on a degraded platform whose channel may fail over (manual or auto policy), with what each fallback would make of them' })
  @ApiOkResponse({ type: [FailoverCandidateView] })
  async candidates(@CurrentPrincipal() principal: Principal): Promise<FailoverCandidateView[]> {
    return (await this.failover.candidates(principal)).map((candidate) => FailoverCandidateView.of(candidate));
  }

  @Post('deliveries/:id/failover')
  @HttpCode(200)
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({
    summary: "Confirm a failover: the delivery goes to its channel's fallbacks (each with its own platform's text), and is marked failed_over",
    description: '409 when the delivery is not scheduled, its platform is not degraded, its channel has failoverPolicy off, a crisis holds it, or no fallback can take it.',
  })
  @ApiOkResponse({ type: FailoverView })
  async failOver(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: FailOverDto): Promise<FailoverView> {
    return FailoverView.of(await this.failover.confirm(principal, id, dto.channelIds, dto.reason));
  }
}
