// Platforms connected without a sign-in page (issue 15): Bluesky with a handle and an app password, Telegram
// with a bot token and a chat. Each is checked against the platform before anything is kept.
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AccountMismatchError, ChannelsService } from '../channels/channels.service';
import type { Channel } from '../channels/channel.entity';
import { ChannelView } from '../channels/dto/channel.view';
import { DomainError } from '../common/domain-error';
import { NetworkPolicy } from '../common/network-policy';
import type { Principal } from '../common/principal';
import type { Env } from '../config/env';
import { BlueskyAccountCheck } from './bluesky-account-check';
import type { BlueskyConnectDto, TelegramConnectDto } from './dto/connect.dto';
import type { ConnectedChannelView } from './dto/connect.view';
import type { ConnectableAccount } from './oauth-provider';
import { TelegramChatCheck } from './telegram-chat-check';

type DirectPlatform = 'bluesky' | 'telegram';

@Injectable()
export class DirectConnectService {
  private readonly logger = new Logger(DirectConnectService.name);
  private readonly blueskyCheck: BlueskyAccountCheck;
  private readonly telegramCheck: TelegramChatCheck;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly channels: ChannelsService,
    network: NetworkPolicy,
    config: ConfigService<Env, true>,
  ) {
    this.blueskyCheck = new BlueskyAccountCheck(network, config.get('BLUESKY_SERVICE_URL', { infer: true }), config.get('BLUESKY_PLC_URL', { infer: true }));
    this.telegramCheck = new TelegramChatCheck(config.get('TELEGRAM_API_URL', { infer: true }).replace(/\/+$/, ''));
  }

  async bluesky(principal: Principal, dto: BlueskyConnectDto): Promise<ConnectedChannelView> {
    const reconnecting = await this.reconnecting(principal, 'bluesky', dto.channelId);
    const found = await this.blueskyCheck.check(dto.handle, dto.appPassword);
    if (reconnecting?.accountId && reconnecting.accountId !== found.did) {
      throw DomainError.invalid(
        `The app password is for @${found.handle}, but channel "${reconnecting.name}" posts as ${reconnecting.handle}: give that account's handle and app password, or connect a new channel`,
      );
    }
    const account: ConnectableAccount = {
      accountId: found.did,
      name: found.handle,
      handle: `@${found.handle}`,
      kind: 'member',
      credentials: { identifier: found.did, appPassword: dto.appPassword, serviceUrl: found.pdsUrl },
    };
    return this.keep(principal, 'bluesky', account, dto.channelId);
  }

  async telegram(principal: Principal, dto: TelegramConnectDto): Promise<ConnectedChannelView> {
    const reconnecting = await this.reconnecting(principal, 'telegram', dto.channelId);
    const chat = await this.telegramCheck.check(dto.botToken.trim(), dto.chatId);
    if (reconnecting?.accountId && reconnecting.accountId !== chat.chatId) {
      const given = chat.username ? `@${chat.username}` : chat.title;
      throw DomainError.invalid(
        `${given} is another chat than the one channel "${reconnecting.name}" posts to (${reconnecting.handle}): give that chat, or connect ${given} as a new channel`,
      );
    }
    const account: ConnectableAccount = {
      accountId: chat.chatId,
      name: chat.title,
      handle: chat.username ? `@${chat.username}` : chat.title,
      kind: chat.type,
      credentials: { botToken: dto.botToken.trim(), chatId: chat.chatId },
    };
    return this.keep(principal, 'telegram', account, dto.channelId);
  }

  /** A reconnect names a channel of this workspace and platform: refused before the platform is asked anything. */
  private async reconnecting(principal: Principal, platform: DirectPlatform, channelId: string | undefined): Promise<Channel | undefined> {
    if (!channelId) {
      return undefined;
    }
    const channel = await this.channels.get(principal, channelId).catch((error: unknown) => {
      throw error instanceof DomainError ? DomainError.invalid(`channelId: ${error.message} in this workspace`) : error;
    });
    if (channel.platform !== platform) {
      throw DomainError.invalid(`Channel ${channelId} is a ${channel.platform} channel, not ${platform}: reconnect it with POST /api/channels/connect/${channel.platform}`);
    }
    return channel;
  }

  /** Keeps a checked account as a channel (new, or the one reconnected). */
  protected async keep(principal: Principal, platform: DirectPlatform, account: ConnectableAccount, channelId: string | undefined): Promise<ConnectedChannelView> {
    try {
      const { channel, reconnected } = await this.dataSource.transaction((manager) => this.channels.connectAccount(manager, principal, platform, account, channelId ?? null));
      this.logger.log({ channelId: channel.id, platform, accountId: account.accountId, reconnected, requestId: principal.requestId }, `Connected ${platform} account ${account.handle}`);
      return { channel: ChannelView.of(channel), reconnected };
    } catch (error) {
      // The channel was connected to another account between the check above and this transaction.
      if (error instanceof AccountMismatchError) {
        throw DomainError.invalid(error.message);
      }
      throw error;
    }
  }
}
