import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { CampaignsService } from './campaigns.service';
import { CampaignView } from './dto/campaign.view';
import { CampaignsQueryDto } from './dto/campaigns-query.dto';
import { PauseCampaignDto } from './dto/pause-campaign.dto';
import { ResumeCampaignDto } from './dto/resume-campaign.dto';
import { SetBudgetDto } from './dto/set-budget.dto';

@ApiTags('paid media')
@Controller('campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Get()
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'Campaigns of the workspace as last synced; ?status=pause_pending lists pauses not confirmed yet' })
  @ApiOkResponse({ type: [CampaignView] })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: CampaignsQueryDto): Promise<CampaignView[]> {
    return (await this.campaigns.list(principal.workspaceId, query)).map((c) => CampaignView.of(c));
  }

  @Get(':id')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'One campaign' })
  @ApiOkResponse({ type: CampaignView })
  async get(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<CampaignView> {
    return CampaignView.of(await this.campaigns.get(principal.workspaceId, id));
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Authorize('marketer')
  @ApiOperation({ summary: 'Pause on the platform (reason manual); pause_pending until the platform reads it back, retried until then' })
  @ApiOkResponse({ type: CampaignView })
  async pause(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: PauseCampaignDto): Promise<CampaignView> {
    return CampaignView.of(await this.campaigns.pause(principal, id, dto.reason));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Authorize('marketer')
  @ApiOperation({ summary: 'Resume once every pause reason is cleared explicitly (clearReasons, default manual)' })
  @ApiOkResponse({ type: CampaignView })
  async resume(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: ResumeCampaignDto): Promise<CampaignView> {
    return CampaignView.of(await this.campaigns.resume(principal, id, dto));
  }

  @Put(':id/budget')
  @Authorize('marketer')
  @ApiOperation({ summary: 'Daily and lifetime caps in minor units of the account currency; a cap already reached pauses at once' })
  @ApiOkResponse({ type: CampaignView })
  async setBudget(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: SetBudgetDto): Promise<CampaignView> {
    return CampaignView.of(await this.campaigns.setBudget(principal, id, dto));
  }
}
