import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { AdAccountsService } from './ad-accounts.service';
import { CampaignsService } from './campaigns.service';
import { AdAccountView } from './dto/ad-account.view';
import { SyncResultView } from './dto/campaign.view';
import { CreateAdAccountDto } from './dto/create-ad-account.dto';
import { UpdateAdAccountDto } from './dto/update-ad-account.dto';

@ApiTags('paid media')
@Controller('ad-accounts')
export class AdAccountsController {
  constructor(
    private readonly accounts: AdAccountsService,
    private readonly campaigns: CampaignsService,
  ) {}

  @Post()
  @Authorize('admin')
  @ApiOperation({ summary: 'Connect an ad account; the account id is checked per platform, credentials are sealed' })
  @ApiCreatedResponse({ type: AdAccountView })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateAdAccountDto): Promise<AdAccountView> {
    return AdAccountView.of(await this.accounts.create(principal, dto));
  }

  @Get()
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'The connected ad accounts of the workspace' })
  @ApiOkResponse({ type: [AdAccountView] })
  async list(@CurrentPrincipal() principal: Principal): Promise<AdAccountView[]> {
    return (await this.accounts.list(principal.workspaceId)).map((a) => AdAccountView.of(a));
  }

  @Get(':id')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'One ad account' })
  @ApiOkResponse({ type: AdAccountView })
  async get(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<AdAccountView> {
    return AdAccountView.of(await this.accounts.get(principal.workspaceId, id));
  }

  @Patch(':id')
  @Authorize('admin')
  @ApiOperation({ summary: 'Rename an ad account or replace its credentials' })
  @ApiOkResponse({ type: AdAccountView })
  async update(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: UpdateAdAccountDto): Promise<AdAccountView> {
    return AdAccountView.of(await this.accounts.update(principal, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('admin')
  @ApiOperation({ summary: 'Disconnect an ad account (its credentials are erased; its campaigns stay as history)' })
  @ApiNoContentResponse({ description: 'Disconnected' })
  async remove(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<void> {
    await this.accounts.remove(principal, id);
  }

  @Post(':id/sync')
  @HttpCode(200)
  @Authorize('admin', 'marketer')
  @ApiOperation({ summary: 'Read the account campaigns from the platform now: status, budgets, spend; caps and drift are enforced' })
  @ApiOkResponse({ type: SyncResultView })
  sync(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<SyncResultView> {
    return this.campaigns.syncNow(principal.workspaceId, id);
  }
}
