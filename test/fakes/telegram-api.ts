// A local Telegram Bot API for tests: getMe, getChat, getChatMember, sendMessage, sendPhoto, sendMediaGroup, with Telegram's error answers and flood limits.
// Whether a bot may send follows from its membership in the chat (administrator with can_post_messages in a channel; a member not restricted in a group).
import { randomBytes, randomInt } from 'node:crypto';
import { FakeServer, type Fault, type ReceivedRequest, type Reply } from './fake-server';
import { TEST_PNG } from './x-api';

/** Telegram's advice: no more than about 20 messages per minute to one group or channel. */
const MESSAGES_PER_MINUTE_PER_CHAT = 20;
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
/** The Bot API's limit on a photo sent by upload. */
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
/** Characters MarkdownV2 reserves that never open an entity, so an unescaped one is always an error. */
const MARKDOWN_V2_RESERVED = /(^|[^\\])([.!#+=\-{}])/;
const HTML_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'code', 'pre', 'blockquote', 'tg-emoji']);

export interface TelegramFault extends Fault {
  /** Answer `{ok: false, error_code: status, description}`. */
  status?: number;
  description?: string;
  /** For 429: parameters.retry_after, in seconds. */
  retryAfter?: number;
}

/** A bot's ChatMember in a chat (the Bot API's ChatMemberOwner … ChatMemberBanned, the fields that decide sending). */
export interface FakeMember {
  status: 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';
  /** Channels: an administrator's 'Post messages' right. */
  can_post_messages?: boolean;
  /** restricted: false when the bot may not send. */
  can_send_messages?: boolean;
  /** restricted: whether it is still in the chat. */
  is_member?: boolean;
}

export interface FakeChat {
  id: number;
  type: 'channel' | 'group' | 'supergroup' | 'private';
  /** Channels and groups. */
  title?: string;
  /** A private chat's person. */
  first_name?: string;
  username?: string;
  /** Groups: what plain members may do (getChat's permissions). */
  permissions?: { can_send_messages: boolean };
  /** The bots' memberships, by bot id; absent: the bot never joined (left). */
  members: Map<number, FakeMember>;
  /** Set when a group was upgraded: sends to it answer 400 with migrate_to_chat_id. */
  migratedTo?: number;
}

/** A posting administrator of a channel. */
const CHANNEL_POSTER: FakeMember = { status: 'administrator', can_post_messages: true };

export interface SentMessage {
  chatId: number;
  messageId: number;
  method: 'sendMessage' | 'sendPhoto' | 'sendMediaGroup';
  text?: string;
  caption?: string;
  parseMode?: string;
  /** disable_notification was set. */
  silent?: boolean;
  photos: Buffer[];
  /** Each photo's upload as its multipart part declared it: Content-Type and filename. */
  files: { contentType: string | undefined; filename: string | undefined }[];
  /** Which bot sent it. */
  botId: number;
}

interface Bot {
  id: number;
  username: string;
  first_name: string;
}

export class FakeTelegramApi extends FakeServer<TelegramFault> {
  readonly messages: SentMessage[] = [];
  readonly chats = new Map<number, FakeChat>();
  private readonly bots = new Map<string, Bot>();
  private readonly sentAt = new Map<number, number[]>();
  private readonly nextMessageId = new Map<number, number>();
  private readonly fixtures = new Map<string, { contentType: string; body: Buffer }>([['image.png', { contentType: 'image/png', body: TEST_PNG }]]);

  static async start(): Promise<FakeTelegramApi> {
    const fake = new FakeTelegramApi();
    await fake.listen();
    return fake;
  }

  private constructor() {
    super();
    for (const method of ['getMe', 'getChat', 'getChatMember', 'sendMessage', 'sendPhoto', 'sendMediaGroup'] as const) {
      // The Bot API takes GET and POST alike.
      for (const verb of ['GET', 'POST']) {
        this.route(verb, `/bot{token}/${method}`, (request, params) => this.call(method, request, params.token));
      }
    }
    this.route('GET', '/fixtures/{name}', (_request, params) => this.fixture(params.name));
  }

