// Checks a bot token and a chat before they are kept (issue 15): getMe (the token), getChat (the bot sees the
// chat), getChatMember (the bot may post there), and says in one message what is missing. The token is in
// every URL: no URL, request or raw error leaves this file.
import { BadGatewayException } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../common/domain-error';

const CALL_TIMEOUT_MS = 15_000;
/** The shape @BotFather gives (TelegramCredentials in platform-credentials.ts checks the same). */
export const BOT_TOKEN_SHAPE = /^\d{3,20}:[A-Za-z0-9_-]{30,100}$/;
const USERNAME = /^[A-Za-z][A-Za-z0-9_]{4,31}$/;

export interface TelegramChat {
  /** The numeric id, as a string: a renamed @username keeps working. */
  chatId: string;
  title: string;
  username?: string;
  type: 'channel' | 'group' | 'supergroup';
  botUsername: string;
}

interface BotUser {
  id: number;
  username?: string;
  first_name?: string;
}

interface Chat {
  id: number;
  type: string;
  title?: string;
  username?: string;
  first_name?: string;
  permissions?: { can_send_messages?: boolean };
}

interface ChatMember {
  status: 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';
  can_post_messages?: boolean;
  can_send_messages?: boolean;
  is_member?: boolean;
}

type Answer<T> = { ok: true; result: T } | { ok: false; status: number; description: string; migrateTo?: number };

