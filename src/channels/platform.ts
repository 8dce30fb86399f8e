export const PLATFORMS = ['x', 'facebook', 'instagram', 'linkedin', 'mastodon', 'bluesky', 'telegram'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The platforms as people write them, for messages. */
export const PLATFORM_NAMES: Record<Platform, string> = {
  x: 'X',
  facebook: 'Facebook',
  instagram: 'Instagram',
  linkedin: 'LinkedIn',
  mastodon: 'Mastodon',
  bluesky: 'Bluesky',
  telegram: 'Telegram',
};
