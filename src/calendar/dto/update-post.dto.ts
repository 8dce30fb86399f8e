import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { CreatePostDto } from './create-post.dto';

/** Any field of a post; content changes void its approvals, a new scheduledAt reschedules it. */
export class UpdatePostDto extends PartialType(OmitType(CreatePostDto, ['templateId', 'templateVersion', 'placeholderValues'] as const)) {
  @ApiPropertyOptional({ description: 'Why the change is made; kept in the audit trail', maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}
