import { PLATFORMS, Platform } from '../channels/platform';
import { checkTextLimits, composeText, measureText, PostContent } from './text-counting';

const LONG_URL = `https://example.com/articles/${'a'.repeat(150)}`;
const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}'; // 👨‍👩‍👧‍👦: 7 code points, 11 UTF-16 units, 25 UTF-8 bytes
const E_ACUTE = 'e\u0301'; // é built from e + COMBINING ACUTE ACCENT
const GRIN = '\u{1F600}'; // 😀: 2 UTF-16 units
const IMAGE = 'https://cdn.example.com/a.png';

function post(text: string, more: Partial<PostContent> = {}): PostContent {
  return { text, link: null, imageUrls: [], ...more };
}

function images(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `https://cdn.example.com/${i}.png`);
}

function rules(platform: Platform, content: PostContent): string[] {
  return checkTextLimits(platform, content).map((violation) => violation.rule);
}

describe('text limits', () => {
  describe('x', () => {
    it('accepts 280 characters and refuses 281', () => {
      expect(checkTextLimits('x', post('a'.repeat(280)))).toEqual([]);
      expect(checkTextLimits('x', post('a'.repeat(281)))).toEqual([
        {
          platform: 'x',
          rule: 'text_length',
          limit: 280,
          actual: 281,
          message: 'x: text is 281 weighted characters, the limit is 280 (URLs count as 23, emoji and CJK characters as 2)',
        },
      ]);
    });

    it('counts a URL of any length as 23', () => {
      expect(measureText('x', LONG_URL)).toEqual({ length: 23, limit: 280, unit: 'weighted characters' });
      expect(checkTextLimits('x', post(`${'a'.repeat(256)} ${LONG_URL}`))).toEqual([]);
      expect(rules('x', post(`${'a'.repeat(257)} ${LONG_URL}`))).toEqual(['text_length']);
    });

    it('counts the appended link as 23 plus the blank line before it', () => {
      expect(checkTextLimits('x', post('a'.repeat(255), { link: LONG_URL }))).toEqual([]);
      expect(checkTextLimits('x', post('a'.repeat(256), { link: LONG_URL }))[0]).toMatchObject({ actual: 281 });
    });

    it('weighs emoji and CJK characters 2', () => {
      expect(measureText('x', GRIN).length).toBe(2);
      expect(measureText('x', '日本').length).toBe(4);
      expect(measureText('x', FAMILY).length).toBe(2);
      expect(checkTextLimits('x', post(GRIN.repeat(140)))).toEqual([]);
      expect(rules('x', post(GRIN.repeat(141)))).toEqual(['text_length']);
      expect(checkTextLimits('x', post('日'.repeat(140)))).toEqual([]);
      expect(rules('x', post('日'.repeat(141)))).toEqual(['text_length']);
    });

    it('accepts 4 images and refuses 5', () => {
      expect(checkTextLimits('x', post('Hi', { imageUrls: images(4) }))).toEqual([]);
      expect(checkTextLimits('x', post('Hi', { imageUrls: images(5) }))).toEqual([
        { platform: 'x', rule: 'image_count', limit: 4, actual: 5, message: 'x: post has 5 images, the limit is 4' },
      ]);
    });
  });

  describe('bluesky', () => {
    it('accepts 300 graphemes and refuses 301', () => {
      expect(checkTextLimits('bluesky', post('a'.repeat(300)))).toEqual([]);
      expect(checkTextLimits('bluesky', post('a'.repeat(301)))).toEqual([
        { platform: 'bluesky', rule: 'text_length', limit: 300, actual: 301, message: 'bluesky: text is 301 graphemes, the limit is 300' },
      ]);
    });

    it('counts a family emoji (a ZWJ sequence) as one grapheme', () => {
      expect(measureText('bluesky', FAMILY)).toEqual({ length: 1, limit: 300, unit: 'graphemes' });
    });

    it('counts CR LF as one grapheme and a lone CR or LF as one each, in plain ASCII text', () => {
      expect(measureText('bluesky', 'a\r\nb').length).toBe(3);
      expect(measureText('bluesky', 'a\nb\rc').length).toBe(5);
      expect(measureText('bluesky', 'plain ascii').length).toBe(11);
    });

    it('counts a letter with a combining accent as one grapheme', () => {
      expect(measureText('bluesky', E_ACUTE).length).toBe(1);
      expect(checkTextLimits('bluesky', post(E_ACUTE.repeat(300)))).toEqual([]);
      expect(rules('bluesky', post(E_ACUTE.repeat(301)))).toEqual(['text_length']);
    });

    it('counts URLs at their full length', () => {
      expect(measureText('bluesky', LONG_URL).length).toBe(LONG_URL.length);
    });

    it('refuses text over 3000 UTF-8 bytes even within 300 graphemes', () => {
      expect(checkTextLimits('bluesky', post(FAMILY.repeat(120)))).toEqual([]);
      expect(checkTextLimits('bluesky', post(FAMILY.repeat(121)))).toEqual([
        { platform: 'bluesky', rule: 'text_bytes', limit: 3000, actual: 3025, message: 'bluesky: text is 3025 UTF-8 bytes, the limit is 3000' },
      ]);
    });

    it('accepts 4 images and refuses 5', () => {
      expect(checkTextLimits('bluesky', post('Hi', { imageUrls: images(4) }))).toEqual([]);
      expect(rules('bluesky', post('Hi', { imageUrls: images(5) }))).toEqual(['image_count']);
    });
  });

  describe('mastodon', () => {
    it('accepts 500 characters and refuses 501', () => {
      expect(checkTextLimits('mastodon', post('a'.repeat(500)))).toEqual([]);
      expect(checkTextLimits('mastodon', post('a'.repeat(501)))).toEqual([
        {
          platform: 'mastodon',
          rule: 'text_length',
          limit: 500,
          actual: 501,
          message: 'mastodon: text is 501 characters, the limit is 500 (URLs count as 23, a mention counts without its @domain)',
        },
      ]);
    });

    it('counts a URL of any length as 23', () => {
      expect(measureText('mastodon', `see ${LONG_URL}`).length).toBe(4 + 23);
      expect(checkTextLimits('mastodon', post(`${'a'.repeat(476)} ${LONG_URL}`))).toEqual([]);
      expect(rules('mastodon', post(`${'a'.repeat(477)} ${LONG_URL}`))).toEqual(['text_length']);
    });

    it('counts a mention as its username only', () => {
      expect(measureText('mastodon', '@alice@social.example.org hi').length).toBe('@alice hi'.length);
      expect(measureText('mastodon', '@bob, hi').length).toBe('@bob, hi'.length);
      expect(measureText('mastodon', 'mail bob@example.org').length).toBe('mail bob@example.org'.length);
    });

    it('counts a family emoji and an accented letter as one character each, as Mastodon counts grapheme clusters', () => {
      expect(measureText('mastodon', FAMILY + E_ACUTE).length).toBe(2);
    });

    it('accepts 4 images and refuses 5', () => {
      expect(checkTextLimits('mastodon', post('Hi', { imageUrls: images(4) }))).toEqual([]);
      expect(rules('mastodon', post('Hi', { imageUrls: images(5) }))).toEqual(['image_count']);
    });
  });

  describe('linkedin', () => {
    it('accepts 3000 characters and refuses 3001', () => {
      expect(checkTextLimits('linkedin', post('a'.repeat(3000)))).toEqual([]);
      expect(checkTextLimits('linkedin', post('a'.repeat(3001)))[0]).toMatchObject({ rule: 'text_length', limit: 3000, actual: 3001 });
    });

    it('accepts 20 images and refuses 21', () => {
      expect(checkTextLimits('linkedin', post('Hi', { imageUrls: images(20) }))).toEqual([]);
      expect(rules('linkedin', post('Hi', { imageUrls: images(21) }))).toEqual(['image_count']);
    });
  });

  describe('telegram', () => {
    it('accepts a 4096-character message and refuses 4097', () => {
      expect(checkTextLimits('telegram', post('a'.repeat(4096)))).toEqual([]);
      expect(checkTextLimits('telegram', post('a'.repeat(4097)))).toEqual([
        {
          platform: 'telegram',
          rule: 'text_length',
          limit: 4096,
          actual: 4097,
          message: 'telegram: text is 4097 UTF-16 code units, the limit is 4096 (most emoji count as 2)',
        },
      ]);
    });

    it('limits the text to a 1024-character caption only when the post has images', () => {
      expect(checkTextLimits('telegram', post('a'.repeat(1024), { imageUrls: [IMAGE] }))).toEqual([]);
      expect(checkTextLimits('telegram', post('a'.repeat(1025), { imageUrls: [IMAGE] }))).toEqual([
        {
          platform: 'telegram',
          rule: 'caption_length',
          limit: 1024,
          actual: 1025,
          message: 'telegram: caption is 1025 UTF-16 code units, the limit is 1024 when the post has images (most emoji count as 2)',
        },
      ]);
      expect(checkTextLimits('telegram', post('a'.repeat(1025)))).toEqual([]);
      expect(measureText('telegram', 'a', 1)).toEqual({ length: 1, limit: 1024, unit: 'UTF-16 code units' });
    });

    it('counts UTF-16 code units, so an emoji outside the BMP counts 2', () => {
      expect(measureText('telegram', GRIN).length).toBe(2);
      expect(checkTextLimits('telegram', post(GRIN.repeat(512), { imageUrls: [IMAGE] }))).toEqual([]);
      expect(rules('telegram', post(GRIN.repeat(513), { imageUrls: [IMAGE] }))).toEqual(['caption_length']);
    });

    it('accepts 10 images and refuses 11', () => {
      expect(checkTextLimits('telegram', post('Hi', { imageUrls: images(10) }))).toEqual([]);
      expect(rules('telegram', post('Hi', { imageUrls: images(11) }))).toEqual(['image_count']);
    });
  });

  describe('facebook', () => {
    it('accepts 63206 characters and refuses 63207', () => {
      expect(checkTextLimits('facebook', post('a'.repeat(63206)))).toEqual([]);
      expect(checkTextLimits('facebook', post('a'.repeat(63207)))[0]).toMatchObject({ rule: 'text_length', limit: 63206, actual: 63207 });
    });

    it('does not count the link, which is sent as its own field', () => {
      expect(checkTextLimits('facebook', post('a'.repeat(63206), { link: LONG_URL }))).toEqual([]);
    });

    it('allows images', () => {
      expect(checkTextLimits('facebook', post('Hi', { imageUrls: images(12) }))).toEqual([]);
    });

    it('publishes a bare link', () => {
      expect(checkTextLimits('facebook', post('', { link: LONG_URL }))).toEqual([]);
      expect(rules('facebook', post(''))).toEqual(['text_required']);
    });
  });

  describe('instagram', () => {
    it('requires at least one image', () => {
      expect(checkTextLimits('instagram', post('Hi'))).toEqual([
        {
          platform: 'instagram',
          rule: 'image_required',
          limit: 1,
          actual: 0,
          message: 'instagram: post has no image, Instagram requires at least 1',
        },
      ]);
      expect(checkTextLimits('instagram', post('', { imageUrls: [IMAGE] }))).toEqual([]);
    });

    it('accepts a 2200-character caption and refuses 2201', () => {
      expect(checkTextLimits('instagram', post('a'.repeat(2200), { imageUrls: [IMAGE] }))).toEqual([]);
      expect(checkTextLimits('instagram', post('a'.repeat(2201), { imageUrls: [IMAGE] }))[0]).toMatchObject({
        rule: 'caption_length',
        limit: 2200,
        actual: 2201,
      });
    });

    it('accepts 30 hashtags and refuses 31', () => {
      const hashtags = (count: number) => Array.from({ length: count }, (_, i) => `#tag${i}`).join(' ');
      expect(checkTextLimits('instagram', post(hashtags(30), { imageUrls: [IMAGE] }))).toEqual([]);
      expect(checkTextLimits('instagram', post(hashtags(31), { imageUrls: [IMAGE] }))).toEqual([
        { platform: 'instagram', rule: 'hashtag_count', limit: 30, actual: 31, message: 'instagram: caption has 31 hashtags, the limit is 30' },
      ]);
    });

    it('accepts a carousel of 10 images and refuses 11', () => {
      expect(checkTextLimits('instagram', post('Hi', { imageUrls: images(10) }))).toEqual([]);
      expect(rules('instagram', post('Hi', { imageUrls: images(11) }))).toEqual(['image_count']);
    });
  });

  it.each(PLATFORMS.filter((platform) => platform !== 'instagram' && platform !== 'facebook'))(
    'refuses an empty post on %s but accepts one with only an image',
    (platform) => {
      expect(rules(platform, post('  '))).toEqual(['text_required']);
      expect(checkTextLimits(platform, post('', { imageUrls: [IMAGE] }))).toEqual([]);
    },
  );

  it('reports every rule a post breaks at once', () => {
    expect(rules('x', post('a'.repeat(300), { imageUrls: images(5) }))).toEqual(['text_length', 'image_count']);
  });
});