  /** A new bot allowed to post to a new public channel @<username>; its channel credentials. */
  publicChannel(username = `brand_${randomBytes(4).toString('hex')}`, title = 'Brand News'): Record<string, string> {
    const { botToken, bot } = this.newBot();
    const chat = this.addChat({ type: 'channel', title, username });
    chat.members.set(bot.id, { ...CHANNEL_POSTER });
    return { botToken, chatId: `@${username}` };
  }

  /** A new bot allowed to post to a new private channel, addressed by its numeric id. */
  privateChannel(title = 'Brand Staff'): Record<string, string> {
    const { botToken, bot } = this.newBot();
    const chat = this.addChat({ type: 'channel', title });
    chat.members.set(bot.id, { ...CHANNEL_POSTER });
    return { botToken, chatId: String(chat.id) };
  }

  /**
   * A new bot and a new chat where the bot has `member` (absent: it never joined), for the cases a connect
   * refuses: a plain member of a channel, an administrator without 'Post messages', restricted, kicked…
   */
  chatWithBot(options: { type: 'channel' | 'group' | 'supergroup'; member?: FakeMember; title?: string; username?: string; membersMaySend?: boolean }): Record<string, string> {
    const { botToken, bot } = this.newBot();
    const chat = this.addChat({
      type: options.type,
      title: options.title ?? (options.type === 'channel' ? 'Brand News' : 'Brand Team'),
      username: options.username,
      ...(options.type === 'channel' ? {} : { permissions: { can_send_messages: options.membersMaySend ?? true } }),
    });
    if (options.member) {
      chat.members.set(bot.id, { ...options.member });
    }
    return { botToken, chatId: options.username ? `@${options.username}` : String(chat.id) };
  }

  /** A new bot and a person's private chat with it (not a channel or group). */
  privateChat(firstName = 'Alice'): Record<string, string> {
    const { botToken, bot } = this.newBot();
    const chat: FakeChat = { id: randomInt(100_000_000, 999_999_999), type: 'private', first_name: firstName, members: new Map([[bot.id, { status: 'member' }]]) };
    this.chats.set(chat.id, chat);
    return { botToken, chatId: String(chat.id) };
  }

  /** A new bot (no chat): its token. */
  bot(): string {
    return this.newBot().botToken;
  }

  /** Sets the bot's membership in the chat (e.g. promote it, take a right away). */
  setMember(credentials: Record<string, string>, member: FakeMember): void {
    this.chatFor(credentials.chatId)!.members.set(this.bots.get(credentials.botToken)!.id, { ...member });
  }

  /** The bot's id, as getMe answers it. */
  botIdOf(botToken: string): number {
    return this.bots.get(botToken)!.id;
  }

  /** The channel's public @username changes (its numeric id stays). */
  rename(chatId: string, username: string): void {
    this.chatFor(chatId)!.username = username;
  }

  /** Upgrades the group behind `chatId` to a new supergroup, as Telegram does when a group grows. */
  migrate(chatId: string): number {
    const old = this.chatFor(chatId)!;
    const upgraded = this.addChat({ type: 'supergroup', title: old.title, permissions: old.permissions });
    old.members.forEach((member, bot) => upgraded.members.set(bot, { ...member }));
    old.type = 'group';
    old.migratedTo = upgraded.id;
    return upgraded.id;
  }

  /** The bot is removed from the chat (403 from then on). */
  kick(credentials: Record<string, string>): void {
    this.setMember(credentials, { status: 'kicked' });
  }

  /** The token is revoked with @BotFather (401 from then on). */
  revoke(botToken: string): void {
    this.bots.delete(botToken);
  }

  fixtureUrl(name = 'image.png'): string {
    return `${this.url}/fixtures/${name}`;
  }

  chatFor(chatId: string): FakeChat | undefined {
    if (chatId.startsWith('@')) {
      return [...this.chats.values()].find((chat) => chat.username?.toLowerCase() === chatId.slice(1).toLowerCase());
    }
    return this.chats.get(Number(chatId));
  }

