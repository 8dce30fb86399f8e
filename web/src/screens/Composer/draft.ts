// The composer's form as data: what the writer typed, what each platform will receive, what is wrong with it before
// it is sent (counted by the service's own text-counting module), and the request body the service takes.
import { checkTextLimits, composeText, measureText, type LimitViolation, type PostContent } from '../../../../src/common/text-counting';
import type { components } from '../../api/schema';
import { byPlatformOrder, PLATFORM_NAMES, type Platform } from './platforms';
import { instantOf, type WallTime } from './zoned-time';

export type ChannelView = components['schemas']['ChannelView'];
export type PostView = components['schemas']['PostView'];
export type CreatePostBody = components['schemas']['CreatePostDto'];
export type UpdatePostBody = components['schemas']['UpdatePostDto'];
export type PostOptions = components['schemas']['PostOptionsDto'];

/** The platforms that take per-post options (visibility, content warning, languages, parse mode, silent sending). */
export const OPTION_PLATFORMS = ['mastodon', 'telegram', 'bluesky'] as const satisfies readonly Platform[];

export interface Draft {
  text: string;
  /** Text used instead of `text` on a platform; only platforms with an override open are sent. */
  platformText: Partial<Record<Platform, string>>;
  /** One URL a line, as typed. */
  imageUrls: string;
  /** Library media attached, in order (GET /api/media). */
  mediaIds: string[];
  link: string;
  labels: string[];
  channelIds: string[];
  when: 'schedule' | 'now';
  wall: WallTime;
  timeZone: string;
  /** Per-platform options; only those of platforms a chosen channel is on are sent. */
  options: PostOptions;
}

export function emptyDraft(timeZone: string): Draft {
  return { text: '', platformText: {}, imageUrls: '', mediaIds: [], link: '', labels: [], channelIds: [], when: 'schedule', wall: { date: '', time: '' }, timeZone, options: {} };
}

