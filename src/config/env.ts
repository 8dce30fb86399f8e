// The service's whole configuration: read from the environment once at boot, validated, typed.
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const PLATFORM_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const PLATFORM_URL_MESSAGE = 'must be an http(s) base URL such as https://api.x.com';

export class Env {
  @Transform(toInt)
  @IsInt({ message: 'must be an integer port between 0 and 65535' })
  @Min(0, { message: 'must be an integer port between 0 and 65535' })
  @Max(65535, { message: 'must be an integer port between 0 and 65535' })
  PORT: number = 3000;

  /** The built web console the service serves at / (relative to the working directory). */
  @IsString({ message: 'must be a directory path' })
  @MinLength(1, { message: 'must be a directory path' })
  CONSOLE_DIR: string = 'dist/web';

  /** Where people reach the console (invite links, cookie `Secure`, CSRF origin, CSP); default http://localhost:PORT. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'must be the http(s) address people open the console at, such as https://holdfast.example.com' })
  PUBLIC_URL?: string;

  /** A console session ends after this long without a request. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of minutes between 5 and 43200' })
  @Min(5, { message: 'must be an integer number of minutes between 5 and 43200' })
  @Max(43_200, { message: 'must be an integer number of minutes between 5 and 43200' })
  SESSION_IDLE_MINUTES: number = 720;

  /** How long the live stream's events stay for replay after a reconnect (Last-Event-ID); older gaps get a refresh. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of minutes between 1 and 1440' })
  @Min(1, { message: 'must be an integer number of minutes between 1 and 1440' })
  @Max(1440, { message: 'must be an integer number of minutes between 1 and 1440' })
  LIVE_EVENTS_RETENTION_MINUTES: number = 60;

  /** A console session ends this long after sign-in, however active. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of hours between 1 and 8760' })
  @Min(1, { message: 'must be an integer number of hours between 1 and 8760' })
  @Max(8760, { message: 'must be an integer number of hours between 1 and 8760' })
  SESSION_ABSOLUTE_HOURS: number = 168;

  /** Failed sign-ins to one e-mail within SIGN_IN_THROTTLE_MINUTES before it is refused (429). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 1000' })
  @Min(1, { message: 'must be an integer between 1 and 1000' })
  @Max(1000, { message: 'must be an integer between 1 and 1000' })
  SIGN_IN_ACCOUNT_FAILURES: number = 5;

  /** Failed sign-ins from one client address within SIGN_IN_THROTTLE_MINUTES before it is refused (429). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 100000' })
  @Min(1, { message: 'must be an integer between 1 and 100000' })
  @Max(100_000, { message: 'must be an integer between 1 and 100000' })
  SIGN_IN_ADDRESS_FAILURES: number = 20;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of minutes between 1 and 1440' })
  @Min(1, { message: 'must be an integer number of minutes between 1 and 1440' })
  @Max(1440, { message: 'must be an integer number of minutes between 1 and 1440' })
  SIGN_IN_THROTTLE_MINUTES: number = 15;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a PostgreSQL URL such as postgres://user:pass@host:5432/db' })
  DATABASE_URL?: string;

  @IsString({ message: 'must be a directory path' })
  @MinLength(1, { message: 'must be a directory path' })
  HOLDFAST_DATA_DIR: string = '.holdfast';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, {
    message: 'must be 32 bytes as 64 hex characters or 44 base64 characters (generate one with: openssl rand -hex 32)',
  })
  HOLDFAST_SECRET_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{32,128}$/, { message: 'must be 32 to 128 characters of A-Z, a-z, 0-9, _ or -' })
  HOLDFAST_ADMIN_KEY?: string;

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  /** `pretty` (short readable lines) or `json` (one object a line); unset: pretty on a terminal, JSON otherwise. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(LOG_FORMATS, { message: `must be one of ${LOG_FORMATS.join(', ')} (unset: pretty on a terminal, json otherwise)` })
  LOG_FORMAT?: LogFormat;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of bytes between 1024 and 10485760' })
  @Min(1024, { message: 'must be an integer number of bytes between 1024 and 10485760' })
  @Max(10 * 1024 * 1024, { message: 'must be an integer number of bytes between 1024 and 10485760' })
  BODY_LIMIT_BYTES: number = 256 * 1024;

  @Transform(toInt)
  @IsInt({ message: 'must be a positive integer (requests per minute per client)' })
  @Min(1, { message: 'must be a positive integer (requests per minute per client)' })
  THROTTLE_PER_MINUTE: number = 600;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 50 and 60000' })
  @Min(50, { message: 'must be an integer number of milliseconds between 50 and 60000' })
  @Max(60_000, { message: 'must be an integer number of milliseconds between 50 and 60000' })
  DISPATCH_TICK_MS: number = 1000;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 1000 (sends in flight per instance)' })
  @Min(1, { message: 'must be an integer between 1 and 1000 (sends in flight per instance)' })
  @Max(1000, { message: 'must be an integer between 1 and 1000 (sends in flight per instance)' })
  DISPATCH_CONCURRENCY: number = 32;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 1000 (sends in flight per platform per instance)' })
  @Min(1, { message: 'must be an integer between 1 and 1000 (sends in flight per platform per instance)' })
  @Max(1000, { message: 'must be an integer between 1 and 1000 (sends in flight per platform per instance)' })
  DISPATCH_PLATFORM_CONCURRENCY: number = 16;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 1000 and 3600000' })
  @Min(1000, { message: 'must be an integer number of milliseconds between 1000 and 3600000' })
  @Max(3_600_000, { message: 'must be an integer number of milliseconds between 1000 and 3600000' })
  DISPATCH_SEND_TIMEOUT_MS: number = 60_000;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 20' })
  @Min(1, { message: 'must be an integer between 1 and 20' })
  @Max(20, { message: 'must be an integer between 1 and 20' })
  DISPATCH_MAX_ATTEMPTS: number = 6;

  /** How long the crisis switch lets sends in flight in scope finish before they are aborted (outcome unknown). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 100 and 60000' })
  @Min(100, { message: 'must be an integer number of milliseconds between 100 and 60000' })
  @Max(60_000, { message: 'must be an integer number of milliseconds between 100 and 60000' })
  CRISIS_INFLIGHT_DEADLINE_MS: number = 2_000;

  @IsIn(['true', 'false'], { message: 'must be true or false' })
  DISPATCH_ENABLED: 'true' | 'false' = 'true';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 100 and 60000' })
  @Min(100, { message: 'must be an integer number of milliseconds between 100 and 60000' })
  @Max(60_000, { message: 'must be an integer number of milliseconds between 100 and 60000' })
  DISPATCH_HEARTBEAT_MS: number = 1000;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 1000 (retryable failures in a row that open a breaker)' })
  @Min(1, { message: 'must be an integer between 1 and 1000 (retryable failures in a row that open a breaker)' })
  @Max(1000, { message: 'must be an integer between 1 and 1000 (retryable failures in a row that open a breaker)' })
  BREAKER_FAILURE_THRESHOLD: number = 5;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer percentage between 1 and 100' })
  @Min(1, { message: 'must be an integer percentage between 1 and 100' })
  @Max(100, { message: 'must be an integer percentage between 1 and 100' })
  BREAKER_ERROR_RATE_PERCENT: number = 50;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of seconds between 1 and 3600' })
  @Min(1, { message: 'must be an integer number of seconds between 1 and 3600' })
  @Max(3600, { message: 'must be an integer number of seconds between 1 and 3600' })
  BREAKER_WINDOW_SECONDS: number = 60;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 100000 (sends in the window before the error rate counts)' })
  @Min(1, { message: 'must be an integer between 1 and 100000 (sends in the window before the error rate counts)' })
  @Max(100_000, { message: 'must be an integer between 1 and 100000 (sends in the window before the error rate counts)' })
  BREAKER_MIN_REQUESTS: number = 20;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of seconds between 1 and 3600' })
  @Min(1, { message: 'must be an integer number of seconds between 1 and 3600' })
  @Max(3600, { message: 'must be an integer number of seconds between 1 and 3600' })
  BREAKER_COOLDOWN_SECONDS: number = 30;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of seconds between 1 and 86400' })
  @Min(1, { message: 'must be an integer number of seconds between 1 and 86400' })
  @Max(86_400, { message: 'must be an integer number of seconds between 1 and 86400' })
  BREAKER_MAX_COOLDOWN_SECONDS: number = 600;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 50 and 600000' })
  @Min(50, { message: 'must be an integer number of milliseconds between 50 and 600000' })
  @Max(600_000, { message: 'must be an integer number of milliseconds between 50 and 600000' })
  FAILOVER_SWEEP_MS: number = 10_000;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 50 and 60000' })
  @Min(50, { message: 'must be an integer number of milliseconds between 50 and 60000' })
  @Max(60_000, { message: 'must be an integer number of milliseconds between 50 and 60000' })
  WEBHOOK_TICK_MS: number = 1000;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 20' })
  @Min(1, { message: 'must be an integer between 1 and 20' })
  @Max(20, { message: 'must be an integer between 1 and 20' })
  WEBHOOK_MAX_ATTEMPTS: number = 8;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 100 and 60000' })
  @Min(100, { message: 'must be an integer number of milliseconds between 100 and 60000' })
  @Max(60_000, { message: 'must be an integer number of milliseconds between 100 and 60000' })
  WEBHOOK_TIMEOUT_MS: number = 10_000;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 100 and 3600000' })
  @Min(100, { message: 'must be an integer number of milliseconds between 100 and 3600000' })
  @Max(3_600_000, { message: 'must be an integer number of milliseconds between 100 and 3600000' })
  WEBHOOK_RETRY_BASE_MS: number = 30_000;

  /** Webhook events, deliveries and attempts settled longer ago than this are deleted by a once-per-cluster prune. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of days between 1 and 3650' })
  @Min(1, { message: 'must be an integer number of days between 1 and 3650' })
  @Max(3650, { message: 'must be an integer number of days between 1 and 3650' })
  WEBHOOK_RETENTION_DAYS: number = 30;

  /** The older name of ALLOW_PRIVATE_NETWORK (webhooks only then); `true` here sets ALLOW_PRIVATE_NETWORK. */
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true' | 'false' = 'false';

