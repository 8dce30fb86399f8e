import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { DomainError } from '../common/domain-error';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { CreatePlaybookDto } from './dto/create-playbook.dto';
import { PlaybookPlanView, PlaybookView } from './dto/playbook.view';
import { RehearsePlaybookDto } from './dto/rehearse-playbook.dto';
import { UpdatePlaybookDto } from './dto/update-playbook.dto';
import { PlaybooksService } from './playbooks.service';

@ApiTags('playbooks')
@Controller('playbooks')
export class PlaybooksController {
  constructor(private readonly playbooks: PlaybooksService) {}

  @Post()
  @Authorize('crisis_lead')
  @ApiOperation({ summary: 'Write a scenario of the response matrix; every message is checked now (approved template, channels, limits)' })
  @ApiCreatedResponse({ type: PlaybookView })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreatePlaybookDto): Promise<PlaybookView> {
    return PlaybookView.of(await this.playbooks.create(principal, dto));
  }

  @Get()
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'The playbooks of the workspace' })
  @ApiQuery({ name: 'archived', required: false, description: 'true to include archived playbooks' })
  @ApiOkResponse({ type: [PlaybookView] })
  async list(@CurrentPrincipal() principal: Principal, @Query('archived') archived?: string): Promise<PlaybookView[]> {
    if (archived !== undefined && archived !== 'true' && archived !== 'false') {
      throw DomainError.invalid('archived must be true or false');
    }
    return (await this.playbooks.list(principal, archived === 'true')).map((p) => PlaybookView.of(p));
  }

  @Get(':id')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'One playbook' })
  @ApiOkResponse({ type: PlaybookView })
  async get(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<PlaybookView> {
    return PlaybookView.of(await this.playbooks.get(principal, id));
  }

  @Patch(':id')
  @Authorize('crisis_lead')
  @ApiOperation({ summary: 'Edit a playbook; it is checked whole again and the audit trail keeps the before and after' })
  @ApiOkResponse({ type: PlaybookView })
  async update(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: UpdatePlaybookDto): Promise<PlaybookView> {
    return PlaybookView.of(await this.playbooks.update(principal, id, dto));
  }

  @Post(':id/rehearse')
  @HttpCode(200)
  @Authorize('crisis_lead')
  @ApiOperation({ summary: 'What activating with this playbook would create now, with these answers to its prompts; changes nothing' })
  @ApiOkResponse({ type: PlaybookPlanView })
  rehearse(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: RehearsePlaybookDto): Promise<PlaybookPlanView> {
    if (dto.placeholderValues !== undefined && dto.values !== undefined) {
      throw DomainError.invalid('give placeholderValues only: values is its deprecated alias');
    }
    return this.playbooks.rehearse(principal, id, dto.placeholderValues ?? dto.values ?? {});
  }

  @Delete(':id')
  @Authorize('crisis_lead')
  @ApiOperation({ summary: 'Archive a playbook: it can no longer be activated; its history stays' })
  @ApiOkResponse({ type: PlaybookView })
  async archive(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<PlaybookView> {
    return PlaybookView.of(await this.playbooks.archive(principal, id));
  }
}
