import { bearerToken, generateApiKeySecret, hashApiKey } from './api-key-secret';

describe('API key secrets', () => {
  it('are random, prefixed and hashed', () => {
    const a = generateApiKeySecret();
    const b = generateApiKeySecret();
    expect(a.key).toMatch(/^hf_[A-Za-z0-9_-]{43}$/);
    expect(a.key).not.toBe(b.key);
    expect(a.prefix).toBe(a.key.slice(0, 11));
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).not.toContain(a.key);
  });

  it('reads the bearer token from the Authorization header', () => {
    expect(bearerToken('Bearer hf_abc')).toBe('hf_abc');
    expect(bearerToken('bearer hf_abc ')).toBe('hf_abc');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
  });
});
