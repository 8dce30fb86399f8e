// The one interface every ad platform adapter implements; the controller knows nothing else of a platform.
import type { AdPlatform } from './ad-platform';
import type { PlatformStatus } from './budget-policy';

export const AD_PLATFORM_ADAPTERS = Symbol('AD_PLATFORM_ADAPTERS');

/** What an adapter needs to act on one ad account. */
export interface AdAccountAccess {
  /** The platform's account id, canonical (Meta without act_, Google without dashes). */
  platformAccountId: string;
  /** ISO 4217; every amount the adapter returns is in minor units of it. */
  currency: string;
  /** The decrypted credentials, as checked by ads/ad-credentials.ts. */
  credentials: Record<string, string>;
}

export interface PlatformCampaign {
  platformCampaignId: string;
  name: string;
  status: PlatformStatus;
  /** The platform's own word for it (ACTIVE, ENABLED, DISABLE, ARCHIVED…), for display. */
  rawStatus: string;
  dailyBudgetMinor: number | null;
  lifetimeBudgetMinor: number | null;
  /** Today's spend as the platform reports it. */
  spendTodayMinor: number;
  /** Lifetime spend, or null where the platform cannot report it in one call (X: 7 days at most per stats call). */
  spendLifetimeMinor: number | null;
}

export interface PlatformCampaignStatus {
  status: PlatformStatus;
  rawStatus: string;
}

/** How a failed call is to be treated; every adapter maps its platform's errors onto these. */
export type AdPlatformFailure =
  /** Not processed, or maybe processed: try again later (pause and resume are idempotent, so a repeat is safe). */
  | { kind: 'retryable'; reason: string }
  /** Over a rate limit: no request to this account before `until`. */
  | { kind: 'rate_limited'; reason: string; until: Date }
  /** The platform refused the request (unknown campaign, no permission): retrying as is cannot help. */
  | { kind: 'permanent'; reason: string }
  /** The credentials no longer work: a person must replace them. */
  | { kind: 'auth_expired'; reason: string };

export class AdPlatformError extends Error {
  constructor(readonly failure: AdPlatformFailure) {
    super(`${failure.kind}: ${failure.reason}`);
    this.name = 'AdPlatformError';
  }
}

/**
 * Contract: `setStatus` resolving means the platform acknowledged the request, never that the campaign
 * is paused; only `readStatus` (or a listing) says that. Setting a status a campaign already has is
 * harmless on every platform, so a call whose answer was lost is simply repeated. Every failure is
 * thrown as AdPlatformError with a reason that never contains a credential.
 */
export interface AdPlatformAdapter {
  readonly platform: AdPlatform;
  listCampaigns(account: AdAccountAccess): Promise<PlatformCampaign[]>;
  setStatus(account: AdAccountAccess, platformCampaignId: string, target: 'paused' | 'active'): Promise<void>;
  readStatus(account: AdAccountAccess, platformCampaignId: string): Promise<PlatformCampaignStatus>;
}
