// Instants in the workspace's zone, as every screen of the console shows them.
import type { components } from '../../api/schema';

export type CrisisView = components['schemas']['CrisisView'];

export function formatAt(value: unknown, timeZone: string): string {
  if (!value) {
    return '—';
  }
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(value as string));
}

/** "14:02:31": the timeline lists events seconds apart. */
export function formatTime(value: string, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone }).format(new Date(value));
}

export function scopeWords(platforms: readonly string[] | null, name: (p: string) => string): string {
  return platforms === null ? 'all platforms' : platforms.map(name).join(', ');
}
