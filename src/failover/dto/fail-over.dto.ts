import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { MAX_FALLBACKS } from '../../channels/dto/create-channel.dto';

/** A person confirms a failover: to every usable fallback of the channel, or to the ones named. */
export class FailOverDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: "Only these of the channel's fallbacks (default: every fallback that can take the post)",
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'channelIds must name at least one fallback channel when given' })
  @ArrayMaxSize(MAX_FALLBACKS)
  @ArrayUnique({ message: 'channelIds must not repeat a channel' })
  @IsUUID('all', { each: true, message: 'each of channelIds must be a UUID' })
  channelIds?: string[];

  @ApiProperty({ description: 'Why, for the audit trail', maxLength: 1000, example: 'Facebook is down; sending to Mastodon and Telegram instead' })
  @IsString({ message: 'reason is required: say why this delivery fails over' })
  @Length(1, 1000, { message: 'reason must be 1 to 1000 characters' })
  reason: string;
}
