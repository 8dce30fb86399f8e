import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import type { Principal } from '../common/principal';
import { BudgetCapsService } from './budget-caps.service';
import { MonthlyCapView, SetMonthlyCapDto } from './dto/monthly-cap.dto';

@ApiTags('paid media')
@Controller('ad-spend-cap')
export class AdSpendCapController {
  constructor(private readonly caps: BudgetCapsService) {}

  @Get()
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: "The workspace's monthly cap across all ad accounts, and the month's spend so far" })
  @ApiOkResponse({ type: MonthlyCapView })
  async get(@CurrentPrincipal() principal: Principal): Promise<MonthlyCapView> {
    const { cap, spentThisMonthMinor } = await this.caps.monthlyCap(principal.workspaceId);
    return { monthlyCapMinor: cap?.monthlyCapMinor ?? null, currency: cap?.currency ?? null, spentThisMonthMinor };
  }

  @Put()
  @Authorize('admin')
  @ApiOperation({ summary: 'Set or remove the monthly cap; when reached, every campaign is paused (budget_cap)' })
  @ApiOkResponse({ type: MonthlyCapView })
  async set(@CurrentPrincipal() principal: Principal, @Body() dto: SetMonthlyCapDto): Promise<MonthlyCapView> {
    await this.caps.setMonthlyCap(principal, dto.monthlyCapMinor ?? null, dto.currency);
    return this.get(principal);
  }
}