  /** Lets user-given URLs (images, instances, webhooks) reach loopback and private addresses: development and tests only. */
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  ALLOW_PRIVATE_NETWORK: 'true' | 'false' = 'false';

  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[\x21-\x7e]{16,256}$/, { message: 'must be 16 to 256 printable characters without spaces' })
  METRICS_TOKEN?: string;

  /** When set, /metrics is served on this port only (not on PORT). */
  @Transform(({ value }) => toInt({ value: emptyToUndefined({ value }) }))
  @IsOptional()
  @IsInt({ message: 'must be an integer port between 1 and 65535' })
  @Min(1, { message: 'must be an integer port between 1 and 65535' })
  @Max(65535, { message: 'must be an integer port between 1 and 65535' })
  METRICS_PORT?: number;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 1000 and 86400000' })
  @Min(1000, { message: 'must be an integer number of milliseconds between 1000 and 86400000' })
  @Max(86_400_000, { message: 'must be an integer number of milliseconds between 1000 and 86400000' })
  ADS_SYNC_INTERVAL_MS: number = 900_000;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 100 and 3600000' })
  @Min(100, { message: 'must be an integer number of milliseconds between 100 and 3600000' })
  @Max(3_600_000, { message: 'must be an integer number of milliseconds between 100 and 3600000' })
  ADS_RECONCILE_INTERVAL_MS: number = 60_000;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of milliseconds between 50 and 600000' })
  @Min(50, { message: 'must be an integer number of milliseconds between 50 and 600000' })
  @Max(600_000, { message: 'must be an integer number of milliseconds between 50 and 600000' })
  ADS_RETRY_INTERVAL_MS: number = 2_000;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 200 (ad platform calls in flight per instance)' })
  @Min(1, { message: 'must be an integer between 1 and 200 (ad platform calls in flight per instance)' })
  @Max(200, { message: 'must be an integer between 1 and 200 (ad platform calls in flight per instance)' })
  ADS_CONCURRENCY: number = 16;

  @IsUrl(PLATFORM_URL, { message: PLATFORM_URL_MESSAGE })
  X_API_URL: string = 'https://api.x.com';

  @IsUrl(PLATFORM_URL, { message: PLATFORM_URL_MESSAGE })
  META_GRAPH_URL: string = 'https://graph.facebook.com';

  @IsUrl(PLATFORM_URL, { message: PLATFORM_URL_MESSAGE })
  LINKEDIN_API_URL: string = 'https://api.linkedin.com';

  @IsUrl(PLATFORM_URL, { message: PLATFORM_URL_MESSAGE })
  TELEGRAM_API_URL: string = 'https://api.telegram.org';

  /** The record's `langs` on Bluesky (feeds filter by it): up to 3 BCP 47 tags, comma-separated; empty: none. */
  @Matches(/^$|^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*(,[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*){0,2}$/, {
    message: 'must be up to 3 comma-separated BCP 47 language tags such as en or es,ca (empty: none)',
  })
  BLUESKY_LANGS: string = 'en';

  // ---- Connecting accounts (issue 15): app credentials and the OAuth hosts. A platform without its
  // client id and secret shows "not configured" in the console, with what to set.
  /** X OAuth 2.0 app (developer portal → User authentication settings): client id; PKCE. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  X_CLIENT_ID?: string;

  /** X OAuth 2.0 client secret (confidential clients); optional for public clients. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  X_CLIENT_SECRET?: string;

  /** Where X's consent screen is (the token endpoint is X_API_URL/2/oauth2/token). */
  @IsUrl(PLATFORM_URL, { message: PLATFORM_URL_MESSAGE })
  X_OAUTH_URL: string = 'https://x.com';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  LINKEDIN_CLIENT_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  LINKEDIN_CLIENT_SECRET?: string;

  /** LinkedIn's OAuth host (/oauth/v2/authorization and /oauth/v2/accessToken). */
  @IsUrl(PLATFORM_URL, { message: PLATFORM_URL_MESSAGE })
  LINKEDIN_OAUTH_URL: string = 'https://www.linkedin.com';

  /** The Meta app (Facebook Login) for Facebook Pages and Instagram professional accounts. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  META_APP_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  META_APP_SECRET?: string;

  /** Where Facebook Login's dialog is (/<version>/dialog/oauth); tokens are exchanged at META_GRAPH_URL. */
  @IsUrl(PLATFORM_URL, { message: PLATFORM_URL_MESSAGE })
  FACEBOOK_OAUTH_URL: string = 'https://www.facebook.com';

  /** Resolves Bluesky handles to their PDS when connecting with an app password. */
  @IsUrl(PLATFORM_URL, { message: PLATFORM_URL_MESSAGE })
  BLUESKY_SERVICE_URL: string = 'https://bsky.social';

  /** The PLC directory that holds did:plc documents (which PDS an account is on) when connecting Bluesky. */
  @IsUrl(PLATFORM_URL, { message: PLATFORM_URL_MESSAGE })
  BLUESKY_PLC_URL: string = 'https://plc.directory';

  // ---- Token life cycle (issue 15)
  /** A delivery whose channel needs reconnecting waits this long past its time, then becomes missed (per workspace overridable). */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of minutes between 0 and 10080' })
  @Min(0, { message: 'must be an integer number of minutes between 0 and 10080' })
  @Max(10_080, { message: 'must be an integer number of minutes between 0 and 10080' })
  REAUTH_GRACE_MINUTES: number = 60;

  /** Tokens that expire within this long are refreshed ahead by a once-per-cluster job. */
  @Transform(toInt)
  @IsInt({ message: 'must be an integer number of minutes between 1 and 1440' })
  @Min(1, { message: 'must be an integer number of minutes between 1 and 1440' })
  @Max(1440, { message: 'must be an integer number of minutes between 1 and 1440' })
  TOKEN_REFRESH_AHEAD_MINUTES: number = 15;

  // ---- Media library (issue 15)
  /** Where uploaded media bytes live: postgres (default, nothing to install) or s3 (an S3-compatible bucket, MEDIA_S3_*). */
  @IsIn(['postgres', 's3'], { message: 'must be postgres or s3' })
  MEDIA_STORE: 'postgres' | 's3' = 'postgres';

  @IsUrl(PLATFORM_URL, { message: PLATFORM_URL_MESSAGE })
  X_ADS_API_URL: string = 'https://ads-api.x.com';

  @IsUrl(PLATFORM_URL, { message: PLATFORM_URL_MESSAGE })
  GOOGLE_ADS_API_URL: string = 'https://googleads.googleapis.com';

  @IsUrl(PLATFORM_URL, { message: PLATFORM_URL_MESSAGE })
  TIKTOK_API_URL: string = 'https://business-api.tiktok.com';
}

