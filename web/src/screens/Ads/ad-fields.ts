// The ad platforms as people read them, and the credential fields each one's connection takes (mirrors
// src/ads/ad-credentials.ts): secrets are write-only, the service says only which fields are stored.
import type { components } from '../../api/schema';

export type AdAccountView = components['schemas']['AdAccountView'];
export type CampaignView = components['schemas']['CampaignView'];
export type PauseOrderView = components['schemas']['PauseOrderView'];
export type AdPlatform = AdAccountView['platform'];

export const AD_PLATFORM_NAMES: Record<AdPlatform, string> = {
  meta: 'Meta',
  x: 'X Ads',
  linkedin: 'LinkedIn Ads',
  google: 'Google Ads',
  tiktok: 'TikTok',
};

export const AD_PLATFORMS = Object.keys(AD_PLATFORM_NAMES) as AdPlatform[];

export interface AdCredentialField {
  name: string;
  label: string;
  secret: boolean;
  optional?: boolean;
}

export const AD_CREDENTIAL_FIELDS: Record<AdPlatform, AdCredentialField[]> = {
  meta: [{ name: 'accessToken', label: 'Access token', secret: true }],
  x: [
    { name: 'consumerKey', label: 'Consumer key', secret: true },
    { name: 'consumerSecret', label: 'Consumer secret', secret: true },
    { name: 'accessToken', label: 'Access token', secret: true },
    { name: 'accessTokenSecret', label: 'Access token secret', secret: true },
  ],
  linkedin: [{ name: 'accessToken', label: 'Access token', secret: true }],
  google: [
    { name: 'developerToken', label: 'Developer token', secret: true },
    { name: 'accessToken', label: 'Access token', secret: true },
    { name: 'loginCustomerId', label: 'Login customer ID (manager account)', secret: false, optional: true },
  ],
  tiktok: [{ name: 'accessToken', label: 'Access token', secret: true }],
};

export const ACCOUNT_ID_HINTS: Record<AdPlatform, string> = {
  meta: 'Digits or act_<digits>',
  x: 'Letters and digits, e.g. 18ce54d4x5t',
  linkedin: 'Digits',
  google: '10 digits (123-456-7890 accepted)',
  tiktok: 'Digits',
};

export const STATUS_WORDS: Record<CampaignView['status'], { label: string; color: string }> = {
  active: { label: 'Running', color: 'teal.9' },
  paused: { label: 'Paused', color: 'gray.7' },
  pause_pending: { label: 'Pausing…', color: 'yellow.4' },
  resume_pending: { label: 'Resuming…', color: 'yellow.4' },
  inactive: { label: 'Inactive', color: 'gray.7' },
};

/** One pause reason in words: a person (manual), a budget cap, a crisis. */
export function reasonWords(reason: string, campaign: Pick<CampaignView, 'pausedBy'>): string {
  if (reason === 'manual') {
    return campaign.pausedBy && campaign.pausedBy !== 'system' ? `paused by ${campaign.pausedBy}` : 'paused by a person';
  }
  if (reason === 'budget_cap') {
    return 'a budget cap was reached';
  }
  if (reason.startsWith('crisis:')) {
    return 'the crisis pause';
  }
  return reason;
}
