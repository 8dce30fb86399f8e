import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PLATFORMS } from '../../channels/platform';
import { DELIVERY_STATES } from '../../dispatch/delivery-state';

export class CalendarQueryDto {
  @ApiProperty({ example: '2026-12-01T00:00:00+01:00', description: 'Start of the range (inclusive), ISO 8601 with an offset' })
  @IsString()
  @MaxLength(40)
  from: string;

  @ApiProperty({ example: '2027-01-01T00:00:00+01:00', description: 'End of the range (exclusive); at most 366 days after from' })
  @IsString()
  @MaxLength(40)
  to: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only posts with a delivery to this channel' })
  @IsOptional()
  @IsUUID()
  channelId?: string;

  @ApiPropertyOptional({ enum: PLATFORMS, description: 'Only posts with a delivery to this platform' })
  @IsOptional()
  @IsIn(PLATFORMS, { message: `platform must be one of ${PLATFORMS.join(', ')}` })
  platform?: string;

  @ApiPropertyOptional({ enum: DELIVERY_STATES, description: 'Only posts with a delivery in this state' })
  @IsOptional()
  @IsIn(DELIVERY_STATES, { message: `status must be one of ${DELIVERY_STATES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ description: 'Only posts with this label' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  label?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only posts written by this member' })
  @IsOptional()
  @IsUUID()
  authorId?: string;

  @ApiPropertyOptional({ enum: ['day'], description: 'Group the page by local day in tz' })
  @IsOptional()
  @IsIn(['day'], { message: 'groupBy must be day' })
  groupBy?: 'day';

  @ApiPropertyOptional({ example: 'Europe/Madrid', description: 'IANA zone for groupBy=day (default UTC)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  tz?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
