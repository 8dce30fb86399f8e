import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUrl, Length, MaxLength } from 'class-validator';

export const RESOLUTIONS = ['published', 'resend', 'drop'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export class ResolveDeliveryDto {
  @ApiProperty({
    enum: RESOLUTIONS,
    description:
      'What a person found: published (it is on the platform), resend (it is not; send it again now), drop (it is not; do not send it). ' +
      'needs_verification accepts all three; failed accepts resend and drop.',
  })
  @IsIn(RESOLUTIONS, { message: `outcome must be one of ${RESOLUTIONS.join(', ')}` })
  outcome: Resolution;

  @ApiProperty({ description: 'What was checked, for the audit trail', maxLength: 1000 })
  @IsString({ message: 'note is required: say what you checked' })
  @Length(1, 1000)
  note: string;

  @ApiPropertyOptional({ description: "The platform's id of the post, when published" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  platformPostId?: string;

  @ApiPropertyOptional({ description: 'Public URL of the post, when published' })
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true }, { message: 'url must be an http(s) URL' })
  @MaxLength(2000)
  url?: string;
}
