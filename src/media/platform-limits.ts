// What each platform takes of library media, from its documentation (and PLATFORMS.md): checked when a post uses an item.
import { PLATFORM_NAMES, type Platform } from '../channels/platform';
import type { MediaItem } from './media-item.entity';
import type { Sniffed } from './media-sniff';

export interface PlatformMediaLimits {
  /** Image types the platform takes. */
  imageTypes: readonly Sniffed['mimeType'][];
  /** Largest image in bytes (GIFs may have their own), and whether a larger one is resized rather than refused. */
  imageBytes: number;
  gifBytes?: number;
  resizeImagesOver?: boolean;
  /** Largest MP4 video in bytes; null: this service does not publish video there yet. */
  videoBytes: number | null;
  /** Items in one post. */
  maxItems: number;
  /** Alt text length (characters); null: the platform takes no alt text (it is then not sent). */
  altTextMax: number | null;
  /** Width / height range of images (Instagram's 4:5 to 1.91:1). */
  aspectRatio?: { min: number; max: number; says: string };
}

const MB = 1024 * 1024;

export const PLATFORM_MEDIA_LIMITS: Record<Platform, PlatformMediaLimits> = {
  // X: POST /2/media/upload: images 5 MB, GIFs 15 MB, video 512 MB; 4 media per post; alt text 1,000 characters.
  x: { imageTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'], imageBytes: 5 * MB, gifBytes: 15 * MB, videoBytes: null, maxItems: 4, altTextMax: 1000 },
  // Bluesky: com.atproto.repo.uploadBlob for app.bsky.embed.images takes blobs up to 1,000,000 bytes, 4 images, alt up to 2,000.
  bluesky: { imageTypes: ['image/jpeg', 'image/png', 'image/webp'], imageBytes: 1_000_000, resizeImagesOver: true, videoBytes: null, maxItems: 4, altTextMax: 2000 },
  // Mastodon (default instance limits): images 16 MB, video 99 MB, 4 attachments, descriptions 1,500 characters.
  mastodon: { imageTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'], imageBytes: 16 * MB, videoBytes: null, maxItems: 4, altTextMax: 1500 },
  // Instagram content publishing: JPEG images up to 8 MB, aspect ratio 4:5 to 1.91:1, carousels of 10.
  instagram: {
    imageTypes: ['image/jpeg'],
    imageBytes: 8 * MB,
    videoBytes: null,
    maxItems: 10,
    altTextMax: null,
    aspectRatio: { min: 0.8, max: 1.91, says: 'between 4:5 (portrait) and 1.91:1 (landscape)' },
  },
  // Facebook Page photos: up to 10 MB (JPEG, PNG, GIF, WebP); alt text through alt_text_custom.
  facebook: { imageTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'], imageBytes: 10 * MB, videoBytes: null, maxItems: 10, altTextMax: 1000 },
  // LinkedIn Images API: JPEG, PNG, GIF; altText up to 4,086 characters; multi-image posts of up to 20.
  linkedin: { imageTypes: ['image/jpeg', 'image/png', 'image/gif'], imageBytes: 10 * MB, videoBytes: null, maxItems: 20, altTextMax: 4086 },
  // Telegram Bot API: photos up to 10 MB by upload, media groups of 10; no alt text.
  telegram: { imageTypes: ['image/jpeg', 'image/png', 'image/webp'], imageBytes: 10 * MB, videoBytes: null, maxItems: 10, altTextMax: null },
};

/** What the limits look at of a library item. */
export type CheckedItem = Pick<MediaItem, 'id' | 'originalName' | 'kind' | 'mimeType' | 'byteSize' | 'width' | 'height' | 'altText'>;

const size = (bytes: number): string => (bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`);
const short = (mimeType: string): string => mimeType.split('/')[1].toUpperCase().replace('JPEG', 'JPEG');

/** Why `items` cannot go to `platform` in one post, one sentence each; empty when they can. */
export function mediaProblems(platform: Platform, items: CheckedItem[]): string[] {
  const limits = PLATFORM_MEDIA_LIMITS[platform];
  const name = PLATFORM_NAMES[platform];
  const problems: string[] = [];
  if (items.length > limits.maxItems) {
    problems.push(`${name} takes at most ${limits.maxItems} media items in a post; this post has ${items.length}`);
  }
  for (const item of items) {
    const label = `${item.originalName} (${item.id})`;
    if (item.kind === 'video') {
      problems.push(`${label} is a video; Holdfast does not publish video to ${name} yet`);
      continue;
    }
    if (!limits.imageTypes.includes(item.mimeType as Sniffed['mimeType'])) {
      problems.push(`${label} is a ${short(item.mimeType)} image; ${name} takes ${limits.imageTypes.map(short).join(', ')}`);
      continue;
    }
    const max = item.mimeType === 'image/gif' && limits.gifBytes ? limits.gifBytes : limits.imageBytes;
    if (item.byteSize > max && !limits.resizeImagesOver) {
      problems.push(`${label} is ${size(item.byteSize)}; ${name} takes ${item.mimeType === 'image/gif' && limits.gifBytes ? 'GIFs' : 'images'} up to ${size(max)}`);
    }
    if (limits.aspectRatio && item.width && item.height) {
      const ratio = item.width / item.height;
      if (ratio < limits.aspectRatio.min || ratio > limits.aspectRatio.max) {
        problems.push(`${label} is ${item.width}×${item.height} (${ratio.toFixed(2)}:1); ${name} takes aspect ratios ${limits.aspectRatio.says}`);
      }
    }
    if (limits.altTextMax !== null && item.altText && [...item.altText].length > limits.altTextMax) {
      problems.push(`${label} has ${[...item.altText].length} characters of alt text; ${name} takes up to ${limits.altTextMax}`);
    }
  }
  return problems;
}
