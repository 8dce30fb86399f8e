import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { WEBHOOK_EVENT_TYPES } from '../webhook-event-types';
import type { WebhookEventType } from '../webhook-event-types';

export const WEBHOOK_URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, require_valid_protocol: true };

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.com/holdfast', maxLength: 2048, description: 'Where events are POSTed; http or https' })
  @IsString({ message: 'url must be a string' })
  @MaxLength(2048)
  @IsUrl(WEBHOOK_URL_OPTIONS, { message: 'url must be an absolute http(s) URL' })
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, example: ['crisis.activated', 'delivery.failed'] })
  @IsArray({ message: 'eventTypes must be an array' })
  @ArrayMinSize(1, { message: 'eventTypes must name at least one event type' })
  @ArrayUnique({ message: 'eventTypes must not repeat a type' })
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: `each of eventTypes must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` })
  eventTypes: WebhookEventType[];

  @ApiPropertyOptional({
    minLength: 16,
    maxLength: 256,
    description: 'The signing secret; generated when absent. Returned in this answer only, never afterwards',
  })
  @IsOptional()
  @IsString({ message: 'secret must be a string' })
  @Length(16, 256, { message: 'secret must be 16 to 256 characters' })
  @Matches(/^[\x21-\x7e]+$/, { message: 'secret must be printable ASCII without spaces' })
  secret?: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'On-call pager' })
  @IsOptional()
  @IsString()
  @Length(0, 200)
  description?: string;

  @ApiPropertyOptional({ default: true, description: 'An inactive webhook receives nothing' })
  @IsOptional()
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;
}
