import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PLATFORMS, type Platform } from '../../channels/platform';
import { ChannelView } from '../../channels/dto/channel.view';

export const CONNECT_METHODS = ['oauth', 'app_password', 'bot_token'] as const;
export type ConnectMethod = (typeof CONNECT_METHODS)[number];

export class ConnectPlatformView {
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty({ enum: CONNECT_METHODS, description: 'oauth: a Connect button (the platform asks the person); app_password: Bluesky; bot_token: Telegram' })
  method: ConnectMethod;
  @ApiProperty({ description: 'Whether this service can connect the platform; false: set the variables in missing and restart' })
  configured: boolean;
  @ApiProperty({ type: [String], description: 'The configuration variables still to set' })
  missing: string[];
  @ApiPropertyOptional({ description: "oauth: the redirect URI to register in the platform's developer settings" })
  redirectUri?: string;
}

export class ConnectPlatformsView {
  @ApiProperty({ type: [ConnectPlatformView] }) platforms: ConnectPlatformView[];
}

export class ConnectStartView {
  @ApiProperty({ description: "The platform's consent page: open it in the browser signed in to the console (the callback checks it is the same person)" })
  authorizeUrl: string;
  @ApiProperty({ format: 'date-time', description: 'The flow must come back before this (10 minutes)' })
  expiresAt: Date;
}

export class ConnectableAccountView {
  @ApiProperty() accountId: string;
  @ApiProperty() name: string;
  @ApiProperty() handle: string;
  @ApiProperty({ description: 'member or organization (LinkedIn), page (Facebook), instagram' }) kind: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The channel that already reaches this account (choosing it reconnects that channel)' })
  channelId: string | null;
}

export class ConnectSessionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Set when the flow reconnects this channel: choose its account' })
  channelId: string | null;
  @ApiProperty({ format: 'date-time' }) expiresAt: Date;
  @ApiProperty({ type: [ConnectableAccountView] }) accounts: ConnectableAccountView[];
}

export class ConnectedView {
  @ApiProperty({ type: [ChannelView] }) channels: ChannelView[];
}

export class ConnectedChannelView {
  @ApiProperty({ type: ChannelView }) channel: ChannelView;
  @ApiProperty({ description: 'true when an existing channel was reconnected rather than a new one created' }) reconnected: boolean;
}
