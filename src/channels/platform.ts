export const PLATFORMS = ['x', 'facebook', 'instagram', 'linkedin', 'mastodon', 'bluesky', 'telegram'] as const;
export type Platform = (typeof PLATFORMS)[number];
