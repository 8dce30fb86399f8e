// Which ad platforms a crisis's social-platform scope reaches: paid media runs where the brand posts.
import type { Platform } from '../channels/platform';

export const AD_PLATFORMS = ['meta', 'x', 'linkedin', 'google', 'tiktok'] as const;
export type AdPlatformName = (typeof AD_PLATFORMS)[number];

const ADS_OF: Record<Platform, AdPlatformName[]> = {
  x: ['x'],
  facebook: ['meta'],
  instagram: ['meta'],
  linkedin: ['linkedin'],
  mastodon: [],
  bluesky: [],
  telegram: [],
};

/**
 * A crisis holding every platform pauses every ad platform (search and TikTok ads included: the
 * brand's voice is everywhere); one scoped to some platforms pauses the ad platforms behind them.
 * Undefined means all.
 */
export function adPlatformsFor(platforms: Platform[] | null): AdPlatformName[] | undefined {
  if (platforms === null) {
    return undefined;
  }
  return [...new Set(platforms.flatMap((p) => ADS_OF[p]))];
}
