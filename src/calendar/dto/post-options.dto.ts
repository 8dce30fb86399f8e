// Per-post options a platform takes beside the text: Mastodon's visibility, content warning and language,
// Telegram's parse mode and silent sending, Bluesky's languages. Each publisher reads its own.
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

const ISO_639_1 = /^[a-z]{2}$/;
const BCP_47 = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;

export class MastodonOptionsDto {
  @ApiPropertyOptional({ enum: ['public', 'unlisted', 'private', 'direct'], default: 'public', description: 'Who sees the status: private is followers only' })
  @IsOptional()
  @IsIn(['public', 'unlisted', 'private', 'direct'], { message: 'options.mastodon.visibility must be public, unlisted, private or direct' })
  visibility?: 'public' | 'unlisted' | 'private' | 'direct';

  @ApiPropertyOptional({ maxLength: 500, description: 'A content warning shown before the text (spoiler_text)' })
  @IsOptional()
  @IsString({ message: 'options.mastodon.spoilerText must be text' })
  @MaxLength(500, { message: 'options.mastodon.spoilerText must be at most 500 characters' })
  spoilerText?: string;

  @ApiPropertyOptional({ example: 'es', description: 'ISO 639-1 language of the text' })
  @IsOptional()
  @Matches(ISO_639_1, { message: 'options.mastodon.language must be an ISO 639-1 code such as en or es' })
  language?: string;
}

export class TelegramOptionsDto {
  @ApiPropertyOptional({ enum: ['HTML', 'MarkdownV2'], description: "How Telegram reads the text's formatting; plain text when absent" })
  @IsOptional()
  @IsIn(['HTML', 'MarkdownV2'], { message: 'options.telegram.parseMode must be HTML or MarkdownV2' })
  parseMode?: 'HTML' | 'MarkdownV2';

  @ApiPropertyOptional({ description: 'Send without a notification sound (disable_notification)' })
  @IsOptional()
  @IsBoolean({ message: 'options.telegram.silent must be true or false' })
  silent?: boolean;
}

export class BlueskyOptionsDto {
  @ApiPropertyOptional({ type: [String], maxItems: 3, example: ['es', 'ca'], description: "BCP 47 languages of the text (the record's langs); BLUESKY_LANGS when absent" })
  @IsOptional()
  @IsArray({ message: 'options.bluesky.languages must be a list of language tags' })
  @ArrayMaxSize(3, { message: 'options.bluesky.languages takes at most 3 tags' })
  @Matches(BCP_47, { each: true, message: 'each of options.bluesky.languages must be a BCP 47 tag such as en or pt-BR' })
  languages?: string[];
}

export class PostOptionsDto {
  @ApiPropertyOptional({ type: MastodonOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MastodonOptionsDto)
  mastodon?: MastodonOptionsDto;

  @ApiPropertyOptional({ type: TelegramOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TelegramOptionsDto)
  telegram?: TelegramOptionsDto;

  @ApiPropertyOptional({ type: BlueskyOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => BlueskyOptionsDto)
  bluesky?: BlueskyOptionsDto;
}
