import { InvalidEnvError, validateEnv } from './env';

function problems(raw: Record<string, string>): string[] {
  try {
    validateEnv(raw);
  } catch (error) {
    if (error instanceof InvalidEnvError) {
      return error.problems;
    }
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('has defaults for a first start', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({ PORT: 3000, HOLDFAST_DATA_DIR: '.holdfast', LOG_LEVEL: 'info', X_API_URL: 'https://api.x.com' });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('keeps user-given URLs off private networks unless ALLOW_PRIVATE_NETWORK (or its older name) says otherwise', () => {
    expect(validateEnv({}).ALLOW_PRIVATE_NETWORK).toBe('false');
    expect(validateEnv({ ALLOW_PRIVATE_NETWORK: 'true' }).ALLOW_PRIVATE_NETWORK).toBe('true');
    expect(validateEnv({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }).ALLOW_PRIVATE_NETWORK).toBe('true');
    expect(problems({ ALLOW_PRIVATE_NETWORK: 'yes' })).toEqual(['ALLOW_PRIVATE_NETWORK must be true or false (got "yes")']);
  });

  it('reads typed values and trims base URLs', () => {
    const env = validateEnv({ PORT: '8080', X_API_URL: 'http://127.0.0.1:4010/', DATABASE_URL: 'postgres://u:p@db:5432/holdfast' });
    expect(env.PORT).toBe(8080);
    expect(env.X_API_URL).toBe('http://127.0.0.1:4010');
  });

  it('names every wrong variable and what it expects', () => {
    expect(problems({ PORT: 'eighty', LOG_LEVEL: 'loud', X_API_URL: 'api.x.com', DATABASE_URL: 'mysql://x' })).toEqual([
      'PORT must be an integer port between 0 and 65535 (got "eighty")',
      'DATABASE_URL must be a PostgreSQL URL such as postgres://user:pass@host:5432/db',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'X_API_URL must be an http(s) base URL such as https://api.x.com (got "api.x.com")',
    ]);
  });

  it('never repeats a secret in its messages', () => {
    const messages = problems({ HOLDFAST_SECRET_KEY: 'short-secret', HOLDFAST_ADMIN_KEY: 'tiny' }).join('\n');
    expect(messages).toContain('HOLDFAST_SECRET_KEY must be 32 bytes');
    expect(messages).toContain('HOLDFAST_ADMIN_KEY must be 32 to 128 characters');
    expect(messages).not.toContain('short-secret');
    expect(messages).not.toContain('tiny');
  });

  it("takes a platform's app id and secret together, naming the one missing", () => {
    expect(() => validateEnv({ LINKEDIN_CLIENT_ID: 'abc' })).toThrow('LINKEDIN_CLIENT_ID is set without LINKEDIN_CLIENT_SECRET: set both');
    expect(() => validateEnv({ META_APP_SECRET: 'shh-secret' })).toThrow('META_APP_SECRET is set without META_APP_ID');
    expect(() => validateEnv({ X_CLIENT_SECRET: 'shh-secret' })).toThrow('X_CLIENT_SECRET is set without X_CLIENT_ID');
    // X public clients have no secret; the secret's value is never repeated.
    expect(validateEnv({ X_CLIENT_ID: 'public-client' }).X_CLIENT_ID).toBe('public-client');
    expect(() => validateEnv({ META_APP_SECRET: 'shh-secret' })).not.toThrow(/shh-secret/);
  });

  it('ignores variables it does not know', () => {
    expect(validateEnv({ HOME: '/root', PATH: '/bin' })).not.toHaveProperty('HOME');
  });
});
