import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { ChannelsService } from './channels.service';
import { ChannelVerificationView } from './dto/channel-verification.view';
import { ChannelView } from './dto/channel.view';
import { CreateChannelDto } from './dto/create-channel.dto';
import { UpdateChannelDto } from './dto/update-channel.dto';

@ApiTags('channels')
@Controller('channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Post()
  @Authorize('admin')
  @ApiOperation({ summary: 'Connect a social account; credentials are checked per platform and sealed' })
  @ApiCreatedResponse({ type: ChannelView })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateChannelDto): Promise<ChannelView> {
    return ChannelView.of(await this.channels.create(principal, dto));
  }

  @Get()
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'The connected channels of the workspace' })
  @ApiOkResponse({ type: [ChannelView] })
  async list(@CurrentPrincipal() principal: Principal): Promise<ChannelView[]> {
    return (await this.channels.list(principal)).map((item) => ChannelView.of(item));
  }

  @Get(':id')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'One channel' })
  @ApiOkResponse({ type: ChannelView })
  async get(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<ChannelView> {
    return ChannelView.of(await this.channels.get(principal, id));
  }

  @Patch(':id')
  @Authorize('admin')
  @ApiOperation({ summary: 'Rename, re-handle, replace credentials or fallbacks of a channel' })
  @ApiOkResponse({ type: ChannelView })
  async update(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @Body() dto: UpdateChannelDto,
  ): Promise<ChannelView> {
    return ChannelView.of(await this.channels.update(principal, id, dto));
  }

  @Post(':id/verify')
  @HttpCode(200)
  @Authorize('admin')
  @ApiOperation({
    summary: "Check the connection: ask the platform which account the channel's credentials reach",
    description: 'Answers 200 with ok true and the account, or ok false with the reason and its kind. Success makes the channel active; auth_expired marks it needs_reauth.',
  })
  @ApiOkResponse({ type: ChannelVerificationView })
  verify(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<ChannelVerificationView> {
    return this.channels.verify(principal, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('admin')
  @ApiOperation({ summary: 'Disconnect a channel (its credentials are erased; its history stays)' })
  @ApiNoContentResponse({ description: 'Disconnected' })
  async remove(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<void> {
    await this.channels.remove(principal, id);
  }
}
