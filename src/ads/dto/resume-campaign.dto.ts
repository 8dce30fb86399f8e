import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Length, Matches, IsOptional } from 'class-validator';
import { PAUSE_TAG } from '../budget-policy';

export class ResumeCampaignDto {
  @ApiProperty({ description: 'Why, for the audit trail', maxLength: 500 })
  @IsString({ message: 'reason is required: say why' })
  @Length(1, 500, { message: 'reason must be 1 to 500 characters' })
  reason: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['manual'],
    description:
      'The pause reasons to clear (default: manual). The campaign resumes only when no reason is left; a reason not cleared answers 409 naming it. ' +
      'A crisis reason can be cleared only once its crisis ended; budget_cap only once spend is under the caps.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @Matches(PAUSE_TAG, { each: true, message: 'each of clearReasons must be manual, budget_cap or a tag such as crisis:<id>' })
  clearReasons?: string[];
}
