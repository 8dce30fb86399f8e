// The seven platforms as people read them, in one place for every screen.
import type { components } from './api/schema';

export type Platform = components['schemas']['ChannelView']['platform'];

export const PLATFORM_NAMES: Record<Platform, string> = {
  x: 'X',
  facebook: 'Facebook',
  instagram: 'Instagram',
  linkedin: 'LinkedIn',
  mastodon: 'Mastodon',
  bluesky: 'Bluesky',
  telegram: 'Telegram',
};

export const PLATFORMS = Object.keys(PLATFORM_NAMES) as Platform[];

export function platformName(platform: Platform): string {
  return PLATFORM_NAMES[platform] ?? platform;
}
