import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class HoldPostDto {
  @ApiPropertyOptional({ description: 'Why it is held (or released); kept in the audit trail', maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}
