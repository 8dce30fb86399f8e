import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

export class StartConnectDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Reconnect this channel (it must reach the same account) instead of connecting a new one' })
  @IsOptional()
  @IsUUID('all', { message: 'channelId must be the UUID of a channel of this workspace' })
  channelId?: string;

  @ApiPropertyOptional({ example: 'mastodon.social', description: 'Mastodon: the instance the account is on (a host name or https URL)' })
  @IsOptional()
  @IsString({ message: 'instanceUrl must be a host name such as mastodon.social or an https URL' })
  @MinLength(3, { message: 'instanceUrl must be a host name such as mastodon.social or an https URL' })
  @MaxLength(300, { message: 'instanceUrl must be at most 300 characters' })
  instanceUrl?: string;
}

export class ChooseAccountsDto {
  @ApiProperty({ type: [String], description: 'The accountId of each account to connect, from GET /api/channels/connect/sessions/{id}' })
  @IsArray({ message: 'accountIds must be a list of account ids' })
  @ArrayMinSize(1, { message: 'accountIds must name at least one account to connect' })
  @ArrayMaxSize(50, { message: 'accountIds names at most 50 accounts' })
  @ArrayUnique({ message: 'accountIds must not repeat an account' })
  @IsString({ each: true, message: 'each of accountIds must be a string' })
  @MaxLength(200, { each: true, message: 'each of accountIds must be at most 200 characters' })
  accountIds: string[];
}

export class BlueskyConnectDto {
  @ApiProperty({ example: 'brand.bsky.social', description: 'The handle (or DID) of the account' })
  @IsString({ message: 'handle must be a handle such as brand.bsky.social' })
  @MaxLength(253, { message: 'handle must be at most 253 characters' })
  @Matches(/^@?(did:(plc|web):[A-Za-z0-9._:%-]{1,200}|[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)$/, {
    message: 'handle must be a handle such as brand.bsky.social or a DID',
  })
  handle: string;

  @ApiProperty({ example: 'abcd-efgh-ijkl-mnop', description: 'An app password made in Bluesky: Settings → Privacy and security → App passwords (not the account password)' })
  // One rule, so a missing or empty value gets one message, not three.
  @Matches(/^[\s\S]{1,200}$/, { message: 'appPassword is required: an app password made in Bluesky → Settings → Privacy and security → App passwords, such as abcd-efgh-ijkl-mnop (at most 200 characters)' })
  appPassword: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Reconnect this channel instead of connecting a new one' })
  @IsOptional()
  @IsUUID('all', { message: 'channelId must be the UUID of a channel of this workspace' })
  channelId?: string;
}

export class TelegramConnectDto {
  @ApiProperty({ example: '123456789:AAE-example-token-from-BotFather-0123456', description: 'The bot token @BotFather gave' })
  @Matches(/^[\s\S]{1,200}$/, { message: 'botToken is required: the token @BotFather gave, such as 123456789:AAE… (at most 200 characters)' })
  botToken: string;

  @ApiProperty({ example: '@brandchannel', description: 'The channel or group: its @username, or its numeric id (-100…)' })
  @Matches(/^[\s\S]{1,100}$/, { message: 'chatId is required: the channel or group, by its @username or its numeric id such as -1001234567890 (at most 100 characters)' })
  chatId: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Reconnect this channel instead of connecting a new one' })
  @IsOptional()
  @IsUUID('all', { message: 'channelId must be the UUID of a channel of this workspace' })
  channelId?: string;
}
