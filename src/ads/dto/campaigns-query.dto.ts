import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { AD_PLATFORMS, type AdPlatform } from '../ad-platform';
import { CAMPAIGN_STATUSES, PAUSE_TAG, type CampaignStatus } from '../budget-policy';

export class CampaignsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'adAccountId must be a UUID' })
  adAccountId?: string;

  @ApiPropertyOptional({ enum: AD_PLATFORMS })
  @IsOptional()
  @IsIn(AD_PLATFORMS, { message: `platform must be one of ${AD_PLATFORMS.join(', ')}` })
  platform?: AdPlatform;

  @ApiPropertyOptional({ enum: CAMPAIGN_STATUSES, description: 'pause_pending lists the pauses the platform has not confirmed yet' })
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES, { message: `status must be one of ${CAMPAIGN_STATUSES.join(', ')}` })
  status?: CampaignStatus;

  @ApiPropertyOptional({ example: 'budget_cap', description: 'Only campaigns held paused for this reason (manual, budget_cap, crisis:<id>)' })
  @IsOptional()
  @IsString()
  @Matches(PAUSE_TAG, { message: 'pauseReason must be manual, budget_cap or a tag such as crisis:<id>' })
  pauseReason?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
