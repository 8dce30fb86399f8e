import { parseIdempotencyKey, requestFingerprint } from './idempotency-key-header';

describe('the Idempotency-Key header', () => {
  it('takes a bare key and a structured-field string alike', () => {
    expect(parseIdempotencyKey('abc-123')).toBe('abc-123');
    expect(parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey('"say \\"hi\\""')).toBe('say "hi"');
  });

  it('refuses an empty, overlong, non-ASCII or repeated key with a clear message', () => {
    for (const bad of ['', '""', 'x'.repeat(256), 'clé', 'tab\there']) {
      expect(() => parseIdempotencyKey(bad)).toThrow('Idempotency-Key must be 1 to 255 printable ASCII characters');
    }
    expect(() => parseIdempotencyKey(['a', 'b'])).toThrow('Send one Idempotency-Key header, not several');
    expect(parseIdempotencyKey('x'.repeat(255))).toHaveLength(255);
  });

  it('fingerprints the same request equally whatever the key order, and another body or path differently', () => {
    const one = requestFingerprint('POST', '/api/posts', { text: 'Hi', channelIds: ['a'] });
    expect(requestFingerprint('post', '/api/posts', { channelIds: ['a'], text: 'Hi' })).toBe(one);
    expect(requestFingerprint('POST', '/api/posts', { text: 'Hi!', channelIds: ['a'] })).not.toBe(one);
    expect(requestFingerprint('POST', '/api/templates', { text: 'Hi', channelIds: ['a'] })).not.toBe(one);
  });
});