describe('composeText', () => {
  const link = 'https://example.com/launch';

  it.each<[Platform, string]>([
    ['x', `Launch day!\n\n${link}`],
    ['mastodon', `Launch day!\n\n${link}`],
    ['bluesky', `Launch day!\n\n${link}`],
    ['telegram', `Launch day!\n\n${link}`],
    ['linkedin', `Launch day!\n\n${link}`],
    ['facebook', 'Launch day!'],
    ['instagram', 'Launch day!'],
  ])('composes the text for %s', (platform, expected) => {
    expect(composeText(platform, post('Launch day!', { link }))).toBe(expected);
  });

  it('leaves the text alone when it already contains the link', () => {
    expect(composeText('x', post(`Read ${link} today`, { link }))).toBe(`Read ${link} today`);
    expect(composeText('mastodon', post(`Read it (${link}).`, { link }))).toBe(`Read it (${link}).`);
    expect(composeText('bluesky', post(link, { link }))).toBe(link);
  });

  it('still appends the link when the text only holds a longer URL that starts with it', () => {
    expect(composeText('x', post(`See ${link}/faq`, { link }))).toBe(`See ${link}/faq\n\n${link}`);
  });

  it('sends the text unchanged without a link', () => {
    expect(composeText('x', post('Hello'))).toBe('Hello');
  });

  it('sends only the link when there is no text, without trailing blank lines', () => {
    expect(composeText('telegram', post('', { link }))).toBe(link);
    expect(composeText('linkedin', post('Hello\n\n', { link }))).toBe(`Hello\n\n${link}`);
  });
});
