import { ApiProperty } from '@nestjs/swagger';
import type { Channel } from '../channel.entity';
import { FAILOVER_POLICIES, type FailoverPolicy } from '../failover-policies';
import { CHANNEL_STATUSES, type ChannelStatus } from '../channel-status';
import { Platform, PLATFORMS } from '../platform';

export class ChannelView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty() name: string;
  @ApiProperty() handle: string;
  @ApiProperty({ type: [String], description: 'Names of the credential fields that are set; values are never returned' })
  credentialFields: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) fallbackChannelIds: string[];
  @ApiProperty({ enum: FAILOVER_POLICIES, description: 'What happens when this platform is degraded: off, manual (a person confirms) or auto' })
  failoverPolicy: FailoverPolicy;
  @ApiProperty({ type: Number, nullable: true, description: 'auto: minutes late before a delivery goes to the fallbacks' })
  failoverAfterMinutes: number | null;
  @ApiProperty({
    enum: CHANNEL_STATUSES,
    description: 'needs_reauth: the platform refused the credentials; nothing is sent to this channel (its due deliveries wait) until a connection check succeeds or the credentials are replaced',
  })
  status: ChannelStatus;
  @ApiProperty({ type: String, nullable: true, description: "Why the channel needs reconnecting, in the platform's words" })
  statusReason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When a connection check (verify) last succeeded' })
  lastVerifiedAt: Date | null;
  @ApiProperty({ type: String, nullable: true, description: "The platform's id of the account the channel reaches, set when it was connected with a Connect button" })
  accountId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;

  static of(channel: Channel): ChannelView {
    return {
      id: channel.id,
      platform: channel.platform,
      name: channel.name,
      handle: channel.handle,
      credentialFields: channel.credentialFields,
      fallbackChannelIds: channel.fallbackChannelIds,
      failoverPolicy: channel.failoverPolicy,
      failoverAfterMinutes: channel.failoverAfterMinutes,
      status: channel.status,
      statusReason: channel.statusReason,
      lastVerifiedAt: channel.lastVerifiedAt,
      accountId: channel.accountId,
      createdAt: channel.createdAt,
      updatedAt: channel.updatedAt,
    };
  }
}
