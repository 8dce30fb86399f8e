import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';
import { Platform, PLATFORMS } from '../../channels/platform';

export class PreviewTemplateDto {
  @ApiPropertyOptional({ minimum: 1, description: 'The version to fill; the latest when left out' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647) // the column's integer range: beyond it PostgreSQL refuses the query
  version?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'A value per placeholder, inserted as plain text',
    example: { service: 'Checkout', eta: '14:00 CET' },
  })
  @IsOptional()
  @IsObject({ message: 'values must be an object keyed by placeholder name' })
  values?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: PLATFORMS, isArray: true, description: 'Platforms whose limits to check; every platform when left out' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(PLATFORMS, { each: true, message: `each of platforms must be one of ${PLATFORMS.join(', ')}` })
  platforms?: Platform[];
}
