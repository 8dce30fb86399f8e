// Turning a request into checked content: platform texts, per-channel limits, the scheduled instant.
import type { Channel } from '../channels/channel.entity';
import { Platform, PLATFORMS } from '../channels/platform';
import { DomainError } from '../common/domain-error';
import { isWallClock, parseInstant, readWallClock } from './instants';
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

/**
 * The instant to publish at: now for publishNow, else a future instant, given with its offset
 * (2027-03-28T09:30:00+02:00) or as a wall-clock time read in `timeZone` (2027-03-28T09:30 in
 * Europe/Madrid). A wall-clock time the clocks skip (spring forward) is refused with the nearest valid
 * times; one they show twice (fall back) is the earlier instant. `timeZone` is checked by the caller.
 */
export function resolveScheduledAt(scheduledAt: string | undefined, publishNow: boolean | undefined, now: Date, timeZone?: string): Date {
  if (publishNow) {
    return now;
  }
  if (scheduledAt === undefined) {
    throw DomainError.invalid('scheduledAt is required unless publishNow is true');
  }
  const instant = isWallClock(scheduledAt) ? wallClockInstant(scheduledAt, timeZone) : parseInstant(scheduledAt);
  if (!instant) {
    throw DomainError.invalid(
      'scheduledAt must be an ISO 8601 date-time, with an offset (2026-12-01T09:00:00+01:00) or without one and a timeZone to read it in (2026-12-01T09:00 with timeZone Europe/Madrid)',
    );
  }
  if (instant.getTime() < now.getTime()) {
    throw DomainError.invalid(`scheduledAt ${scheduledAt} is in the past; send publishNow: true to publish at once`);
  }
  return instant;
}

function wallClockInstant(scheduledAt: string, timeZone: string | undefined): Date | undefined {
  if (timeZone === undefined) {
    throw DomainError.invalid(
      `timeZone is required when scheduledAt has no offset: ${scheduledAt} is a wall-clock time, read in the IANA zone you name (e.g. "timeZone": "Europe/Madrid"); or give scheduledAt with its offset`,
    );
  }
  const reading = readWallClock(scheduledAt, timeZone);
  switch (reading.kind) {
    case 'instant':
      return reading.instant;
    case 'gap':
      throw DomainError.invalid(
        `scheduledAt ${scheduledAt} does not exist in ${timeZone}: the clocks skip it (daylight saving time begins); the nearest valid times are ${reading.before} and ${reading.after}`,
      );
    case 'invalid':
      return undefined;
  }
}
