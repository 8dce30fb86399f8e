import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, IsObject, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { PLACEHOLDER_NAME } from '../../templates/placeholders';

export const MAX_OFFSET_MINUTES = 10080;

/** A replacement message: an approved template version sent on channels at an offset from activation. */
export class PlaybookMessageDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'templateId must be a UUID' })
  templateId: string;

  @ApiProperty({ minimum: 1, description: 'An approved version of the template' })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647, { message: 'templateVersion is not a version number' })
  templateVersion: number;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Channels of this workspace to send it on' })
  @IsArray()
  @ArrayMinSize(1, { message: 'channelIds must name at least one channel' })
  @ArrayMaxSize(20)
  @ArrayUnique({ message: 'channelIds must not repeat a channel' })
  @IsUUID('all', { each: true, message: 'each of channelIds must be a UUID' })
  channelIds: string[];

  @ApiProperty({ minimum: 0, maximum: MAX_OFFSET_MINUTES, description: 'Minutes after activation (0: as soon as it is approved)' })
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET_MINUTES)
  offsetMinutes: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Placeholder values decided in advance',
    example: { service: 'Checkout' },
  })
  @IsOptional()
  @IsObject({ message: 'values must be an object keyed by placeholder name' })
  values?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], description: 'Placeholders whose value the crisis lead gives at activation', example: ['eta'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique({ message: 'prompts must not repeat a placeholder' })
  @Matches(PLACEHOLDER_NAME, { each: true, message: 'each of prompts must be a placeholder name' })
  prompts?: string[];
}
