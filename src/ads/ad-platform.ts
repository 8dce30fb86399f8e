// The ad platforms the controller speaks to, and the shape of their account ids.
export const AD_PLATFORMS = ['meta', 'x', 'linkedin', 'google', 'tiktok'] as const;
export type AdPlatform = (typeof AD_PLATFORMS)[number];

export function isAdPlatform(value: unknown): value is AdPlatform {
  return typeof value === 'string' && (AD_PLATFORMS as readonly string[]).includes(value);
}

interface AccountIdRule {
  pattern: RegExp;
  /** What the platform calls it and how it looks, for the 400 message. */
  shape: string;
  /** The canonical form stored and sent (e.g. Meta's act_ prefix and Google's dashes removed). */
  canonical: (raw: string) => string;
}

const ACCOUNT_IDS: Record<AdPlatform, AccountIdRule> = {
  meta: { pattern: /^(act_)?\d{1,20}$/, shape: 'a Meta ad account id: digits, optionally prefixed act_', canonical: (raw) => raw.replace(/^act_/, '') },
  x: { pattern: /^[a-z0-9]{1,20}$/, shape: 'an X Ads account id: lowercase letters and digits (e.g. 18ce54d4x5t)', canonical: (raw) => raw },
  linkedin: { pattern: /^\d{1,20}$/, shape: 'a LinkedIn ad account id: digits', canonical: (raw) => raw },
  google: { pattern: /^\d{3}-?\d{3}-?\d{4}$/, shape: 'a Google Ads customer id: 10 digits, optionally as 123-456-7890', canonical: (raw) => raw.replace(/-/g, '') },
  tiktok: { pattern: /^\d{1,20}$/, shape: 'a TikTok advertiser id: digits', canonical: (raw) => raw },
};

/** The canonical account id, or the problem with it (naming the field). */
export function checkAccountId(platform: AdPlatform, raw: string): { id: string } | { problem: string } {
  const rule = ACCOUNT_IDS[platform];
  return rule.pattern.test(raw) ? { id: rule.canonical(raw) } : { problem: `platformAccountId must be ${rule.shape}` };
}
