import { createHmac } from 'node:crypto';
import { generateWebhookSecret, signPayload, verifySignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'whsec_test_secret_value';
  const body = '{"id":"e1","type":"webhook.test","data":{}}';
  const now = 1_800_000_000;

  it('is the hex HMAC-SHA256 of "<timestamp>.<body>" with the secret, as v1=', () => {
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(signPayload(secret, now, body)).toBe(`v1=${expected}`);
  });

  it('verifies with the same secret, body and a fresh timestamp', () => {
    const signature = signPayload(secret, now, body);
    expect(verifySignature({ secret, rawBody: body, timestamp: String(now), signature, nowSeconds: now + 10 })).toBe(true);
  });

  it('fails with another secret', () => {
    const signature = signPayload(secret, now, body);
    expect(verifySignature({ secret: 'whsec_other', rawBody: body, timestamp: String(now), signature, nowSeconds: now })).toBe(false);
  });

  it('fails when the body or the timestamp was altered', () => {
    const signature = signPayload(secret, now, body);
    expect(verifySignature({ secret, rawBody: body.replace('e1', 'e2'), timestamp: String(now), signature, nowSeconds: now })).toBe(false);
    expect(verifySignature({ secret, rawBody: body, timestamp: String(now + 1), signature, nowSeconds: now })).toBe(false);
  });

  it('refuses a timestamp outside the tolerance (a replay)', () => {
    const signature = signPayload(secret, now, body);
    expect(verifySignature({ secret, rawBody: body, timestamp: String(now), signature, nowSeconds: now + 301 })).toBe(false);
  });

  it('accepts any one of several signatures (secret rotation) and refuses missing headers', () => {
    const signature = `v1=${'0'.repeat(64)}, ${signPayload(secret, now, body)}`;
    expect(verifySignature({ secret, rawBody: body, timestamp: String(now), signature, nowSeconds: now })).toBe(true);
    expect(verifySignature({ secret, rawBody: body, timestamp: undefined, signature, nowSeconds: now })).toBe(false);
    expect(verifySignature({ secret, rawBody: body, timestamp: String(now), signature: undefined, nowSeconds: now })).toBe(false);
  });

  it('generates distinct secrets of 32 random bytes', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});