  protected faultReply(fault: TelegramFault): Reply | undefined {
    if (fault.status === undefined) {
      return undefined;
    }
    const description = fault.description ?? (fault.status === 429 ? `Too Many Requests: retry after ${fault.retryAfter ?? 5}` : `Error ${fault.status}`);
    return failure(fault.status, description, fault.status === 429 ? { retry_after: fault.retryAfter ?? 5 } : undefined);
  }

  protected notFound(): Reply {
    return failure(404, 'Not Found');
  }

  protected malformed(_request: ReceivedRequest, why: string): Reply {
    return failure(400, `Bad Request: ${why}`);
  }

  private call(method: string, request: ReceivedRequest, token: string): Reply {
    const bot = this.bots.get(token);
    if (!bot) {
      // A well-formed but revoked token answers 401; a malformed one 404 (what the real API does).
      return /^\d+:[\w-]{30,}$/.test(token) ? failure(401, 'Unauthorized') : failure(404, 'Not Found');
    }
    const params = { ...Object.fromEntries(request.query), ...((request.body ?? {}) as Record<string, string | Buffer | number>) };
    if (method === 'getMe') {
      return ok({ ...bot, is_bot: true, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
    }
    const chatId = params.chat_id === undefined ? '' : String(params.chat_id);
    const chat = chatId === '' ? undefined : this.chatFor(chatId);
    if (!chat) {
      return failure(400, chatId === '' ? 'Bad Request: chat_id is empty' : 'Bad Request: chat not found');
    }
    const member = chat.members.get(bot.id) ?? { status: 'left' };
    const inChat = ['creator', 'administrator', 'member'].includes(member.status) || (member.status === 'restricted' && member.is_member !== false);
    if (method === 'getChat') {
      // A private channel or group the bot is not in is invisible to it; a public one can be looked up.
      if (!inChat && !chat.username) {
        return failure(400, 'Bad Request: chat not found');
      }
      return ok({
        id: chat.id,
        type: chat.type,
        ...(chat.title !== undefined ? { title: chat.title } : {}),
        ...(chat.first_name !== undefined ? { first_name: chat.first_name } : {}),
        ...(chat.username ? { username: chat.username } : {}),
        ...(chat.permissions ? { permissions: chat.permissions } : {}),
        accent_color_id: 0,
        max_reaction_count: 11,
      });
    }
    if (chat.migratedTo !== undefined) {
      return failure(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: chat.migratedTo });
    }
    if (method === 'getChatMember') {
      return this.chatMember(chat, params.user_id, bot, member, inChat);
    }
    const refusal = this.sendRefusal(chat, member, inChat);
    if (refusal) {
      return refusal;
    }
    const wait = this.floodWait(chat.id);
    if (wait > 0) {
      return failure(429, `Too Many Requests: retry after ${wait}`, { retry_after: wait });
    }
    const parseMode = typeof params.parse_mode === 'string' ? params.parse_mode : undefined;
    const sent = this.deliver(method, params, partHeaders(request), chat, bot, parseMode);
    if ('status' in sent) {
      return sent;
    }
    this.sentAt.get(chat.id)!.push(Date.now());
    return ok(method === 'sendMediaGroup' ? sent.map((message) => this.messageEntity(message, chat)) : this.messageEntity(sent[0], chat));
  }

  /** getChatMember(chat_id, user_id): this fake knows its bots' memberships only. */
  private chatMember(chat: FakeChat, rawUserId: unknown, asker: Bot, askerMember: FakeMember, askerInChat: boolean): Reply {
    const userId = Number(rawUserId);
    if (rawUserId === undefined || rawUserId === '' || !Number.isInteger(userId)) {
      return failure(400, 'Bad Request: invalid user_id specified');
    }
    if (chat.type === 'channel' && askerMember.status !== 'administrator' && askerMember.status !== 'creator' && userId !== asker.id) {
      return failure(400, 'Bad Request: member list is inaccessible');
    }
    if (!askerInChat && chat.type !== 'channel') {
      return failure(403, askerMember.status === 'kicked' ? 'Forbidden: bot was kicked from the group chat' : 'Forbidden: bot is not a member of the group chat');
    }
    const bot = [...this.bots.values()].find((candidate) => candidate.id === userId);
    if (!bot) {
      return failure(400, 'Bad Request: user not found');
    }
    const member = chat.members.get(bot.id) ?? { status: 'left' as const };
    const user = { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username };
    switch (member.status) {
      case 'administrator':
        return ok({
          status: 'administrator',
          user,
          can_be_edited: false,
          is_anonymous: false,
          can_manage_chat: true,
          can_delete_messages: false,
          can_manage_video_chats: false,
          can_restrict_members: false,
          can_promote_members: false,
          can_change_info: false,
          can_invite_users: false,
          can_post_stories: false,
          can_edit_stories: false,
          can_delete_stories: false,
          ...(chat.type === 'channel' ? { can_post_messages: member.can_post_messages ?? false, can_edit_messages: false } : { can_pin_messages: false, can_manage_topics: false }),
        });
      case 'restricted':
        return ok({ status: 'restricted', user, is_member: member.is_member ?? true, can_send_messages: member.can_send_messages ?? false, can_send_photos: member.can_send_messages ?? false, until_date: 0 });
      case 'kicked':
        return ok({ status: 'kicked', user, until_date: 0 });
      case 'creator':
        return ok({ status: 'creator', user, is_anonymous: false });
      case 'member':
      case 'left':
        return ok({ status: member.status, user });
    }
  }

  /** Why a send from this bot is refused, as Telegram answers it; undefined when it may send. */
  private sendRefusal(chat: FakeChat, member: FakeMember, inChat: boolean): Reply | undefined {
    if (chat.type === 'channel') {
      if (!inChat) {
        return failure(403, 'Forbidden: bot is not a member of the channel chat');
      }
      const poster = member.status === 'creator' || (member.status === 'administrator' && member.can_post_messages === true);
      return poster ? undefined : failure(400, 'Bad Request: need administrator rights in the channel chat');
    }
    if (member.status === 'kicked') {
      return failure(403, chat.type === 'private' ? 'Forbidden: bot was blocked by the user' : 'Forbidden: bot was kicked from the group chat');
    }
    if (!inChat) {
      return failure(403, 'Forbidden: bot is not a member of the group chat');
    }
    const muted = (member.status === 'restricted' && member.can_send_messages !== true) || (member.status === 'member' && chat.permissions?.can_send_messages === false);
    return muted ? failure(400, 'Bad Request: not enough rights to send text messages to the chat') : undefined;
  }

  private deliver(method: string, params: Record<string, unknown>, parts: Map<string, PartHeader>, chat: FakeChat, bot: Bot, parseMode: string | undefined): SentMessage[] | Reply {
    const base = { chatId: chat.id, botId: bot.id, parseMode, silent: params.disable_notification === true || params.disable_notification === 'true' };
    if (method === 'sendMessage') {
      const text = typeof params.text === 'string' ? params.text : '';
      const problem = text.trim() === '' ? 'Bad Request: message text is empty' : [...text].length > TEXT_LIMIT ? 'Bad Request: message is too long' : entitiesProblem(text, parseMode);
      return problem ? failure(400, problem) : [this.record({ ...base, method, text, photos: [], files: [] })];
    }
    if (method === 'sendPhoto') {
      const caption = typeof params.caption === 'string' ? params.caption : undefined;
      const photo = params.photo;
      // A string photo is a file_id or an HTTP URL for Telegram to fetch: this fake knows neither.
      const problem = photo === undefined
        ? 'Bad Request: there is no photo in the request'
        : !Buffer.isBuffer(photo)
          ? 'Bad Request: wrong file identifier/HTTP URL specified'
          : photoProblem(photo)
            ? photoProblem(photo)
            : caption !== undefined && [...caption].length > CAPTION_LIMIT
            ? 'Bad Request: message caption is too long'
            : caption !== undefined
              ? entitiesProblem(caption, parseMode)
              : undefined;
      return problem ? failure(400, problem) : [this.record({ ...base, method, caption, photos: [photo as Buffer], files: [fileOf(parts, 'photo')] })];
    }
    let media: { type?: string; media?: string; caption?: string; parse_mode?: string }[];
    try {
      media = JSON.parse(String(params.media)) as typeof media;
    } catch {
      return failure(400, "Bad Request: can't parse media JSON object");
    }
    if (!Array.isArray(media) || media.length < 2 || media.length > 10) {
      return failure(400, 'Bad Request: wrong number of media specified');
    }
    const photos: Buffer[] = [];
    const files: SentMessage['files'] = [];
    for (const [index, item] of media.entries()) {
      if (item.type !== 'photo') {
        return failure(400, `Bad Request: unsupported media type "${String(item.type)}" in the media group`);
      }
      // attach://<name> names a file part of this request; a part that is not there (or is a plain field) is refused.
      const name = typeof item.media === 'string' && item.media.startsWith('attach://') ? item.media.slice(9) : undefined;
      const file = name !== undefined ? params[name] : undefined;
      if (name === undefined || !Buffer.isBuffer(file)) {
        return failure(400, `Bad Request: wrong file identifier/HTTP URL specified in media #${index}`);
      }
      const problem = photoProblem(file);
      if (problem) {
        return failure(400, problem);
      }
      photos.push(file);
      files.push(fileOf(parts, name));
    }
    const caption = media[0].caption;
    const problem = caption !== undefined && [...caption].length > CAPTION_LIMIT ? 'Bad Request: message caption is too long' : caption ? entitiesProblem(caption, media[0].parse_mode) : undefined;
    if (problem) {
      return failure(400, problem);
    }
    return photos.map((photo, index) =>
      this.record({ ...base, parseMode: media[index].parse_mode, method: 'sendMediaGroup', caption: media[index].caption, photos: [photo], files: [files[index]] }),
    );
  }

  private record(message: Omit<SentMessage, 'messageId'>): SentMessage {
    const messageId = this.nextMessageId.get(message.chatId) ?? 1;
    this.nextMessageId.set(message.chatId, messageId + 1);
    const sent = { ...message, messageId };
    this.messages.push(sent);
    return sent;
  }

  /** Seconds to wait when the chat already had its messages this minute. */
  private floodWait(chatId: number): number {
    const recent = (this.sentAt.get(chatId) ?? []).filter((at) => at > Date.now() - 60_000);
    this.sentAt.set(chatId, recent);
    return recent.length >= MESSAGES_PER_MINUTE_PER_CHAT ? Math.ceil((recent[0] + 60_000 - Date.now()) / 1000) : 0;
  }

  private messageEntity(message: SentMessage, chat: FakeChat): object {
    return {
      message_id: message.messageId,
      sender_chat: { id: chat.id, type: chat.type, title: chat.title, ...(chat.username ? { username: chat.username } : {}) },
      chat: { id: chat.id, type: chat.type, title: chat.title, ...(chat.username ? { username: chat.username } : {}) },
      date: Math.floor(Date.now() / 1000),
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.caption !== undefined ? { caption: message.caption } : {}),
      ...(message.photos.length > 0
        ? { photo: [{ file_id: `AgAC${randomBytes(8).toString('hex')}`, file_unique_id: randomBytes(4).toString('hex'), width: 1, height: 1, file_size: message.photos[0].length }] }
        : {}),
    };
  }

