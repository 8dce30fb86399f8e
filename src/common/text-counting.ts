// What each platform accepts in a post's text and images, counted the way that platform counts: checked by the service
// when a post is scheduled and by the console's composer as the text is typed (the same code, so what one accepts the
// other does). Plain TypeScript with no Node or Nest imports: it runs in the browser too.
import twitterText from 'twitter-text';
import type { Platform } from '../channels/platform';

// The default import: twitter-text's ES build (the one the console's bundler takes) exports one default object, not names.
const { extractHashtags, extractUrlsWithIndices, parseTweet } = twitterText;

export interface PostContent {
  text: string;
  link: string | null;
  imageUrls: string[];
}

export interface LimitViolation {
  platform: Platform;
  rule: string;
  limit: number;
  actual: number;
  message: string;
}

/** How one platform limits the text it is sent. */
interface TextLimit {
  /** What the platform calls the text: Telegram and Instagram send it as a photo's caption. */
  field: 'text' | 'caption';
  limit: number;
  unit: string;
  measure: (text: string) => number;
  /** When the limit applies, if it depends on the post. */
  when?: string;
  /** Where the count differs from what a writer would guess. */
  counting?: string;
}

// X: 280 weighted characters, as the official twitter-text library counts them (URLs 23, CJK and emoji 2).
const X_TEXT = 280;
// Bluesky: lexicon app.bsky.feed.post, `text: { maxGraphemes: 300, maxLength: 3000 }`; a lexicon string's maxLength is in UTF-8 bytes.
const BLUESKY_GRAPHEMES = 300;
const BLUESKY_BYTES = 3000;
// Mastodon: StatusLengthValidator::MAX_CHARS (500, the default; instances may raise it) and URL_PLACEHOLDER_CHARS (23).
const MASTODON_TEXT = 500;
const MASTODON_URL_LENGTH = 23;
// LinkedIn: 3,000 characters of post commentary; the limit every scheduler enforces, not stated in the Posts API reference.
const LINKEDIN_TEXT = 3000;
// Telegram Bot API: sendMessage `text` 1-4096 and sendPhoto/InputMediaPhoto `caption` 0-1024 characters after entities parsing.
const TELEGRAM_MESSAGE = 4096;
const TELEGRAM_CAPTION = 1024;
// Facebook: 63,206 characters in a post's message; the long-standing figure, not stated in the Graph API reference.
const FACEBOOK_TEXT = 63206;
// Instagram Graph API, POST /{ig-user-id}/media `caption`: at most 2,200 characters and 30 hashtags (and 20 @-mentions, not checked).
const INSTAGRAM_CAPTION = 2200;
const INSTAGRAM_HASHTAGS = 30;

/**
 * The most images one post may carry; null where we enforce no number.
 * x: POST /2/tweets `media.media_ids` takes at most 4. bluesky: app.bsky.embed.images `images.maxLength: 4`.
 * mastodon: Status::MEDIA_ATTACHMENTS_LIMIT (4). linkedin: MultiImage posts hold 2 to 20 images.
 * telegram: sendMediaGroup takes 2 to 10 items. instagram: a carousel holds up to 10 items through the
 * Content Publishing API (the app allows 20, the API does not). facebook: no documented number.
 */
const MAX_IMAGES: Record<Platform, number | null> = {
  x: 4,
  bluesky: 4,
  mastodon: 4,
  linkedin: 20,
  telegram: 10,
  instagram: 10,
  facebook: null,
};

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// TextEncoder rather than Buffer: the browser has no Buffer.
const utf8 = new TextEncoder();

/** In ASCII text every UTF-16 unit is its own grapheme, except CR LF, which is one. */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      return false;
    }
  }
  return true;
}

function graphemeCount(text: string): number {
  if (isAscii(text) && !text.includes('\r\n')) {
    return text.length; // the common case, without segmenting
  }
  let count = 0;
  for (const _ of graphemes.segment(text)) {
    count++;
  }
  return count;
}

/** JavaScript's length: Telegram counts UTF-16 code units, and so do most web composers. */
function utf16Length(text: string): number {
  return text.length;
}

/** Only the username of a mention counts on Mastodon: Account::MENTION_RE, with [[:word:]] spelled out. */
const MASTODON_MENTION =
  /(?<![=/\p{L}\p{M}\p{N}\p{Pc}])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[\p{L}\p{M}\p{N}\p{Pc}]+(?:[.-]+[\p{L}\p{M}\p{N}\p{Pc}]+)*)?/giu;

/**
 * Mastodon's StatusLengthValidator#countable_text: every URL (with its protocol) becomes 23 characters and
 * every mention loses its @domain, overlapping entities keep the first; the result is counted in grapheme
 * clusters (`grapheme_length`), so a family emoji or an accented letter built from combining marks is one.
 */
function mastodonLength(text: string): number {
  const urls = extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false }).map((url) => ({
    start: url.indices[0],
    end: url.indices[1],
    replacement: 'x'.repeat(MASTODON_URL_LENGTH),
  }));
  const mentions = Array.from(text.matchAll(MASTODON_MENTION), (match) => ({
    start: match.index,
    end: match.index + match[0].length,
    replacement: `@${match[1]}`,
  }));
  let countable = '';
  let position = 0;
  for (const entity of [...urls, ...mentions].sort((a, b) => a.start - b.start)) {
    if (entity.start < position) {
      continue;
    }
    countable += text.slice(position, entity.start) + entity.replacement;
    position = entity.end;
  }
  return graphemeCount(countable + text.slice(position));
}

