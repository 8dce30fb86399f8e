import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { CreatePlaybookDto } from './create-playbook.dto';

/** Any field; the whole playbook is checked again as it will be after the change. */
export class UpdatePlaybookDto extends PartialType(CreatePlaybookDto) {
  @ApiPropertyOptional({ description: 'Why the change is made; kept in the audit trail', maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}
