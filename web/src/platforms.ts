// The seven platforms as people read them, in one place for every screen.
import { PLATFORM_NAMES as SERVICE_PLATFORM_NAMES } from '../../src/channels/platform';
import type { components } from './api/schema';

export type Platform = components['schemas']['ChannelView']['platform'];

// The service's own names (as the composer uses the service's text counting): one list for both.
export const PLATFORM_NAMES: Record<Platform, string> = SERVICE_PLATFORM_NAMES;

export const PLATFORMS = Object.keys(PLATFORM_NAMES) as Platform[];

export function platformName(platform: Platform): string {
  return PLATFORM_NAMES[platform] ?? platform;
}
