import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';

export class PlaceholderValuesDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Values for the placeholders the draft misses, keyed by name',
    example: { eta: '14:00 CET' },
  })
  @IsObject({ message: 'placeholderValues must be an object keyed by placeholder name' })
  placeholderValues: Record<string, unknown>;
}
