import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';

export class RehearsePlaybookDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "Answers to the playbook's prompts, keyed by placeholder name: the same field POST /api/crisis/activate takes",
    example: { eta: '14:00 CET' },
  })
  @IsOptional()
  @IsObject({ message: 'placeholderValues must be an object keyed by placeholder name' })
  placeholderValues?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    deprecated: true,
    description: 'Deprecated alias of placeholderValues (its name before activation and rehearsal shared one); give one of the two',
  })
  @IsOptional()
  @IsObject({ message: 'values must be an object keyed by placeholder name' })
  values?: Record<string, unknown>;
}
