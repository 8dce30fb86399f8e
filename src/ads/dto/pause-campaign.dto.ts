import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class PauseCampaignDto {
  @ApiProperty({ description: 'Why, for the audit trail and the campaign (the pause reason recorded is manual)', maxLength: 500 })
  @IsString({ message: 'reason is required: say why' })
  @Length(1, 500, { message: 'reason must be 1 to 500 characters' })
  reason: string;
}
