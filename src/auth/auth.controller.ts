import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { ANY_MEMBER, Authorize, CurrentPrincipal, Public } from '../common/decorators';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import type { Env } from '../config/env';
import { Member } from '../members/member.entity';
import { Workspace } from '../workspaces/workspace.entity';
import { AcceptInviteDto, SignInDto } from './dto/sign-in.dto';
import { InviteDetailsView, SessionSummaryView, SessionView } from './dto/session.view';
import { InvitesService } from './invites.service';
import { assertSameOrigin, clearSessionCookie, clientContext, ConsoleSession, SessionRequest, setSessionCookie } from './session-cookie';
import { SessionsService } from './sessions.service';
import { SignInService, SignInThrottledError } from './sign-in.service';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  private readonly publicUrl: string | undefined;

  constructor(
    private readonly signIns: SignInService,
    private readonly sessions: SessionsService,
    private readonly invites: InvitesService,
    @InjectDataSource() private readonly dataSource: DataSource,
    config: ConfigService<Env, true>,
  ) {
    this.publicUrl = config.get('PUBLIC_URL', { infer: true });
  }

  @Post('sign-in')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with e-mail and password: answers the session and sets the holdfast_session cookie' })
  @ApiOkResponse({ type: SessionView })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password (the same answer whether the e-mail exists)' })
  @ApiConflictResponse({ description: 'choose_workspace: the e-mail and password fit several workspaces; repeat with workspaceId' })
  @ApiForbiddenResponse({ description: 'CSRF: the request does not come from the console origin' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed sign-ins for this e-mail or address; see Retry-After' })
  async signIn(@Req() request: SessionRequest, @Res({ passthrough: true }) response: Response, @Body() dto: SignInDto): Promise<SessionView> {
    assertSameOrigin(request, this.publicUrl);
    try {
      const signedIn = await this.signIns.signIn(dto.email, dto.password, dto.workspaceId, clientContext(request));
      setSessionCookie(response, signedIn.token, signedIn.session.expiresAt, this.publicUrl);
      return SessionView.of(signedIn.member, signedIn.workspace, this.consoleSessionOf(signedIn.session));
    } catch (error) {
      if (error instanceof SignInThrottledError) {
        response.setHeader('Retry-After', String(error.retryAfterSeconds));
      }
      throw error;
    }
  }

  @Get('session')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'Who is signed in: the member, the workspace, the roles and the CSRF token (API keys: id and csrfToken null)' })
  @ApiOkResponse({ type: SessionView })
  async session(@CurrentPrincipal() principal: Principal, @Req() request: SessionRequest): Promise<SessionView> {
    const member = await this.dataSource.getRepository(Member).findOneByOrFail({ id: principal.memberId });
    const workspace = await this.dataSource.getRepository(Workspace).findOneByOrFail({ id: principal.workspaceId });
    return SessionView.of(member, workspace, principal.sessionId ? (request.consoleSession ?? null) : null);
  }

  @Post('sign-out')
  @HttpCode(204)
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'End the current session on the server and clear its cookie' })
  @ApiNoContentResponse({ description: 'Signed out' })
  async signOut(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.sessions.signOut(principal);
    if (principal.sessionId) {
      clearSessionCookie(response, this.publicUrl);
    }
  }

  @Get('invites/:token')
  @Public()
  @ApiOperation({ summary: 'What an invite link is for: the member, the workspace, when it expires' })
  @ApiOkResponse({ type: InviteDetailsView })
  @ApiNotFoundResponse({ description: 'Unknown, used or replaced link' })
  @ApiGoneResponse({ description: 'The link has expired' })
  async invite(@Param('token') token: string): Promise<InviteDetailsView> {
    const details = await this.invites.describe(token);
    return {
      memberName: details.member.name,
      email: details.member.email,
      workspaceName: details.workspace.name,
      expiresAt: details.expiresAt,
    };
  }

  @Post('invites/:token/accept')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Choose a password from an invite link (once): signs the member in and sets the session cookie' })
  @ApiOkResponse({ type: SessionView })
  @ApiNotFoundResponse({ description: 'Unknown, used or replaced link' })
  @ApiGoneResponse({ description: 'The link has expired' })
  @ApiForbiddenResponse({ description: 'CSRF: the request does not come from the console origin' })
  async acceptInvite(
    @Req() request: SessionRequest,
    @Res({ passthrough: true }) response: Response,
    @Param('token') token: string,
    @Body() dto: AcceptInviteDto,
  ): Promise<SessionView> {
    assertSameOrigin(request, this.publicUrl);
    const accepted = await this.invites.accept(token, dto.password, dto.email, clientContext(request));
    setSessionCookie(response, accepted.token, accepted.session.expiresAt, this.publicUrl);
    return SessionView.of(accepted.member, accepted.workspace, this.consoleSessionOf(accepted.session));
  }

  @Get('sessions')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'Your own console sessions that are still alive' })
  @ApiOkResponse({ type: [SessionSummaryView] })
  async listOwn(@CurrentPrincipal() principal: Principal): Promise<SessionSummaryView[]> {
    return (await this.sessions.listOf(principal.workspaceId, principal.memberId)).map((s) => SessionSummaryView.of(s, principal));
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'End one of your own sessions (e.g. a lost laptop)' })
  @ApiNoContentResponse({ description: 'Ended' })
  async revokeOwn(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.sessions.revoke(principal, principal.memberId, id);
    if (id === principal.sessionId) {
      clearSessionCookie(response, this.publicUrl);
    }
  }

  private consoleSessionOf(session: { id: string; csrfToken: string; expiresAt: Date; lastSeenAt: Date }): ConsoleSession {
    return {
      id: session.id,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
      idleExpiresAt: this.sessions.idleExpiryOf(session.lastSeenAt, session.expiresAt),
    };
  }
}
