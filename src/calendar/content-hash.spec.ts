import { contentHash } from './content-hash';

const base = { text: 'Hello', platformText: { x: 'Hi X' }, imageUrls: ['https://cdn.example/a.png'], link: null, channelIds: ['b', 'a'] };

describe('content hash', () => {
  it('is the same for the same content whatever the channel order', () => {
    expect(contentHash(base)).toBe(contentHash({ ...base, channelIds: ['a', 'b'] }));
  });

  it.each([
    ['text', { text: 'Hello!' }],
    ['per-platform text', { platformText: { x: 'Hi X!' } }],
    ['images', { imageUrls: [] }],
    ['link', { link: 'https://example.com' }],
    ['channels', { channelIds: ['a'] }],
  ])('changes when the %s changes', (_what, change) => {
    expect(contentHash({ ...base, ...change })).not.toBe(contentHash(base));
  });
});
