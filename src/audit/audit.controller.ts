import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../common/decorators';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { AuditService } from './audit.service';
import { AuditEventView, AuditPageView, ChainVerificationView } from './dto/audit-event.view';
import { AuditQueryDto } from './dto/audit-query.dto';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Authorize('admin')
  @ApiOperation({ summary: 'The audit trail, newest first, with filters and cursor pagination' })
  @ApiOkResponse({ type: AuditPageView })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: AuditQueryDto): Promise<AuditPageView> {
    const limit = query.limit ?? 50;
    const page = await this.audit.list(principal.workspaceId, { ...query, beforeSeq: decodeCursor(query.cursor), limit });
    const last = page.items[page.items.length - 1];
    return {
      items: page.items.map((item) => AuditEventView.of(item)),
      nextCursor: page.hasMore && last ? encodeCursor(last.seq) : null,
    };
  }

  @Get('verify')
  @Authorize('admin')
  @ApiOperation({ summary: 'Recomputes the hash chain and reports the first broken link' })
  @ApiOkResponse({ type: ChainVerificationView })
  verify(@CurrentPrincipal() principal: Principal): Promise<ChainVerificationView> {
    return this.audit.verify(principal.workspaceId);
  }
}

function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw DomainError.invalid('cursor is not a cursor this API returned');
  }
  return Number(match[1]);
}
