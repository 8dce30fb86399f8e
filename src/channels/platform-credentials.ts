// Which credential fields each platform needs, checked when a channel is connected, not when it publishes.
import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  validateSync,
  ValidateIf,
  ValidationError,
} from 'class-validator';
import { DomainError } from '../common/domain-error';
import { IsPublicUrl, validationGroups } from '../common/network-policy';
import type { Platform } from './platform';

const TOKEN_MAX = 4096;
const token = (): PropertyDecorator => {
  const decorators = [IsString(), IsNotEmpty(), MaxLength(TOKEN_MAX)];
  return (target, key) => decorators.forEach((d) => d(target, key));
};
const optionalToken = (): PropertyDecorator => {
  const decorators = [IsOptional(), IsString(), IsNotEmpty(), MaxLength(TOKEN_MAX)];
  return (target, key) => decorators.forEach((d) => d(target, key));
};

class XCredentials {
  @IsIn(['oauth2', 'oauth1'], { message: 'authType must be oauth2 (user access token) or oauth1 (user keys)' })
  authType: 'oauth2' | 'oauth1';

  @token() accessToken: string;

  @ValidateIf((c: XCredentials) => c.authType === 'oauth2')
  @optionalToken()
  refreshToken?: string;

  @ValidateIf((c: XCredentials) => c.authType === 'oauth2' && c.refreshToken !== undefined)
  @token()
  clientId?: string;

  @ValidateIf((c: XCredentials) => c.authType === 'oauth2')
  @optionalToken()
  clientSecret?: string;

  @ValidateIf((c: XCredentials) => c.authType === 'oauth2')
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 instant' })
  expiresAt?: string;

  @ValidateIf((c: XCredentials) => c.authType === 'oauth1')
  @token()
  appKey?: string;

  @ValidateIf((c: XCredentials) => c.authType === 'oauth1')
  @token()
  appSecret?: string;

  @ValidateIf((c: XCredentials) => c.authType === 'oauth1')
  @token()
  accessSecret?: string;
}

class FacebookCredentials {
  @Matches(/^\d{1,30}$/, { message: 'pageId must be the numeric id of the Facebook Page' })
  pageId: string;

  @token() pageAccessToken: string;
}

class InstagramCredentials {
  @Matches(/^\d{1,30}$/, { message: 'igUserId must be the numeric id of the Instagram professional account' })
  igUserId: string;

  @token() accessToken: string;
}

class LinkedInCredentials {
  @Matches(/^urn:li:(organization|person):[A-Za-z0-9_-]{1,64}$/, {
    message: 'authorUrn must be urn:li:organization:<id> or urn:li:person:<id>',
  })
  authorUrn: string;

  @token() accessToken: string;
  @optionalToken() refreshToken?: string;

  @ValidateIf((c: LinkedInCredentials) => c.refreshToken !== undefined)
  @token()
  clientId?: string;

  @ValidateIf((c: LinkedInCredentials) => c.refreshToken !== undefined)
  @token()
  clientSecret?: string;

  /** When the access token lapses (a connect flow knows it from expires_in). */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 instant' })
  expiresAt?: string;
}

const INSTANCE_URL = { require_protocol: true, protocols: ['https', 'http'], require_tld: false };

class MastodonCredentials {
  @IsUrl(INSTANCE_URL, { message: 'instanceUrl must be the https URL of the Mastodon instance' })
  @IsPublicUrl()
  @MaxLength(300)
  instanceUrl: string;

  @token() accessToken: string;
}

class BlueskyCredentials {
  @Matches(/^(did:(plc|web):[A-Za-z0-9._:%-]{1,200}|[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)$/, {
    message: 'identifier must be a handle such as brand.bsky.social or a DID',
  })
  @MaxLength(253)
  identifier: string;

  @token() appPassword: string;

  @IsOptional()
  @IsUrl(INSTANCE_URL, { message: 'serviceUrl must be the https URL of the PDS, e.g. https://bsky.social' })
  @IsPublicUrl()
  @MaxLength(300)
  serviceUrl?: string;
}

class TelegramCredentials {
  @Matches(/^\d{3,20}:[A-Za-z0-9_-]{30,100}$/, {
    message:
      "botToken must be a bot token as @BotFather gives it: the bot's numeric id, a colon, then 30 or more letters, digits, - or _ (like 123456789:AAH…); copy it whole from /mybots → the bot → API Token",
  })
  botToken: string;

  @Matches(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/, {
    message: 'chatId must be a numeric chat id or an @channelusername',
  })
  chatId: string;
}

const CREDENTIALS: Record<Platform, new () => object> = {
  x: XCredentials,
  facebook: FacebookCredentials,
  instagram: InstagramCredentials,
  linkedin: LinkedInCredentials,
  mastodon: MastodonCredentials,
  bluesky: BlueskyCredentials,
  telegram: TelegramCredentials,
};

/**
 * Checks a platform's credential object; returns it with only the known fields, or throws a 400 whose
 * messages name each field (`credentials.pageId …`) and never repeat a value. `publicUrlsOnly`: an
 * instance URL (Mastodon, Bluesky) must not name a loopback or private address (what an admin gives).
 */
export function validateCredentials(platform: Platform, raw: Record<string, unknown>, options: { publicUrlsOnly?: boolean } = {}): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    // @IsOptional lets null through the DTO's validation.
    throw DomainError.invalid(`Invalid ${platform} credentials: credentials must be an object`, ['credentials must be an object']);
  }
  const credentials = plainToInstance(CREDENTIALS[platform], raw);
  const errors = validateSync(credentials, { whitelist: true, forbidNonWhitelisted: true, groups: validationGroups(!options.publicUrlsOnly), always: true });
  if (errors.length > 0) {
    const details = errors.flatMap((error) => messagesOf(error, platform));
    throw DomainError.invalid(`Invalid ${platform} credentials: ${details.join('; ')}`, details);
  }
  return Object.fromEntries(Object.entries(credentials).filter(([, value]) => value !== undefined));
}

function messagesOf(error: ValidationError, platform: Platform): string[] {
  // An absent field gets one message saying so, not the string, length and format rules it also breaks.
  if (error.value === undefined && !error.constraints?.whitelistValidation) {
    return [`credentials.${error.property} is required for ${platform}`];
  }
  return Object.entries(error.constraints ?? {}).map(([constraint, message]) => {
    if (constraint === 'whitelistValidation') {
      return `credentials.${error.property} is not a ${platform} credential field`;
    }
    return message.startsWith(error.property) ? `credentials.${message}` : `credentials.${error.property} ${message}`;
  });
}
