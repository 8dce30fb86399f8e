import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';

export class RehearsePlaybookDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "Answers to the playbook's prompts, keyed by placeholder name",
    example: { eta: '14:00 CET' },
  })
  @IsOptional()
  @IsObject({ message: 'values must be an object keyed by placeholder name' })
  values?: Record<string, unknown>;
}
