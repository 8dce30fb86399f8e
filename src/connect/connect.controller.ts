import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { sessionToken } from '../auth/session-cookie';
import { SessionsService } from '../auth/sessions.service';
import { Authorize, CurrentPrincipal, Public } from '../common/decorators';
import { IdParam } from '../common/id-param';
import type { AuthenticatedRequest, Principal } from '../common/principal';
import { ConnectService, type CallbackQuery } from './connect.service';
import { DirectConnectService } from './direct-connect.service';
import { BlueskyConnectDto, ChooseAccountsDto, StartConnectDto, TelegramConnectDto } from './dto/connect.dto';
import { ConnectedChannelView, ConnectedView, ConnectPlatformsView, ConnectSessionView, ConnectStartView } from './dto/connect.view';

@ApiTags('channels')
@Controller('channels/connect')
export class ConnectController {
  constructor(
    private readonly connect: ConnectService,
    private readonly direct: DirectConnectService,
  ) {}

  @Get()
  @Authorize('admin')
  @ApiOperation({ summary: 'How each platform connects, and whether this service is configured for it (what to set if not)' })
  @ApiOkResponse({ type: ConnectPlatformsView })
  platforms(): ConnectPlatformsView {
    return { platforms: this.connect.platforms() };
  }

  @Get('sessions/:id')
  @Authorize('admin')
  @ApiOperation({ summary: 'The accounts a sign-in reached (LinkedIn organizations, Facebook Pages, Instagram accounts), to choose which to connect' })
  @ApiOkResponse({ type: ConnectSessionView })
  session(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<ConnectSessionView> {
    return this.connect.session(principal, id);
  }

  @Post('sessions/:id')
  @Authorize('admin')
  @ApiOperation({ summary: 'Connect the chosen accounts as channels (an account already connected reconnects its channel)' })
  @ApiCreatedResponse({ type: ConnectedView })
  async choose(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: ChooseAccountsDto): Promise<ConnectedView> {
    return { channels: await this.connect.choose(principal, id, dto.accountIds) };
  }

  @Post('bluesky')
  @Authorize('admin')
  @ApiOperation({ summary: 'Connect a Bluesky account with an app password (the handle is resolved to its PDS, the password checked there)' })
  @ApiCreatedResponse({ type: ConnectedChannelView })
  bluesky(@CurrentPrincipal() principal: Principal, @Body() dto: BlueskyConnectDto): Promise<ConnectedChannelView> {
    return this.direct.bluesky(principal, dto);
  }

  @Post('telegram')
  @Authorize('admin')
  @ApiOperation({ summary: 'Connect a Telegram channel or group through a bot; checks the bot may post there and says what is missing' })
  @ApiCreatedResponse({ type: ConnectedChannelView })
  telegram(@CurrentPrincipal() principal: Principal, @Body() dto: TelegramConnectDto): Promise<ConnectedChannelView> {
    return this.direct.telegram(principal, dto);
  }

  @Post(':platform')
  @Authorize('admin')
  @ApiOperation({
    summary: 'Start connecting an account with the platform\'s sign-in (x, linkedin, facebook, instagram, mastodon)',
    description: 'Answers the consent URL; the platform sends the browser back to /api/oauth/{platform}/callback, which needs the same person signed in to the console, within 10 minutes, once.',
  })
  @ApiCreatedResponse({ type: ConnectStartView })
  start(@CurrentPrincipal() principal: Principal, @Param('platform') platform: string, @Body() dto: StartConnectDto): Promise<ConnectStartView> {
    return this.connect.start(principal, platform, dto);
  }
}

@Controller('oauth')
export class OAuthCallbackController {
  constructor(
    private readonly connect: ConnectService,
    private readonly sessions: SessionsService,
  ) {}

  /** Public: the platform's redirect carries no API key; the console session and the state decide. */
  @Get(':platform/callback')
  @Public()
  @HttpCode(303)
  @ApiTags('channels')
  @ApiOperation({
    summary: "Where the platform sends the browser back after its consent page (public; the state and the browser's console session decide)",
    description:
      'Always answers 303 to the console: /channels?connected=<id> | reconnected=<id> | connectSession=<id> (choose accounts) | connectError=<code>&reason=<words>. Codes: state_invalid, state_expired, state_used, state_other_member, signed_out, denied, token_error, account_error.',
  })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'code', required: false })
  @ApiQuery({ name: 'error', required: false })
  @ApiResponse({ status: 303, description: 'To the console, with the outcome in the query' })
  async callback(@Param('platform') platform: string, @Query() query: Record<string, unknown>, @Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    const token = sessionToken(request);
    const who = token ? (await this.sessions.authenticate(token, String(request.id ?? '')))?.principal : undefined;
    const outcome = await this.connect.callback(platform, pickStrings(query), who);
    // The code is in this URL: no referrer leaves with it, no cache keeps it.
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.redirect(303, this.connect.consoleUrl(platform, outcome));
  }
}

/** Query values that are one string each; a repeated parameter is no value at all. */
function pickStrings(query: Record<string, unknown>): CallbackQuery {
  const one = (key: string): string | undefined => (typeof query[key] === 'string' ? (query[key]) : undefined);
  return { code: one('code'), state: one('state'), error: one('error'), error_description: one('error_description') };
}
