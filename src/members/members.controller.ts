import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeysService } from '../auth/api-keys.service';
import { ApiKeyView, IssuedApiKeyView } from '../auth/dto/api-key.view';
import { SessionSummaryView } from '../auth/dto/session-summary.view';
import { InvitesService } from '../auth/invites.service';
import { SessionsService } from '../auth/sessions.service';
import { CreateApiKeyDto } from '../auth/dto/create-api-key.dto';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { CreateMemberDto } from './dto/create-member.dto';
import { InviteLinkView, MemberView, MemberWithKeyView } from './dto/member.view';
import { UpdateMemberDto } from './dto/update-member.dto';
import { MembersService } from './members.service';

@ApiTags('members')
@Controller('members')
export class MembersController {
  constructor(
    private readonly members: MembersService,
    private readonly apiKeys: ApiKeysService,
    private readonly invites: InvitesService,
    private readonly sessions: SessionsService,
  ) {}

  @Post()
  @Authorize('admin')
  @ApiOperation({ summary: 'Add a member with roles; answers its first API key and its invite link, once' })
  @ApiCreatedResponse({ type: MemberWithKeyView })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateMemberDto): Promise<MemberWithKeyView> {
    const { member, issued, invite } = await this.members.create(principal, dto);
    return {
      member: MemberView.of(member),
      apiKey: IssuedApiKeyView.issued(issued.apiKey, issued.key),
      invite: InviteLinkView.of(invite),
    };
  }

  @Get()
  @Authorize('admin')
  @ApiOperation({ summary: 'The members of the workspace, disabled ones included' })
  @ApiOkResponse({ type: [MemberView] })
  async list(@CurrentPrincipal() principal: Principal): Promise<MemberView[]> {
    return (await this.members.list(principal)).map((item) => MemberView.of(item));
  }

  @Get('me')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'The member calling (by API key or console session)' })
  @ApiOkResponse({ type: MemberView })
  async me(@CurrentPrincipal() principal: Principal): Promise<MemberView> {
    return MemberView.of(await this.members.get(principal, principal.memberId));
  }

  // Declared before the ':id' routes so that 'me' is not read as an id.
  @Get('me/api-keys')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: "Your own API keys (prefix, last use, revocation; never the key), for the console's account page" })
  @ApiOkResponse({ type: [ApiKeyView] })
  async listOwnKeys(@CurrentPrincipal() principal: Principal): Promise<ApiKeyView[]> {
    return (await this.apiKeys.listFor(principal, principal.memberId)).map((item) => ApiKeyView.of(item));
  }

  @Get(':id')
  @Authorize('admin')
  @ApiOperation({ summary: 'One member' })
  @ApiOkResponse({ type: MemberView })
  async get(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<MemberView> {
    return MemberView.of(await this.members.get(principal, id));
  }

  @Patch(':id')
  @Authorize('admin')
  @ApiOperation({ summary: "Change a member's name, e-mail or roles (the last admin keeps admin)" })
  @ApiOkResponse({ type: MemberView })
  async update(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @Body() dto: UpdateMemberDto,
  ): Promise<MemberView> {
    return MemberView.of(await this.members.update(principal, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('admin')
  @ApiOperation({ summary: 'Remove a member: disabled, every key revoked, history kept' })
  @ApiNoContentResponse({ description: 'Removed' })
  async disable(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<void> {
    await this.members.disable(principal, id);
  }

  @Post(':id/api-keys')
  @Authorize('admin')
  @ApiOperation({ summary: 'Issue another API key for a member; answered once' })
  @ApiCreatedResponse({ type: IssuedApiKeyView })
  async issueKey(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @Body() dto: CreateApiKeyDto,
  ): Promise<IssuedApiKeyView> {
    const issued = await this.apiKeys.issueFor(principal, id, dto.name);
    return IssuedApiKeyView.issued(issued.apiKey, issued.key);
  }

  @Get(':id/api-keys')
  @Authorize('admin')
  @ApiOperation({ summary: "A member's API keys (prefix, last use, revocation; never the key)" })
  @ApiOkResponse({ type: [ApiKeyView] })
  async listKeys(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<ApiKeyView[]> {
    return (await this.apiKeys.listFor(principal, id)).map((item) => ApiKeyView.of(item));
  }

  @Post(':id/invite')
  @Authorize('admin')
  @ApiOperation({ summary: 'A new invite link for a member (also how a password is reset); older unused links stop working' })
  @ApiCreatedResponse({ type: InviteLinkView })
  async invite(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<InviteLinkView> {
    return InviteLinkView.of(await this.invites.issueFor(principal, id));
  }

  @Get(':id/sessions')
  @Authorize('admin')
  @ApiOperation({ summary: "A member's console sessions that are still alive" })
  @ApiOkResponse({ type: [SessionSummaryView] })
  async listSessions(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<SessionSummaryView[]> {
    return (await this.sessions.listOf(principal.workspaceId, id)).map((session) => SessionSummaryView.of(session, principal));
  }

  @Delete(':id/sessions/:sessionId')
  @HttpCode(204)
  @Authorize('admin')
  @ApiOperation({ summary: "End one of a member's console sessions" })
  @ApiNoContentResponse({ description: 'Ended' })
  async revokeSession(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @IdParam('sessionId') sessionId: string,
  ): Promise<void> {
    await this.sessions.revoke(principal, id, sessionId);
  }
}