  private newBot(): { botToken: string; bot: Bot } {
    const id = randomInt(1_000_000_000, 9_000_000_000);
    const bot = { id, username: `holdfast_${id}_bot`, first_name: 'Holdfast' };
    const botToken = `${id}:AA${randomBytes(24).toString('base64url')}`;
    this.bots.set(botToken, bot);
    return { botToken, bot };
  }

  private addChat(chat: Omit<FakeChat, 'id' | 'members'>): FakeChat {
    const added: FakeChat = { ...chat, id: -1_000_000_000_000 - randomInt(1, 999_999_999), members: new Map() };
    this.chats.set(added.id, added);
    return added;
  }

  private fixture(name: string): Reply {
    const fixture = this.fixtures.get(name);
    return fixture
      ? { status: 200, body: fixture.body, headers: { 'content-type': fixture.contentType } }
      : { status: 404, body: Buffer.from('no such fixture'), headers: { 'content-type': 'text/plain' } };
  }
}

function ok(result: unknown): Reply {
  return { status: 200, body: { ok: true, result } };
}

function failure(status: number, description: string, parameters?: object): Reply {
  return { status, body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) } };
}

/** Telegram refuses text whose formatting does not parse: the two checks a fake can make cheaply. */
function entitiesProblem(text: string, parseMode: string | undefined): string | undefined {
  if (parseMode === 'MarkdownV2') {
    const reserved = MARKDOWN_V2_RESERVED.exec(text);
    return reserved ? `Bad Request: can't parse entities: Character '${reserved[2]}' is reserved and must be escaped with the preceding '\\'` : undefined;
  }
  if (parseMode === 'HTML') {
    const open: string[] = [];
    for (const [, closing, name] of text.matchAll(/<(\/?)([a-z-]+)[^>]*>/gi)) {
      const tag = name.toLowerCase();
      if (!HTML_TAGS.has(tag)) {
        return `Bad Request: can't parse entities: Unsupported start tag "${tag}"`;
      }
      if (closing === '') {
        open.push(tag);
      } else if (open.pop() !== tag) {
        return `Bad Request: can't parse entities: Unexpected end tag`;
      }
    }
    return open.length > 0 ? "Bad Request: can't parse entities: Can't find end tag corresponding to start tag" : undefined;
  }
  return parseMode === undefined || parseMode === 'Markdown' ? undefined : 'Bad Request: unsupported parse_mode';
}

