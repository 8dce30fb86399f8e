// Publishes to a Telegram channel or group through the Bot API (axios): sendMessage, sendPhoto or sendMediaGroup.
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import axios, { type AxiosInstance } from 'axios';
import { Clock } from '../../common/clock';
import { NetworkPolicy } from '../../common/network-policy';
import type { Env } from '../../config/env';
import { readPostImages, type DownloadedImage } from '../image-download';
import { PublishError, type Publisher, type PublishRequest, type PublishResult, type VerifiedAccount, type VerifyRequest } from '../publisher.port';
import { publishing, verifying, type PlatformTerms, type Send } from '../send';
import { classifyTelegramFailure, migratedChatId } from './telegram-errors';

/** What sendPhoto takes as an uploaded photo (10 MB). */
const IMAGE_LIMITS = { mediaTypes: ['image/jpeg', 'image/png', 'image/webp'], maxBytes: 10 * 1024 * 1024, timeoutMs: 15_000 };
/** A media group holds 2 to 10 items. */
const MAX_IMAGES = 10;
const CAPTION_LIMIT = 1024;
const REQUEST_TIMEOUT_MS = 30_000;

export type TelegramParseMode = 'HTML' | 'MarkdownV2';

/** What a Telegram send may add to the port's request; absent, the text is sent as plain text. */
export interface TelegramPublishRequest extends PublishRequest {
  parseMode?: TelegramParseMode;
  /** Sent without a notification sound (disable_notification). */
  silent?: boolean;
}

/** The parts of the Bot API's Message, User and Chat a send reads. */
interface Message {
  message_id: number;
  chat: { id: number; username?: string; title?: string };
}
interface BotUser {
  id: number;
  username: string;
  first_name: string;
}
interface Chat {
  id: number;
  type: string;
  title?: string;
  username?: string;
  first_name?: string;
}
interface Answer<T> {
  ok: true;
  result: T;
}

@Injectable()
export class TelegramPublisher implements Publisher {
  readonly platform = 'telegram' as const;
  /** The Bot API has no idempotency key: a send whose answer was lost is checked by a person. */
  readonly idempotentSends = false;
  private readonly logger = new Logger(TelegramPublisher.name);
  private readonly baseUrl: string;
  /** Only the send* request publishes: a lost answer to a download leaves nothing in the chat. */
  private readonly terms: PlatformTerms = {
    name: 'Telegram',
    publishing: 'sending the message',
    item: 'message',
    tellsAbortReason: false,
    secretFields: ['botToken'],
    classify: (error) => classifyTelegramFailure(error, this.clock.now()),
  };

  constructor(
    config: ConfigService<Env, true>,
    private readonly clock: Clock,
    private readonly network: NetworkPolicy,
  ) {
    this.baseUrl = config.get('TELEGRAM_API_URL', { infer: true }).replace(/\/+$/, '');
  }

  publish(request: TelegramPublishRequest): Promise<PublishResult> {
    return publishing(this.terms, request, async (send) => {
      const { botToken, chatId } = readCredentials(request.credentials);
      const count = request.imageUrls.length + (request.media ?? []).length;
      if (count > MAX_IMAGES) {
        throw new PublishError({ kind: 'permanent', reason: `Telegram takes at most ${MAX_IMAGES} images per message` });
      }
      if (count > 0 && [...request.text].length > CAPTION_LIMIT) {
        throw new PublishError({ kind: 'permanent', reason: `A Telegram caption takes at most ${CAPTION_LIMIT} characters` });
      }
      // All read before anything is sent, so the one request that publishes (and its repeat to a migrated chat)
      // carries them all as uploaded parts. Telegram takes no alt text: the library's is not sent.
      const images = await readPostImages(this.network, request, IMAGE_LIMITS);
      const api = this.client(botToken, request.signal);
      let message: Message;
      try {
        message = await this.sendTo(api, chatId, images, send);
      } catch (error) {
        const movedTo = migratedChatId(error);
        if (movedTo === undefined) {
          throw error;
        }
        // The group became a supergroup: the old chat took nothing, so the same send goes to the new one.
        message = await this.sendTo(api, movedTo, images, send);
        await this.keepMovedChat(request, movedTo);
      }
      return { platformPostId: String(message.message_id), url: messageLink(message, chatId) };
    });
  }

