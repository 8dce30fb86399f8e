import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class ApproveDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  comment?: string;
}

export class RejectDto {
  @ApiProperty({ maxLength: 2000, description: 'What must change: required, the author reads it' })
  @IsString({ message: 'comment is required: say what must change' })
  @Length(1, 2000)
  comment: string;
}
