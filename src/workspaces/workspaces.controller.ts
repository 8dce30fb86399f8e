import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IssuedApiKeyView } from '../auth/dto/api-key.view';
import { ANY_MEMBER, Authorize, AuthorizeOperator, CurrentPrincipal } from '../common/decorators';
import type { Principal } from '../common/principal';
import { InviteLinkView, MemberView } from '../members/dto/member.view';
import { CreateWorkspaceDto } from './dto/create-workspace.dto';
import { UpdateWorkspaceDto } from './dto/update-workspace.dto';
import { CreatedWorkspaceView, WorkspaceView } from './dto/workspace.view';
import { WorkspacesService } from './workspaces.service';

@ApiTags('workspaces')
@Controller()
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Post('workspaces')
  @AuthorizeOperator('admin')
  @ApiOperation({ summary: 'Create a workspace with its first admin (operator admins only); answers the admin key and invite link once' })
  @ApiCreatedResponse({ type: CreatedWorkspaceView })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateWorkspaceDto): Promise<CreatedWorkspaceView> {
    const created = await this.workspaces.create(principal, dto);
    return {
      workspace: WorkspaceView.of(created.workspace),
      admin: MemberView.of(created.member),
      apiKey: IssuedApiKeyView.issued(created.issued.apiKey, created.issued.key),
      invite: InviteLinkView.of(created.invite),
    };
  }

  @Get('workspaces')
  @AuthorizeOperator('admin')
  @ApiOperation({ summary: 'Every workspace (operator admins only)' })
  @ApiOkResponse({ type: [WorkspaceView] })
  async list(): Promise<WorkspaceView[]> {
    return (await this.workspaces.list()).map((item) => WorkspaceView.of(item));
  }

  @Get('workspace')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: "The caller's workspace" })
  @ApiOkResponse({ type: WorkspaceView })
  async current(@CurrentPrincipal() principal: Principal): Promise<WorkspaceView> {
    return WorkspaceView.of(await this.workspaces.current(principal));
  }

  @Patch('workspace')
  @Authorize('admin')
  @ApiOperation({ summary: "Rename the caller's workspace or set its time zone (IANA, the calendar's default)" })
  @ApiOkResponse({ type: WorkspaceView })
  async update(@CurrentPrincipal() principal: Principal, @Body() dto: UpdateWorkspaceDto): Promise<WorkspaceView> {
    return WorkspaceView.of(await this.workspaces.update(principal, dto));
  }
}