  /** Reports the chat the bot posts to (getMe, then getChat); the handle is the chat's @username or its title. */
  verify(request: VerifyRequest): Promise<VerifiedAccount> {
    return verifying(this.terms, request, async () => {
      const { botToken, chatId } = readCredentials(request.credentials);
      const api = this.client(botToken, request.signal);
      await api.post<Answer<BotUser>>('getMe');
      const { data } = await api.post<Answer<Chat>>('getChat', { chat_id: chatId });
      const chat = data.result;
      const name = chat.title ?? chat.first_name ?? null;
      return {
        accountId: String(chat.id),
        handle: chat.username ? `@${chat.username}` : (name ?? String(chat.id)),
        displayName: name,
        url: chat.username ? `https://t.me/${chat.username}` : null,
      };
    });
  }

  /** An axios instance for one bot; its base URL holds the token, so neither the instance nor its errors are ever logged. */
  private client(botToken: string, signal?: AbortSignal): AxiosInstance {
    return axios.create({ baseURL: `${this.baseUrl}/bot${botToken}/`, timeout: REQUEST_TIMEOUT_MS, signal, maxRedirects: 0 });
  }

  private async sendTo(api: AxiosInstance, chatId: string, images: DownloadedImage[], send: Send<TelegramPublishRequest>): Promise<Message> {
    const { text, parseMode, silent } = send.request;
    const formatting = parseMode ? { parse_mode: parseMode } : {};
    const quiet = silent ? { disable_notification: true } : {};
    send.postRequested = true;
    if (images.length === 0) {
      const { data } = await api.post<Answer<Message>>('sendMessage', { chat_id: chatId, text, ...formatting, ...quiet });
      return data.result;
    }
    const form = new FormData();
    form.append('chat_id', chatId);
    if (silent) {
      form.append('disable_notification', 'true');
    }
    if (images.length === 1) {
      form.append('photo', asFile(images[0], 0));
      if (text !== '') {
        form.append('caption', text);
        if (parseMode) {
          form.append('parse_mode', parseMode);
        }
      }
      const { data } = await api.post<Answer<Message>>('sendPhoto', form);
      return data.result;
    }
    // An album: the caption on the first photo is the album's caption.
    const media = images.map((_image, index) => ({
      type: 'photo',
      media: `attach://photo${index}`,
      ...(index === 0 && text !== '' ? { caption: text, ...formatting } : {}),
    }));
    form.append('media', JSON.stringify(media));
    images.forEach((image, index) => form.append(`photo${index}`, asFile(image, index)));
    const { data } = await api.post<Answer<Message[]>>('sendMediaGroup', form);
    return data.result[0];
  }

  private async keepMovedChat(request: TelegramPublishRequest, chatId: string): Promise<void> {
    try {
      // Only over the chat id this send moved from: a chat or bot a person set meanwhile stays theirs.
      const from = request.credentials.chatId;
      await request.renewCredentials?.({ usable: (stored) => stored.chatId !== from, renew: (stored) => Promise.resolve({ ...stored, chatId }) });
      this.logger.log(`Channel ${request.channel.id}: the Telegram group moved to chat ${chatId}; kept (delivery ${request.deliveryId})`);
    } catch (error) {
      // The post went out: only the next send will find the old id again, and move again.
      this.logger.warn(`Channel ${request.channel.id}: could not keep the new Telegram chat id ${chatId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * https://t.me/<username>/<message_id> for a public channel or group (its @username, from the answer
 * or from the channel's chat id); a private chat has no public link.
 */
export function messageLink(message: Message, chatId: string): string | null {
  const username = message.chat.username ?? (chatId.startsWith('@') ? chatId.slice(1) : undefined);
  return username ? `https://t.me/${username}/${message.message_id}` : null;
}

function asFile(image: DownloadedImage, index: number): Blob {
  return new File([image.bytes], `photo${index}.${image.mediaType.split('/')[1]}`, { type: image.mediaType });
}

function readCredentials(raw: Record<string, string>): { botToken: string; chatId: string } {
  const { botToken, chatId } = raw;
  if (!botToken || !chatId) {
    throw new PublishError({ kind: 'auth_expired', reason: 'The channel has no usable Telegram bot token and chat id: reconnect the channel' });
  }
  return { botToken, chatId };
}
