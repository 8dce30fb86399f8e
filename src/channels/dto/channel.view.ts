import { ApiProperty } from '@nestjs/swagger';
import type { Channel } from '../channel.entity';
import { Platform, PLATFORMS } from '../platform';

export class ChannelView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty() name: string;
  @ApiProperty() handle: string;
  @ApiProperty({ type: [String], description: 'Names of the credential fields that are set; values are never returned' })
  credentialFields: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) fallbackChannelIds: string[];
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
      createdAt: channel.createdAt,
      updatedAt: channel.updatedAt,
    };
  }
}
