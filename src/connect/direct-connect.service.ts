// Platforms connected without a sign-in page (issue 15): Bluesky with a handle and an app password, Telegram
// with a bot token and a chat. Each is checked against the platform before anything is kept.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ChannelsService } from '../channels/channels.service';
import { ChannelView } from '../channels/dto/channel.view';
import type { Principal } from '../common/principal';
import type { BlueskyConnectDto, TelegramConnectDto } from './dto/connect.dto';
import type { ConnectedChannelView } from './dto/connect.view';
import type { ConnectableAccount } from './oauth-provider';

@Injectable()
export class DirectConnectService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly channels: ChannelsService,
  ) {}

  bluesky(principal: Principal, dto: BlueskyConnectDto): Promise<ConnectedChannelView> {
    throw new Error(`not built yet ${principal.memberId} ${dto.handle}`);
  }

  telegram(principal: Principal, dto: TelegramConnectDto): Promise<ConnectedChannelView> {
    throw new Error(`not built yet ${principal.memberId} ${dto.chatId}`);
  }

  /** Keeps a checked account as a channel (new, or the one reconnected). */
  protected async keep(principal: Principal, platform: 'bluesky' | 'telegram', account: ConnectableAccount, channelId: string | undefined): Promise<ConnectedChannelView> {
    const { channel, reconnected } = await this.dataSource.transaction((manager) => this.channels.connectAccount(manager, principal, platform, account, channelId ?? null));
    return { channel: ChannelView.of(channel), reconnected };
  }
}
