// A post's per-platform options as the fields each publisher's request takes (see each adapter's request type).
import type { Platform } from '../channels/platform';
import type { PlatformPostOptions, PostOptions } from './publisher.port';

export function requestOptionsOf(platform: Platform, options: PostOptions | null | undefined): Record<string, unknown> {
  const own: PlatformPostOptions | undefined = options?.[platform as keyof PostOptions];
  if (!own) {
    return {};
  }
  switch (platform) {
    case 'mastodon': {
      const o = options!.mastodon!;
      return { options: own, visibility: o.visibility, contentWarning: o.spoilerText, language: o.language };
    }
    case 'telegram': {
      const o = options!.telegram!;
      return { options: own, parseMode: o.parseMode, silent: o.silent };
    }
    case 'bluesky': {
      const o = options!.bluesky!;
      return { options: own, languages: o.languages };
    }
    case 'x':
    case 'facebook':
    case 'instagram':
    case 'linkedin':
      return {}; // no per-post options yet
  }
}