/** Why Telegram would refuse these bytes as an uploaded photo; undefined when it takes them. */
function photoProblem(bytes: Buffer): string | undefined {
  if (bytes.length > PHOTO_MAX_BYTES) {
    return 'Bad Request: file is too big';
  }
  return isImage(bytes) ? undefined : 'Bad Request: IMAGE_PROCESS_FAILED';
}

interface PartHeader {
  contentType: string | undefined;
  filename: string | undefined;
}

function fileOf(parts: Map<string, PartHeader>, name: string): PartHeader {
  return parts.get(name) ?? { contentType: undefined, filename: undefined };
}

/**
 * The Content-Type and filename each multipart part declared, by field name (the shared parser keeps only
 * the parts' contents). Empty for a body that is not multipart/form-data.
 */
function partHeaders(request: ReceivedRequest): Map<string, PartHeader> {
  const headers = new Map<string, PartHeader>();
  const contentType = String(request.headers['content-type'] ?? '');
  const boundary = /^multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) {
    return headers;
  }
  const delimiter = Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}`);
  const raw = Buffer.concat([Buffer.from('\r\n'), request.rawBody]);
  for (let at = raw.indexOf(delimiter); at >= 0; at = raw.indexOf(delimiter, at + delimiter.length)) {
    const start = at + delimiter.length + 2;
    const end = raw.indexOf('\r\n\r\n', start);
    if (end < 0) {
      break;
    }
    const head = raw.subarray(start, end).toString('latin1');
    const name = /(?:^|[;\s])name="([^"]*)"/i.exec(head)?.[1];
    if (name !== undefined) {
      headers.set(name, { contentType: /^content-type:\s*([^;\r\n]+)/im.exec(head)?.[1].trim().toLowerCase(), filename: /filename="([^"]*)"/i.exec(head)?.[1] });
    }
  }
  return headers;
}

function isImage(bytes: Buffer): boolean {
  const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  const webp = bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP';
  return png || jpeg || webp;
}
