import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { PLATFORMS } from '../../channels/platform';
import type { Platform } from '../../channels/platform';

export class ActivateCrisisDto {
  @ApiProperty({ example: 'Data breach reported by the press', maxLength: 2000, description: 'Why: shown to everyone, kept in the report' })
  @IsString({ message: 'reason is required: say why the switch is flipped' })
  @Length(1, 2000)
  reason: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 3, description: "Crisis level (sets the approvals needed); defaults to the playbook's" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3)
  level?: 1 | 2 | 3;

  @ApiPropertyOptional({ format: 'uuid', description: 'The playbook to run: its replacement messages, contacts, platforms and ads rule' })
  @IsOptional()
  @IsUUID('all', { message: 'playbookId must be a UUID' })
  playbookId?: string;

  @ApiPropertyOptional({ enum: PLATFORMS, isArray: true, description: "Platforms to hold; all when absent (or the playbook's)" })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'platforms must name at least one platform, or be left out to hold all' })
  @ArrayMaxSize(PLATFORMS.length)
  @ArrayUnique()
  @IsIn(PLATFORMS, { each: true, message: `each of platforms must be one of ${PLATFORMS.join(', ')}` })
  platforms?: Platform[];

  @ApiPropertyOptional({ description: "Pause paid campaigns in scope; defaults to the playbook's rule, or true" })
  @IsOptional()
  @IsBoolean()
  pauseAds?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "Answers to the playbook's placeholder prompts, e.g. {\"incidentTime\": \"14:05 CET\"}",
  })
  @IsOptional()
  @IsObject({ message: 'placeholderValues must be an object of texts' })
  placeholderValues?: Record<string, unknown>;
}

export class DeactivateCrisisDto {
  @ApiPropertyOptional({ maxLength: 2000, description: 'How it ended; kept in the report' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;

  @ApiPropertyOptional({ default: true, description: 'Resume the campaigns this crisis paused (never those paused for another reason)' })
  @IsOptional()
  @IsBoolean()
  resumeCampaigns?: boolean;
}

export class CrisisNoteDto {
  @ApiProperty({ maxLength: 5000, description: 'A lesson learned or an observation, for the report' })
  @IsString({ message: 'text is required' })
  @Length(1, 5000)
  text: string;
}
