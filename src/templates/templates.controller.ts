import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { DomainError } from '../common/domain-error';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { CreateTemplateDto } from './dto/create-template.dto';
import { PreviewTemplateDto } from './dto/preview-template.dto';
import { ApproveTemplateDto, RejectTemplateDto } from './dto/template-decision.dto';
import { TemplatePreviewView, TemplateView } from './dto/template.view';
import { UpdateTemplateDto } from './dto/update-template.dto';
import { TemplateDetails, TemplatesService } from './templates.service';

const view = ({ template, versions, decisions, names }: TemplateDetails): TemplateView => TemplateView.of(template, versions, decisions, names);

@ApiTags('templates')
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post()
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({ summary: 'Write a template: version 1, waiting for approval; placeholders are checked against their declarations' })
  @ApiCreatedResponse({ type: TemplateView })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateTemplateDto): Promise<TemplateView> {
    return view(await this.templates.create(principal, dto));
  }

  @Get()
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'The templates of the workspace with their versions and approval state' })
  @ApiQuery({ name: 'archived', required: false, description: 'true to include archived templates' })
  @ApiOkResponse({ type: [TemplateView] })
  async list(@CurrentPrincipal() principal: Principal, @Query('archived') archived?: string): Promise<TemplateView[]> {
    if (archived !== undefined && archived !== 'true' && archived !== 'false') {
      throw DomainError.invalid('archived must be true or false');
    }
    return (await this.templates.list(principal, archived === 'true')).map(view);
  }

  @Get(':id')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'One template with every version and its approval state' })
  @ApiOkResponse({ type: TemplateView })
  async get(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<TemplateView> {
    return view(await this.templates.get(principal, id));
  }

  @Patch(':id')
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({ summary: 'Edit: makes a new immutable version waiting for approval; earlier versions keep their state' })
  @ApiOkResponse({ type: TemplateView })
  async update(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: UpdateTemplateDto): Promise<TemplateView> {
    return view(await this.templates.update(principal, id, dto));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Authorize('approver')
  @ApiOperation({ summary: 'Approve one version (not one you wrote): that exact content becomes usable' })
  @ApiOkResponse({ type: TemplateView })
  async approve(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: ApproveTemplateDto): Promise<TemplateView> {
    return view(await this.templates.approve(principal, id, dto.version, dto.comment));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Authorize('approver')
  @ApiOperation({ summary: 'Send a version back with a comment, or withdraw its approval' })
  @ApiOkResponse({ type: TemplateView })
  async reject(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: RejectTemplateDto): Promise<TemplateView> {
    return view(await this.templates.reject(principal, id, dto.version, dto.comment));
  }

  @Post(':id/preview')
  @HttpCode(200)
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: "Fill a version with values and check the text against each platform's limit; changes nothing" })
  @ApiOkResponse({ type: TemplatePreviewView })
  preview(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: PreviewTemplateDto): Promise<TemplatePreviewView> {
    return this.templates.preview(principal, id, dto);
  }

  @Delete(':id')
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({ summary: 'Archive a template: none of its versions can be used any more; its history stays' })
  @ApiOkResponse({ type: TemplateView })
  async archive(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<TemplateView> {
    return view(await this.templates.archive(principal, id));
  }
}
