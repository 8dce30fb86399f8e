import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { PostOptionsDto } from './post-options.dto';
import { IsPublicUrl } from '../../common/network-policy';

/** Versions are PostgreSQL integers: a larger number names no version (and must not reach the database). */
const MAX_VERSION = 2_147_483_647;

const HTTPS_URL = { protocols: ['https', 'http'], require_protocol: true, require_tld: false };

export class CreatePostDto {
  @ApiPropertyOptional({ example: 'Our autumn menu is here 🍂', maxLength: 10000, description: 'Required unless the post is made from a template (templateId)' })
  @IsOptional()
  @IsString()
  @Length(1, 10000)
  text?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Make the post from an approved template version instead of text (with templateVersion)' })
  @IsOptional()
  @IsUUID('all', { message: 'templateId must be a UUID' })
  templateId?: string;

  @ApiPropertyOptional({ minimum: 1, description: 'The approved version of templateId to use' })
  @IsOptional()
  @IsInt({ message: 'templateVersion must be an integer' })
  @Min(1)
  @Max(MAX_VERSION, { message: 'templateVersion is not a version number' })
  templateVersion?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "Values for the template's placeholders, keyed by name (with templateId)",
    example: { eta: '14:00 CET' },
  })
  @IsOptional()
  @IsObject({ message: 'placeholderValues must be an object keyed by placeholder name' })
  placeholderValues?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Text to use instead of `text` on a platform, e.g. {"x": "shorter text"}',
    example: { x: 'Autumn menu 🍂' },
  })
  @IsOptional()
  @IsObject({ message: 'platformText must be an object keyed by platform' })
  platformText?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], description: 'Public image URLs (the platforms fetch them)', maxItems: 10 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsUrl(HTTPS_URL, { each: true, message: 'each of imageUrls must be an http(s) URL' })
  @IsPublicUrl({ each: true })
  @MaxLength(2000, { each: true })
  imageUrls?: string[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: 20,
    description: "Library media (POST /api/media), in order; checked against every target platform's limits now (size, type, count, aspect ratio, alt text length)",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true, message: 'each of mediaIds must be a media item id (a UUID)' })
  mediaIds?: string[];

  @ApiPropertyOptional({ type: PostOptionsDto, description: "Options by platform beside the text (Mastodon's visibility, content warning and language; Telegram's parse mode and silent; Bluesky's languages)" })
  @IsOptional()
  @IsObject({ message: 'options must be an object keyed by platform' })
  @ValidateNested()
  @Type(() => PostOptionsDto)
  options?: PostOptionsDto;

  @ApiPropertyOptional({ example: 'https://example.com/autumn', description: 'A link shown with the post' })
  @IsOptional()
  @IsUrl(HTTPS_URL, { message: 'link must be an http(s) URL' })
  @MaxLength(2000)
  link?: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Channels of this workspace to publish to (one delivery each)' })
  @IsArray()
  @ArrayMinSize(1, { message: 'channelIds must name at least one channel' })
  @ArrayMaxSize(20)
  @ArrayUnique({ message: 'channelIds must not repeat a channel' })
  @IsUUID('all', { each: true, message: 'each of channelIds must be a UUID' })
  channelIds: string[];

  @ApiPropertyOptional({
    example: '2027-03-28T09:30',
    description:
      'When to publish, ISO 8601: an instant with its offset (2027-03-28T09:30:00+02:00), or a wall-clock time without one (2027-03-28T09:30) read in timeZone, ' +
      'which is then required. A wall-clock time the clocks skip (02:30 on the spring-forward night in Europe/Madrid) is refused with a 400 naming the nearest ' +
      'valid times before and after; one they show twice (the autumn overlap) is the earlier of the two instants. Required unless publishNow is true; never in the past.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  scheduledAt?: string;

  @ApiPropertyOptional({ description: 'Publish at once (scheduledAt is then ignored)', default: false })
  @IsOptional()
  @IsBoolean()
  publishNow?: boolean;

  @ApiPropertyOptional({
    example: 'Europe/Madrid',
    description:
      "IANA time zone the post is planned in: a wall-clock scheduledAt is read in it (required then), answers show the post's times in it " +
      '(scheduledAtLocal, dueAtLocal) beside UTC, and calendar days group by it. On an edit, a wall-clock scheduledAt without timeZone is read in the post\'s zone.',
    default: 'UTC',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @ApiPropertyOptional({ type: [String], example: ['autumn-campaign'], maxItems: 20 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(/^[\p{L}\p{N}_\- ]{1,50}$/u, { each: true, message: 'each of labels must be 1 to 50 letters, digits, spaces, - or _' })
  labels?: string[];
}
