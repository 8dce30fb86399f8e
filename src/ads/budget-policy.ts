// Pure rules of the controller: what a campaign shows, when a cap is reached, and what a resume may clear.
import { formatMinor, maxCapMinor } from './money';

/** What the platform says, reduced to what the controller acts on. */
export const PLATFORM_STATUSES = ['active', 'paused', 'inactive'] as const;
export type PlatformStatus = (typeof PLATFORM_STATUSES)[number];

/** What a campaign shows: the platform's status unless a change we asked for is not confirmed yet. */
export const CAMPAIGN_STATUSES = ['active', 'paused', 'pause_pending', 'resume_pending', 'inactive'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export type TargetStatus = 'paused' | 'active';

export const MANUAL = 'manual';
export const BUDGET_CAP = 'budget_cap';
/** A pause reason: manual, budget_cap, or a tag such as crisis:<uuid> given by the caller of a bulk pause. */
export const PAUSE_TAG = /^[a-z][a-z_]{0,30}(:[A-Za-z0-9-]{1,64})?$/;

export function displayStatus(platformStatus: PlatformStatus, target: TargetStatus | null): CampaignStatus {
  if (target === 'paused' && platformStatus !== 'paused') {
    return 'pause_pending';
  }
  if (target === 'active' && platformStatus !== 'active') {
    return 'resume_pending';
  }
  return platformStatus;
}

export type CapKind = 'daily' | 'lifetime' | 'monthly';

export interface CampaignSpend {
  spendTodayMinor: number;
  spendLifetimeMinor: number;
  dailyCapMinor: number | null;
  lifetimeCapMinor: number | null;
}

export interface CapBreach {
  kind: CapKind;
  spentMinor: number;
  capMinor: number;
}

/** The cap a campaign's spend has reached (spend ≥ cap), daily first; null when under both. */
export function reachedCap(campaign: CampaignSpend): CapBreach | null {
  if (campaign.dailyCapMinor !== null && campaign.spendTodayMinor >= campaign.dailyCapMinor) {
    return { kind: 'daily', spentMinor: campaign.spendTodayMinor, capMinor: campaign.dailyCapMinor };
  }
  if (campaign.lifetimeCapMinor !== null && campaign.spendLifetimeMinor >= campaign.lifetimeCapMinor) {
    return { kind: 'lifetime', spentMinor: campaign.spendLifetimeMinor, capMinor: campaign.lifetimeCapMinor };
  }
  return null;
}

export function reachedMonthlyCap(spentThisMonthMinor: number, monthlyCapMinor: number | null): CapBreach | null {
  return monthlyCapMinor !== null && spentThisMonthMinor >= monthlyCapMinor
    ? { kind: 'monthly', spentMinor: spentThisMonthMinor, capMinor: monthlyCapMinor }
    : null;
}

/** Why a cap value is refused, naming the field, or null when it is acceptable (null clears the cap). */
export function capProblem(field: string, value: number | null, currency: string): string | null {
  if (value === null) {
    return null;
  }
  if (!Number.isSafeInteger(value) || value < 1) {
    return `${field} must be a positive whole number of minor units of ${currency} (or null to remove the cap)`;
  }
  const max = maxCapMinor(currency);
  if (value > max) {
    return `${field} must be at most ${max} minor units (${formatMinor(max, currency)}): ${value} is not a plausible cap`;
  }
  return null;
}

export interface ResumePlan {
  /** Reasons still holding the campaign paused after the clear. */
  remaining: string[];
  /** Reasons asked to be cleared that the campaign was not paused for. */
  unknown: string[];
}

/** What clearing `clear` from a campaign's pause reasons leaves; a campaign resumes only when nothing remains. */
export function planResume(reasons: readonly string[], clear: readonly string[]): ResumePlan {
  return {
    remaining: reasons.filter((reason) => !clear.includes(reason)),
    unknown: clear.filter((reason) => !reasons.includes(reason)),
  };
}
