// How the composer names the platforms, in the order it lists them.
import type { components } from '../../api/schema';

export type Platform = components['schemas']['ChannelView']['platform'];

export const PLATFORM_ORDER: Platform[] = ['x', 'mastodon', 'bluesky', 'linkedin', 'facebook', 'instagram', 'telegram'];

export { PLATFORM_NAMES } from '../../platforms';

export function byPlatformOrder(a: Platform, b: Platform): number {
  return PLATFORM_ORDER.indexOf(a) - PLATFORM_ORDER.indexOf(b);
}