/** The chat as the admin gave it, as the Bot API's chat_id: @username, or the numeric id. A t.me link or a bare username is taken too. */
export function chatIdOf(given: string): string {
  const plain = given.trim();
  if (/^-?\d{1,20}$/.test(plain)) {
    return plain;
  }
  const name = plain.replace(/^(https?:\/\/)?(t\.me|telegram\.me)\//i, '').replace(/^@/, '');
  if (USERNAME.test(name)) {
    return `@${name}`;
  }
  throw DomainError.invalid('chatId must be the channel or group: its @username (such as @brandnews), its t.me link, or its numeric id (such as -1001234567890)');
}

export class TelegramChatCheck {
  /** TELEGRAM_API_URL: the operator's Bot API server. */
  constructor(private readonly apiUrl: string) {}

  async check(botToken: string, given: string): Promise<TelegramChat> {
    if (!BOT_TOKEN_SHAPE.test(botToken)) {
      throw DomainError.invalid('botToken must be the token @BotFather gave, shaped <digits>:<30+ letters, digits, _ or -> (such as 123456789:AAE…)');
    }
    const chatId = chatIdOf(given);
    const me = await this.call<BotUser>(botToken, 'getMe', {});
    if (!me.ok) {
      if (me.status === 401 || me.status === 404) {
        throw DomainError.invalid('Telegram refused the bot token (revoked or mistyped): copy it again from @BotFather (/mybots → the bot → API Token)');
      }
      throw unreachable(`answered ${me.status} to getMe`);
    }
    const bot = `@${me.result.username ?? me.result.first_name ?? me.result.id}`;
    let chat = await this.chat(botToken, chatId, bot);
    let member = await this.membership(botToken, chat.id, me.result.id);
    if ('migrateTo' in member) {
      // A group upgraded to a supergroup: the new chat is the one to keep.
      chat = await this.chat(botToken, String(member.migrateTo), bot);
      member = await this.membership(botToken, chat.id, me.result.id);
    }
    if ('migrateTo' in member) {
      throw DomainError.invalid(`Telegram keeps moving ${chatId} to another chat: give the supergroup's own numeric id`);
    }
    if (chat.type === 'private') {
      throw DomainError.invalid(
        `${chatId} is a private chat with ${chat.first_name ?? 'a person'}, not a channel or group: give the @username or id of the channel or group ${bot} is to post to`,
      );
    }
    if (chat.type !== 'channel' && chat.type !== 'group' && chat.type !== 'supergroup') {
      throw DomainError.invalid(`${chatId} is a ${chat.type} chat: Holdfast posts to channels and groups`);
    }
    const title = chat.title ?? chat.username ?? String(chat.id);
    const missing = missingRight(chat, member, bot, title);
    if (missing) {
      throw DomainError.invalid(missing);
    }
    return { chatId: String(chat.id), title, username: chat.username, type: chat.type, botUsername: bot };
  }

  /** getChat, following a group's upgrade to a supergroup once. */
  private async chat(botToken: string, chatId: string, bot: string): Promise<Chat> {
    let answer = await this.call<Chat>(botToken, 'getChat', { chat_id: chatId });
    if (!answer.ok && answer.migrateTo !== undefined) {
      answer = await this.call<Chat>(botToken, 'getChat', { chat_id: answer.migrateTo });
    }
    if (answer.ok) {
      return answer.result;
    }
    if (answer.status === 400 && /chat not found/i.test(answer.description)) {
      throw DomainError.invalid(
        `${bot} cannot see the chat ${chatId} (Telegram: chat not found): check the @username or id, and add ${bot} to the channel or group first (a private one is given by its numeric id)`,
      );
    }
    if (answer.status === 403) {
      throw DomainError.invalid(`${bot} is not a member of ${chatId} (it was removed or never added): add it to the channel or group, then connect again`);
    }
    if (answer.status === 400) {
      throw DomainError.invalid(`Telegram refused the chat ${chatId}: ${answer.description.slice(0, 200)}`);
    }
    throw unreachable(`answered ${answer.status} to getChat`);
  }

  /** The bot's own membership; a chat whose member list it may not read (a channel it does not administer) counts as left. */
  private async membership(botToken: string, chatId: number, botId: number): Promise<ChatMember | { migrateTo: number }> {
    const answer = await this.call<ChatMember>(botToken, 'getChatMember', { chat_id: chatId, user_id: botId });
    if (answer.ok) {
      return answer.result;
    }
    if (answer.migrateTo !== undefined) {
      return { migrateTo: answer.migrateTo };
    }
    if (answer.status === 403 && /kicked/i.test(answer.description)) {
      return { status: 'kicked' };
    }
    if (answer.status === 400 || answer.status === 403) {
      return { status: 'left' };
    }
    throw unreachable(`answered ${answer.status} to getChatMember`);
  }

  private async call<T>(botToken: string, method: string, params: Record<string, unknown>): Promise<Answer<T>> {
    let response: Response;
    try {
      response = await fetch(`${this.apiUrl}/bot${botToken}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      // Never the error itself: its cause may carry the URL, and the URL carries the token.
      throw unreachable(timedOut ? `did not answer ${method} within ${CALL_TIMEOUT_MS / 1000} s` : `could not be reached for ${method}`);
    }
    let body: { ok?: unknown; result?: unknown; error_code?: unknown; description?: unknown; parameters?: { migrate_to_chat_id?: unknown } };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      body = {};
    }
    if (response.ok && body.ok === true) {
      return { ok: true, result: body.result as T };
    }
    const retryAfter = (body.parameters as { retry_after?: unknown } | undefined)?.retry_after;
    if (response.status === 429 || body.error_code === 429) {
      throw new DomainError(
        DomainErrorCode.TooManyRequests,
        `Telegram limits this bot's requests right now: try again ${typeof retryAfter === 'number' ? `in ${retryAfter} s` : 'in a minute'}`,
      );
    }
    const migrateTo = body.parameters?.migrate_to_chat_id;
    return {
      ok: false,
      status: typeof body.error_code === 'number' ? body.error_code : response.status,
      description: typeof body.description === 'string' ? body.description.split(botToken).join('[bot token]') : `HTTP ${response.status}`,
      migrateTo: typeof migrateTo === 'number' ? migrateTo : undefined,
    };
  }
}

/** What keeps the bot from posting to the chat, in one sentence; undefined when nothing does. */
function missingRight(chat: Chat, member: ChatMember, bot: string, title: string): string | undefined {
  if (chat.type === 'channel') {
    if (member.status === 'creator' || (member.status === 'administrator' && member.can_post_messages === true)) {
      return undefined;
    }
    if (member.status === 'administrator') {
      return `${bot} is an administrator of ${title} without 'Post messages': turn on 'Post messages' in its administrator rights`;
    }
    return `${bot} is not an administrator of ${title}: add it as an administrator with 'Post messages'`;
  }
  switch (member.status) {
    case 'creator':
    case 'administrator':
      return undefined;
    case 'member':
      return chat.permissions?.can_send_messages === false
        ? `Members of ${title} may not send messages, and ${bot} is a plain member: make it an administrator of ${title}`
        : undefined;
    case 'restricted':
      if (member.is_member === false) {
        return `${bot} is not a member of ${title}: add it to the group`;
      }
      return member.can_send_messages === false ? `${bot} is restricted in ${title} and may not send messages: lift its restriction or make it an administrator` : undefined;
    case 'kicked':
      return `${bot} was removed from ${title} and is banned there: unban it and add it to the group again`;
    case 'left':
      return `${bot} is not a member of ${title}: add it to the group`;
  }
}

function unreachable(what: string): BadGatewayException {
  return new BadGatewayException(`Telegram ${what}: nothing was connected; try again in a while`);
}