export class InvalidEnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidEnvError';
  }
}

const ENV_KEYS = Object.keys(new Env()).concat(['DATABASE_URL', 'HOLDFAST_SECRET_KEY', 'HOLDFAST_ADMIN_KEY', 'METRICS_TOKEN', 'METRICS_PORT', 'LOG_FORMAT']);

/** Validates the environment and returns the typed configuration; throws naming every bad variable. */
export function validateEnv(raw: Record<string, string | undefined>): Env {
  const known: Record<string, string> = {};
  for (const key of ENV_KEYS) {
    const value = raw[key];
    if (value !== undefined) {
      known[key] = value;
    }
  }
  const env = plainToInstance(Env, known);
  const errors = validateSync(env, { whitelist: true, forbidUnknownValues: true });
  const problems = [...errors.map((error) => describe(error, known)), ...appCredentialProblems(env)];
  if (problems.length > 0) {
    throw new InvalidEnvError(problems);
  }
  if (env.WEBHOOK_ALLOW_PRIVATE_URLS === 'true') {
    env.ALLOW_PRIVATE_NETWORK = 'true';
  }
  for (const key of Object.keys(env) as (keyof Env)[]) {
    if (typeof env[key] === 'string' && key.endsWith('_URL') && key !== 'DATABASE_URL') {
      (env as unknown as Record<string, string>)[key] = (env[key]).replace(/\/+$/, '');
    }
  }
  return env;
}

