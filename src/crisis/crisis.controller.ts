import { Body, Controller, Get, Header, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { DomainError } from '../common/domain-error';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { renderCrisisReport } from './crisis-report';
import { CrisisReportService } from './crisis-report.service';
import { CrisisPreviewService } from './crisis-preview.service';
import { CrisisService } from './crisis.service';
import { CrisisPreviewView, DeactivationPreviewDto, DeactivationPreviewView } from './dto/crisis-preview.view';
import { ActivateCrisisDto, CrisisNoteDto, DeactivateCrisisDto } from './dto/activate-crisis.dto';
import { ActivationView, CrisisStateView, CrisisView, DeactivationView } from './dto/crisis.view';

@ApiTags('crisis')
@Controller()
export class CrisisController {
  constructor(
    private readonly crises: CrisisService,
    private readonly reports: CrisisReportService,
    private readonly previews: CrisisPreviewService,
  ) {}

  @Get('crisis')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'Whether crisis mode is on, and what it holds' })
  @ApiOkResponse({ type: CrisisStateView })
  async state(@CurrentPrincipal() principal: Principal): Promise<CrisisStateView> {
    const crisis = await this.crises.current(principal.workspaceId);
    if (!crisis) {
      return { active: false, crisis: null, held: 0, released: 0, replacementPostsWaiting: 0 };
    }
    return { active: true, crisis: CrisisView.of(crisis), ...(await this.crises.counts(crisis)), activatedByName: await this.crises.memberName(crisis.activatedBy) };
  }

  @Post('crisis/activate')
  @Authorize('crisis_lead')
  @ApiOperation({
    summary: 'The kill switch: hold everything in scope, pause paid media, stage the playbook',
    description:
      'When this answers, no delivery in scope reaches a platform unless approved under the crisis policy after activation, on any instance. ' +
      'Sends in flight were finished or stopped first and are listed. 409 with the active crisis if one is already on.',
  })
  @ApiCreatedResponse({ type: ActivationView })
  async activate(@CurrentPrincipal() principal: Principal, @Body() dto: ActivateCrisisDto): Promise<ActivationView> {
    const activation = await this.crises.activate(principal, dto);
    return {
      crisis: CrisisView.of(activation.crisis),
      inFlight: activation.inFlight,
      held: activation.held,
      ads: activation.ads ? { ...activation.ads, campaigns: { ...activation.ads.campaigns } } : null,
      replacementPostIds: activation.replacementPostIds,
      drafts: activation.drafts,
      notStaged: activation.notStaged,
      warnings: activation.warnings,
    };
  }

  @Post('crisis/preview')
  @HttpCode(200)
  @Authorize('crisis_lead')
  @ApiOperation({
    summary: 'What the switch would do with this body, changing nothing',
    description:
      'Deliveries in scope due within the hour, the day and in all (and the first due), campaigns that would pause, the replacement posts ' +
      'the playbook would stage (and what would not, and why), and who would be notified. Writes and audits nothing. 409 while a crisis is on.',
  })
  @ApiOkResponse({ type: CrisisPreviewView })
  preview(@CurrentPrincipal() principal: Principal, @Body() dto: ActivateCrisisDto): Promise<CrisisPreviewView> {
    return this.previews.preview(principal, dto);
  }

  @Post('crisis/deactivation-preview')
  @HttpCode(200)
  @Authorize('crisis_lead')
  @ApiOperation({ summary: 'What ending the crisis would resume, mark missed and leave paused, changing nothing. 409 when no crisis is on' })
  @ApiOkResponse({ type: DeactivationPreviewView })
  deactivationPreview(@CurrentPrincipal() principal: Principal, @Body() dto: DeactivationPreviewDto): Promise<DeactivationPreviewView> {
    return this.previews.deactivationPreview(principal, dto.resumeCampaigns ?? true);
  }

  @Post('crisis/deactivate')
  @HttpCode(200)
  @Authorize('crisis_lead')
  @ApiOperation({ summary: 'End the crisis: resume what is still ahead, mark what passed as missed, resume the campaigns it paused' })
  @ApiOkResponse({ type: DeactivationView })
  async deactivate(@CurrentPrincipal() principal: Principal, @Body() dto: DeactivateCrisisDto): Promise<DeactivationView> {
    const result = await this.crises.deactivate(principal, dto);
    return { ...result, crisis: CrisisView.of(result.crisis) };
  }

  @Get('crises')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'Past and current crises, newest first' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 200, default 50' })
  @ApiOkResponse({ type: [CrisisView] })
  async list(@CurrentPrincipal() principal: Principal, @Query('limit') limit?: string): Promise<CrisisView[]> {
    const n = limit === undefined ? 50 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 200) {
      throw DomainError.invalid('limit must be an integer from 1 to 200');
    }
    return (await this.crises.list(principal.workspaceId, n)).map((c) => CrisisView.of(c));
  }

  @Get('crises/:id')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'One crisis' })
  @ApiOkResponse({ type: CrisisView })
  async get(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<CrisisView> {
    return CrisisView.of(await this.crises.get(principal.workspaceId, id));
  }

  @Get('crises/:id/report')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'The post-crisis report: JSON, or Markdown with ?format=markdown or Accept: text/markdown' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'markdown'] })
  @ApiProduces('application/json', 'text/markdown')
  @Header('Cache-Control', 'no-store')
  async report(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @Query('format') format: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    if (format !== undefined && format !== 'json' && format !== 'markdown') {
      throw DomainError.invalid('format must be json or markdown');
    }
    const report = await this.reports.report(principal.workspaceId, id);
    const wantsMarkdown = format === 'markdown' || (format === undefined && (res.req.headers.accept ?? '').includes('text/markdown'));
    if (wantsMarkdown) {
      res.type('text/markdown; charset=utf-8');
      return renderCrisisReport(report);
    }
    return report;
  }

  @Post('crises/:id/notes')
  @Authorize('crisis_lead', 'admin', 'approver', 'marketer')
  @ApiOperation({ summary: 'Add a lessons-learned note to a crisis, for its report' })
  @ApiCreatedResponse({ description: 'The note' })
  async addNote(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: CrisisNoteDto): Promise<object> {
    const note = await this.reports.addNote(principal, id, dto.text);
    return { id: note.id, crisisId: note.crisisId, authorId: note.authorId, text: note.text, createdAt: note.createdAt };
  }
}