export function imageUrlsOf(draft: Draft): string[] {
  return draft.imageUrls
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The platforms the chosen channels are on, in the composer's order. */
export function platformsOf(draft: Draft, channels: ChannelView[]): Platform[] {
  const chosen = new Set(channels.filter((channel) => draft.channelIds.includes(channel.id)).map((channel) => channel.platform));
  return [...chosen].sort(byPlatformOrder);
}

/** What one platform will be sent, as the service's limits see it. */
export function contentFor(draft: Draft, platform: Platform): PostContent {
  const override = draft.platformText[platform];
  // Library media count as images for the platforms' limits (Telegram's shorter caption, Instagram's required image).
  return { text: override ?? draft.text, link: draft.link.trim() || null, imageUrls: [...imageUrlsOf(draft), ...draft.mediaIds.map((id) => `media:${id}`)] };
}

export interface PlatformCount {
  platform: Platform;
  length: number;
  limit: number;
  unit: string;
  /** The text this platform receives: with the link appended where the platform shows links in the text. */
  composed: string;
  violations: LimitViolation[];
  /** Whether the count is of an override rather than the main text. */
  overridden: boolean;
}

export function countFor(draft: Draft, platform: Platform): PlatformCount {
  const content = contentFor(draft, platform);
  const composed = composeText(platform, content);
  const { length, limit, unit } = measureText(platform, composed, content.imageUrls.length);
  return { platform, length, limit, unit, composed, violations: checkTextLimits(platform, content), overridden: draft.platformText[platform] !== undefined };
}

/** A limit broken, said the way a writer fixes it: by how much. */
export function describeViolation(count: PlatformCount, violation: LimitViolation): string {
  const name = PLATFORM_NAMES[count.platform];
  const where = count.overridden ? `the ${name} text` : 'the text';
  switch (violation.rule) {
    case 'text_length':
    case 'caption_length': {
      const over = violation.actual - violation.limit;
      return `${name}: ${where} is ${over} ${over === 1 ? 'character' : 'characters'} over the limit (${violation.actual}/${violation.limit} ${count.unit}); shorten it or write a shorter ${name} text`;
    }
    case 'text_bytes':
      return `${name}: ${where} is ${violation.actual - violation.limit} bytes over Bluesky's ${violation.limit}-byte limit; shorten it`;
    case 'image_count':
      return `${name}: ${violation.actual} images, ${violation.actual - violation.limit} over the limit of ${violation.limit}`;
    case 'image_required':
      return `${name}: Instagram needs at least one image`;
    case 'text_required':
      return `${name}: write some text or add an image`;
    case 'hashtag_count':
      return `${name}: ${violation.actual} hashtags, ${violation.actual - violation.limit} over the limit of ${violation.limit}`;
    default:
      return violation.message;
  }
}

/** The field a limit problem belongs to: the platform's own text when it has one, else the main text or the images. */
export function fieldOfViolation(count: PlatformCount, violation: LimitViolation): string {
  if (violation.rule === 'image_count' || violation.rule === 'image_required') {
    return 'imageUrls';
  }
  return count.overridden ? `platformText.${count.platform}` : 'text';
}

const URL_PATTERN = /^https?:\/\/[^\s/$.?#][^\s]*$/i;
const LABEL_PATTERN = /^[\p{L}\p{N}_\- ]{1,50}$/u;

export type FieldErrors = Record<string, string[]>;

function add(errors: FieldErrors, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

/** Everything the service would refuse that the console can know before sending, by field. */
export function checkDraft(draft: Draft, channels: ChannelView[]): FieldErrors {
  const errors: FieldErrors = {};
  if (draft.channelIds.length === 0) {
    add(errors, 'channelIds', 'Choose at least one channel to publish to');
  }
  if (draft.text.trim() === '') {
    add(errors, 'text', "Write the post's text");
  }
  if (draft.text.length > 10000) {
    add(errors, 'text', 'The text is longer than 10,000 characters');
  }
  for (const [platform, text] of Object.entries(draft.platformText)) {
    if (text === undefined || text.trim() === '') {
      add(errors, `platformText.${platform}`, `Write the ${PLATFORM_NAMES[platform as Platform]} text, or remove it to use the main text`);
    }
  }
  const images = imageUrlsOf(draft);
  for (const url of images) {
    if (!URL_PATTERN.test(url)) {
      add(errors, 'imageUrls', `${url} is not an http(s) URL`);
    }
  }
  if (images.length > 10) {
    add(errors, 'imageUrls', `${images.length} images: a post takes at most 10`);
  }
  if (draft.link.trim() !== '' && !URL_PATTERN.test(draft.link.trim())) {
    add(errors, 'link', 'The link must be an http(s) URL, e.g. https://example.com/autumn');
  }
  for (const label of draft.labels) {
    if (!LABEL_PATTERN.test(label)) {
      add(errors, 'labels', `Label "${label}" may only have letters, digits, spaces, - or _ (at most 50)`);
    }
  }
  if (draft.when === 'schedule' && !instantOf(draft.wall, draft.timeZone)) {
    add(errors, 'scheduledAt', 'Choose the date and the time to publish at');
  }
  for (const platform of platformsOf(draft, channels)) {
    const count = countFor(draft, platform);
    for (const violation of count.violations) {
      add(errors, fieldOfViolation(count, violation), describeViolation(count, violation));
    }
  }
  return errors;
}

/** Overrides of platforms no chosen channel is on are not sent: they would be stored for nothing. */
function platformTextFor(draft: Draft, channels: ChannelView[]): Record<string, string> {
  const platforms = platformsOf(draft, channels);
  return Object.fromEntries(Object.entries(draft.platformText).filter(([platform]) => platforms.includes(platform as Platform)));
}

/** The options of the chosen channels' platforms, without empty ones (an empty content warning is none). */
export function optionsFor(draft: Draft, channels: ChannelView[]): PostOptions {
  const platforms = platformsOf(draft, channels);
  const options: PostOptions = {};
  const { mastodon, telegram, bluesky } = draft.options;
  if (mastodon && platforms.includes('mastodon')) {
    const kept = Object.fromEntries(Object.entries(mastodon).filter(([, value]) => value !== undefined && value !== ''));
    if (Object.keys(kept).length > 0) {
      // The schema lists visibility as required because the service defaults it (public); it may be left out.
      options.mastodon = kept as NonNullable<PostOptions['mastodon']>;
    }
  }
  if (telegram && platforms.includes('telegram') && (telegram.parseMode !== undefined || telegram.silent)) {
    options.telegram = { ...(telegram.parseMode ? { parseMode: telegram.parseMode } : {}), ...(telegram.silent ? { silent: true } : {}) };
  }
  if (bluesky?.languages && bluesky.languages.length > 0 && platforms.includes('bluesky')) {
    options.bluesky = { languages: bluesky.languages };
  }
  return options;
}

export function createBody(draft: Draft, channels: ChannelView[]): CreatePostBody {
  const body: CreatePostBody = {
    text: draft.text,
    platformText: platformTextFor(draft, channels),
    imageUrls: imageUrlsOf(draft),
    mediaIds: draft.mediaIds,
    channelIds: draft.channelIds,
    timeZone: draft.timeZone,
    labels: draft.labels,
    publishNow: draft.when === 'now',
    options: optionsFor(draft, channels),
  };
  if (draft.link.trim() !== '') {
    body.link = draft.link.trim();
  }
  if (draft.when === 'schedule') {
    body.scheduledAt = instantOf(draft.wall, draft.timeZone)?.iso;
  }
  return body;
}

/** The edit as the service takes it; the time is sent only when it changed, so an unchanged past time is no refusal. */
export function updateBody(draft: Draft, channels: ChannelView[], original: Draft): UpdatePostBody {
  const { scheduledAt, publishNow, link, ...rest } = createBody(draft, channels);
  // null clears a link the post had.
  const body: UpdatePostBody = { ...rest, publishNow, link: (link ?? null) as string };
  const moved = draft.wall.date !== original.wall.date || draft.wall.time !== original.wall.time || draft.timeZone !== original.timeZone;
  if (!publishNow && moved) {
    body.scheduledAt = scheduledAt;
  }
  return body;
}

/** Whether the edit changes what approvers signed off (the service's content hash: texts, images, link, channels). */
export function changesContent(draft: Draft, original: Draft, channels: ChannelView[]): boolean {
  const content = (d: Draft): string =>
    JSON.stringify({
      text: d.text,
      platformText: Object.entries(platformTextFor(d, channels)).sort(),
      imageUrls: imageUrlsOf(d),
      mediaIds: d.mediaIds,
      link: d.link.trim() || null,
      channelIds: [...d.channelIds].sort(),
      options: optionsFor(d, channels),
    });
  return content(draft) !== content(original);
}

/** A saved post as the composer's form. */
export function draftOf(post: PostView, wall: WallTime): Draft {
  return {
    text: post.text,
    platformText: { ...(post.platformText as Partial<Record<Platform, string>>) },
    imageUrls: post.imageUrls.join('\n'),
    mediaIds: post.mediaIds ?? [],
    link: post.link ?? '',
    labels: post.labels,
    channelIds: [...new Set(post.deliveries.filter((d) => d.state !== 'cancelled').map((d) => d.channelId))],
    when: 'schedule',
    wall,
    timeZone: post.timeZone,
    options: post.options ?? {},
  };
}