/** A platform's app is its id and secret together (X's secret is optional: public clients have none). */
function appCredentialProblems(env: Env): string[] {
  const pairs: [keyof Env, keyof Env, boolean][] = [
    ['X_CLIENT_ID', 'X_CLIENT_SECRET', false],
    ['LINKEDIN_CLIENT_ID', 'LINKEDIN_CLIENT_SECRET', true],
    ['META_APP_ID', 'META_APP_SECRET', true],
  ];
  const problems: string[] = [];
  for (const [id, secret, secretRequired] of pairs) {
    if (env[secret] !== undefined && env[id] === undefined) {
      problems.push(`${secret} is set without ${id}: set both (the app's id and its secret), or neither`);
    } else if (secretRequired && env[id] !== undefined && env[secret] === undefined) {
      problems.push(`${id} is set without ${secret}: set both (the app's id and its secret), or neither`);
    }
  }
  return problems;
}

function describe(error: ValidationError, raw: Record<string, string>): string {
  const message = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
  const secret = ['KEY', 'TOKEN', 'SECRET'].some((word) => error.property.includes(word)) || error.property === 'DATABASE_URL';
  const got = secret ? '' : ` (got ${JSON.stringify(raw[error.property])})`;
  return `${error.property} ${message}${got}`;
}
