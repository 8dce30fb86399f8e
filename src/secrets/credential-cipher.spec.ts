import { randomBytes } from 'node:crypto';
import { open, seal } from './credential-cipher';

describe('credential cipher', () => {
  const key = randomBytes(32);

  it('opens what it sealed for the same row', () => {
    const sealed = seal(key, '{"token":"s3cret"}', 'row-1');
    expect(open(key, sealed, 'row-1')).toBe('{"token":"s3cret"}');
  });

  it('never shows the plaintext in the sealed form', () => {
    expect(seal(key, 's3cret-token-value', 'row-1')).not.toContain('s3cret');
  });

  it('uses a fresh IV each time', () => {
    expect(seal(key, 'same', 'row-1')).not.toBe(seal(key, 'same', 'row-1'));
  });

  it('refuses a value moved to another row', () => {
    const sealed = seal(key, 'secret', 'row-1');
    expect(() => open(key, sealed, 'row-2')).toThrow();
  });

  it('refuses a tampered value', () => {
    const [v, iv, tag, body] = seal(key, 'secret', 'row-1').split(':');
    const flipped = Buffer.from(body, 'base64');
    flipped[0] ^= 1;
    expect(() => open(key, [v, iv, tag, flipped.toString('base64')].join(':'), 'row-1')).toThrow();
  });

  it('refuses another key', () => {
    expect(() => open(randomBytes(32), seal(key, 'secret', 'row-1'), 'row-1')).toThrow();
  });
});
