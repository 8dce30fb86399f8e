// Turning a request into checked content: platform texts, per-channel limits, the scheduled instant.
import type { Channel } from '../channels/channel.entity';
import { Platform, PLATFORMS } from '../channels/platform';
import { DomainError } from '../common/domain-error';
import { parseInstant } from './instants';
import { checkTextLimits, PostContent } from './text-limits';

export function checkPlatformText(raw: Record<string, unknown> | undefined): Partial<Record<Platform, string>> {
  const result: Partial<Record<Platform, string>> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (!(PLATFORMS as readonly string[]).includes(key)) {
      throw DomainError.invalid(`platformText.${key} is not a platform; use one of ${PLATFORMS.join(', ')}`);
    }
    if (typeof value !== 'string' || value.length < 1 || value.length > 10000) {
      throw DomainError.invalid(`platformText.${key} must be a text of 1 to 10000 characters`);
    }
    result[key as Platform] = value;
  }
  return result;
}

export interface ContentFields {
  text: string;
  platformText: Partial<Record<Platform, string>>;
  imageUrls: string[];
  link: string | null;
}

/** The content one platform will receive. */
export function contentFor(platform: Platform, fields: ContentFields): PostContent {
  return { text: fields.platformText[platform] ?? fields.text, link: fields.link, imageUrls: fields.imageUrls };
}

/** Refuses content any target channel could not publish, naming the channel and the limit. */
export function assertPublishable(channels: Pick<Channel, 'id' | 'name' | 'platform'>[], fields: ContentFields): void {
  const problems = channels.flatMap((channel) =>
    checkTextLimits(channel.platform, contentFor(channel.platform, fields)).map(
      (violation) => `channel ${channel.name} (${channel.id}): ${violation.message}`,
    ),
  );
  if (problems.length > 0) {
    throw DomainError.invalid(problems.join('; '), problems);
  }
}

/** The instant to publish at: now for publishNow, else a future instant stated with its offset. */
export function resolveScheduledAt(scheduledAt: string | undefined, publishNow: boolean | undefined, now: Date): Date {
  if (publishNow) {
    return now;
  }
  if (scheduledAt === undefined) {
    throw DomainError.invalid('scheduledAt is required unless publishNow is true');
  }
  const instant = parseInstant(scheduledAt);
  if (!instant) {
    throw DomainError.invalid('scheduledAt must be an ISO 8601 instant with an offset, e.g. 2026-12-01T09:00:00+01:00');
  }
  if (instant.getTime() < now.getTime()) {
    throw DomainError.invalid(`scheduledAt ${scheduledAt} is in the past; send publishNow: true to publish at once`);
  }
  return instant;
}
