import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';

export class ApproveTemplateDto {
  @ApiProperty({ minimum: 1, description: 'The version approved: that exact content, and no other' })
  @IsInt({ message: 'version must be the number of the version you approve' })
  @Min(1)
  version: number;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  comment?: string;
}

export class RejectTemplateDto {
  @ApiProperty({ minimum: 1, description: 'The version sent back (or whose approval is withdrawn)' })
  @IsInt({ message: 'version must be the number of the version you reject' })
  @Min(1)
  version: number;

  @ApiProperty({ maxLength: 2000, description: 'What must change: required, the author reads it' })
  @IsString({ message: 'comment is required: say what must change' })
  @Length(1, 2000)
  comment: string;
}