function textLimit(platform: Platform, imageCount: number): TextLimit {
  switch (platform) {
    case 'x':
      return {
        field: 'text',
        limit: X_TEXT,
        unit: 'weighted characters',
        measure: (text) => parseTweet(text).weightedLength,
        counting: 'URLs count as 23, emoji and CJK characters as 2',
      };
    case 'bluesky':
      return { field: 'text', limit: BLUESKY_GRAPHEMES, unit: 'graphemes', measure: graphemeCount };
    case 'mastodon':
      return {
        field: 'text',
        limit: MASTODON_TEXT,
        unit: 'characters',
        measure: mastodonLength,
        counting: 'URLs count as 23, a mention counts without its @domain',
      };
    // LinkedIn, Facebook and Instagram do not say how they count; UTF-16 code units are the strictest
    // plausible count, so what passes here is not refused at publish time.
    case 'linkedin':
      return { field: 'text', limit: LINKEDIN_TEXT, unit: 'UTF-16 code units', measure: utf16Length, counting: 'most emoji count as 2' };
    case 'facebook':
      return { field: 'text', limit: FACEBOOK_TEXT, unit: 'UTF-16 code units', measure: utf16Length, counting: 'most emoji count as 2' };
    case 'instagram':
      return { field: 'caption', limit: INSTAGRAM_CAPTION, unit: 'UTF-16 code units', measure: utf16Length, counting: 'most emoji count as 2' };
    case 'telegram':
      return imageCount > 0
        ? {
            field: 'caption',
            limit: TELEGRAM_CAPTION,
            unit: 'UTF-16 code units',
            measure: utf16Length,
            when: 'when the post has images',
            counting: 'most emoji count as 2',
          }
        : { field: 'text', limit: TELEGRAM_MESSAGE, unit: 'UTF-16 code units', measure: utf16Length, counting: 'most emoji count as 2' };
  }
}

function showsLinkInText(platform: Platform): boolean {
  switch (platform) {
    case 'x':
    case 'mastodon':
    case 'bluesky':
    case 'telegram':
    case 'linkedin':
      return true;
    // Facebook takes the link as its own `link` field and builds the preview from it;
    // Instagram captions do not make links clickable, so a URL there is only noise.
    case 'facebook':
    case 'instagram':
      return false;
  }
}

/** The link stands on its own in the text, not as the start of a longer URL ("https://a.com" in "https://a.com/b"). */
function containsLink(text: string, link: string): boolean {
  for (let at = text.indexOf(link); at !== -1; at = text.indexOf(link, at + 1)) {
    const before = at === 0 ? '' : text[at - 1];
    const after = text.slice(at + link.length);
    if (/^[\s(<[{"'«]?$/u.test(before) && /^[.,;:!?)>\]}"'»]*(?:\s|$)/u.test(after)) {
      return true;
    }
  }
  return false;
}

/** The text that will be sent to this platform: `text` with the link appended where the platform shows links in the text. */
export function composeText(platform: Platform, content: PostContent): string {
  const { text, link } = content;
  if (!link || !showsLinkInText(platform) || containsLink(text, link)) {
    return text;
  }
  const body = text.trimEnd();
  return body === '' ? link : `${body}\n\n${link}`;
}

/**
 * The length as the platform counts it, with the unit, for messages and the API.
 * Telegram's limit depends on images (a caption is shorter than a message): pass how many the post has.
 */
export function measureText(platform: Platform, text: string, imageCount = 0): { length: number; limit: number; unit: string } {
  const { limit, unit, measure } = textLimit(platform, imageCount);
  return { length: measure(text), limit, unit };
}

/** Every rule this content breaks on this platform; empty when it can be published there. */
export function checkTextLimits(platform: Platform, content: PostContent): LimitViolation[] {
  const text = composeText(platform, content);
  const images = content.imageUrls.length;
  const violations: LimitViolation[] = [];
  const breaks = (rule: string, limit: number, actual: number, message: string): void => {
    violations.push({ platform, rule, limit, actual, message: `${platform}: ${message}` });
  };

  if (platform === 'instagram' && images === 0) {
    breaks('image_required', 1, 0, 'post has no image, Instagram requires at least 1');
  }
  // Facebook can publish a bare link; every other platform refuses a post with nothing in it.
  const hasContent = images > 0 || text.trim() !== '' || (platform === 'facebook' && !!content.link);
  if (platform !== 'instagram' && !hasContent) {
    breaks('text_required', 1, 0, 'text is empty and the post has no image, at least 1 character is required');
  }

  const { field, limit, unit, measure, when, counting } = textLimit(platform, images);
  const length = measure(text);
  if (length > limit) {
    const condition = when ? ` ${when}` : '';
    const note = counting ? ` (${counting})` : '';
    breaks(`${field}_length`, limit, length, `${field} is ${length} ${unit}, the limit is ${limit}${condition}${note}`);
  }

  if (platform === 'bluesky') {
    const bytes = utf8.encode(text).length;
    if (bytes > BLUESKY_BYTES) {
      breaks('text_bytes', BLUESKY_BYTES, bytes, `text is ${bytes} UTF-8 bytes, the limit is ${BLUESKY_BYTES}`);
    }
  }

  if (platform === 'instagram') {
    const hashtags = extractHashtags(text).length;
    if (hashtags > INSTAGRAM_HASHTAGS) {
      breaks('hashtag_count', INSTAGRAM_HASHTAGS, hashtags, `caption has ${hashtags} hashtags, the limit is ${INSTAGRAM_HASHTAGS}`);
    }
  }

  const maxImages = MAX_IMAGES[platform];
  if (maxImages !== null && images > maxImages) {
    breaks('image_count', maxImages, images, `post has ${images} images, the limit is ${maxImages}`);
  }
  return violations;
}
