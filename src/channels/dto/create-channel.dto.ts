import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { FAILOVER_POLICIES, type FailoverPolicy, MAX_FAILOVER_AFTER_MINUTES } from '../failover-policies';
import { Platform, PLATFORMS } from '../platform';

export const MAX_FALLBACKS = 5;

export class CreateChannelDto {
  @ApiProperty({ enum: PLATFORMS, example: 'mastodon' })
  @IsIn(PLATFORMS, { message: `platform must be one of ${PLATFORMS.join(', ')}` })
  platform: Platform;

  @ApiProperty({ example: 'Brand on Mastodon', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ example: '@brand@mastodon.social', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  handle: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Platform credentials, encrypted at rest and never returned. x: {authType: oauth2, accessToken, refreshToken?, clientId?, clientSecret?, expiresAt?} ' +
      'or {authType: oauth1, appKey, appSecret, accessToken, accessSecret}; facebook: {pageId, pageAccessToken}; ' +
      'instagram: {igUserId, accessToken}; linkedin: {authorUrn, accessToken, refreshToken?, clientId?, clientSecret?}; ' +
      'mastodon: {instanceUrl, accessToken}; bluesky: {identifier, appPassword, serviceUrl?}; telegram: {botToken, chatId}',
    example: { instanceUrl: 'https://mastodon.social', accessToken: '…' },
  })
  @IsObject({ message: 'credentials must be an object' })
  credentials: Record<string, unknown>;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: `Channels of this workspace to fall back to when this platform is down, in order (at most ${MAX_FALLBACKS})`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FALLBACKS)
  @ArrayUnique({ message: 'fallbackChannelIds must not repeat a channel' })
  @IsUUID('all', { each: true, message: 'each of fallbackChannelIds must be a UUID' })
  fallbackChannelIds?: string[];

  @ApiPropertyOptional({
    enum: FAILOVER_POLICIES,
    default: 'off',
    description:
      'When this platform is degraded (its circuit breaker open): off, deliveries wait for it; manual, they are listed at ' +
      'GET /api/failover/candidates for a person to confirm; auto, they go to the fallbacks once failoverAfterMinutes late',
  })
  @IsOptional()
  @IsIn(FAILOVER_POLICIES, { message: `failoverPolicy must be one of ${FAILOVER_POLICIES.join(', ')}` })
  failoverPolicy?: FailoverPolicy;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_FAILOVER_AFTER_MINUTES, example: 15, description: 'auto: minutes late before a delivery fails over' })
  @IsOptional()
  @IsInt({ message: `failoverAfterMinutes must be a whole number of minutes from 1 to ${MAX_FAILOVER_AFTER_MINUTES}` })
  @Min(1, { message: `failoverAfterMinutes must be a whole number of minutes from 1 to ${MAX_FAILOVER_AFTER_MINUTES}` })
  @Max(MAX_FAILOVER_AFTER_MINUTES, { message: `failoverAfterMinutes must be a whole number of minutes from 1 to ${MAX_FAILOVER_AFTER_MINUTES}` })
  failoverAfterMinutes?: number;
}
