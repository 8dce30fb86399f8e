// A channel's failover policy, decided before the outage: the rules, as pure functions.
import type { FailoverPolicy } from '../channels/failover-policies';
import type { Platform } from '../channels/platform';
import { contentFor, type ContentFields } from '../calendar/post-content';
import { checkTextLimits } from '../calendar/text-limits';
import { DomainError } from '../common/domain-error';

export interface FailoverSettings {
  failoverPolicy: FailoverPolicy;
  failoverAfterMinutes: number | null;
}

/**
 * The settings a channel ends up with after a create or an edit, or a 400 naming the field:
 * auto needs failoverAfterMinutes; the minutes belong to auto alone; a policy other than off needs fallbacks.
 */
export function resolveFailoverSettings(
  current: FailoverSettings,
  change: { failoverPolicy?: FailoverPolicy; failoverAfterMinutes?: number },
  fallbackCount: number,
): FailoverSettings {
  const policy = change.failoverPolicy ?? current.failoverPolicy;
  if (policy !== 'auto') {
    if (change.failoverAfterMinutes !== undefined) {
      throw DomainError.invalid(`failoverAfterMinutes applies to failoverPolicy auto only (the policy is ${policy})`);
    }
    return assertFallbacks({ failoverPolicy: policy, failoverAfterMinutes: null }, fallbackCount);
  }
  const minutes = change.failoverAfterMinutes ?? (current.failoverPolicy === 'auto' ? current.failoverAfterMinutes : null);
  if (minutes === null) {
    throw DomainError.invalid('failoverAfterMinutes is required with failoverPolicy auto: how many minutes late a delivery may be before it goes to the fallbacks');
  }
  return assertFallbacks({ failoverPolicy: 'auto', failoverAfterMinutes: minutes }, fallbackCount);
}

function assertFallbacks(settings: FailoverSettings, fallbackCount: number): FailoverSettings {
  if (settings.failoverPolicy !== 'off' && fallbackCount === 0) {
    throw DomainError.invalid(`failoverPolicy ${settings.failoverPolicy} needs fallbackChannelIds: name at least one channel to fall back to`);
  }
  return settings;
}

/** When an auto failover may happen for a delivery planned at `scheduledAt`; null when the policy never fails over by itself. */
export function autoFailoverAt(settings: FailoverSettings, scheduledAt: Date): Date | null {
  if (settings.failoverPolicy !== 'auto' || settings.failoverAfterMinutes === null) {
    return null;
  }
  return new Date(scheduledAt.getTime() + settings.failoverAfterMinutes * 60_000);
}

/** A fallback channel as failover sees it. */
export interface FallbackChannel {
  id: string;
  name: string;
  platform: Platform;
  status: string;
  deleted: boolean;
  /** Its own platform or channel breaker is not closed. */
  degraded: boolean;
  /** The post already has a live delivery on it. */
  alreadyTargeted: boolean;
}

export interface FallbackChoice {
  channelId: string;
  name: string;
  platform: Platform;
  /** Why it cannot take the post; null when it can. */
  refusal: string | null;
}

/**
 * Which fallbacks can take the post, each checked with its own platform's text variant and limits;
 * those that cannot say why (a refusal is the reason, never a 5xx).
 */
export function chooseFallbacks(fallbacks: FallbackChannel[], fields: ContentFields): FallbackChoice[] {
  return fallbacks.map((channel) => {
    const base = { channelId: channel.id, name: channel.name, platform: channel.platform };
    if (channel.deleted) {
      return { ...base, refusal: 'the channel was disconnected' };
    }
    if (channel.status !== 'active') {
      return { ...base, refusal: `the channel is ${channel.status}` };
    }
    if (channel.alreadyTargeted) {
      return { ...base, refusal: 'the post already goes to this channel' };
    }
    if (channel.degraded) {
      return { ...base, refusal: `${channel.platform} is degraded too` };
    }
    const violations = checkTextLimits(channel.platform, contentFor(channel.platform, fields));
    return { ...base, refusal: violations.length > 0 ? violations.map((v) => v.message).join('; ') : null };
  });
}
