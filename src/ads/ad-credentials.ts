// Which credential fields each ad platform needs, checked when an ad account is connected; values never appear in messages.
import { DomainError } from '../common/domain-error';
import type { AdPlatform } from './ad-platform';

interface FieldRule {
  required: boolean;
  pattern?: RegExp;
  describe: string;
}

const TOKEN: FieldRule = { required: true, pattern: /^[\x21-\x7e]{1,4096}$/, describe: 'must be a non-empty token without spaces' };

const FIELDS: Record<AdPlatform, Record<string, FieldRule>> = {
  meta: { accessToken: TOKEN },
  x: { consumerKey: TOKEN, consumerSecret: TOKEN, accessToken: TOKEN, accessTokenSecret: TOKEN },
  linkedin: { accessToken: TOKEN },
  google: {
    developerToken: TOKEN,
    accessToken: TOKEN,
    loginCustomerId: { required: false, pattern: /^\d{10}$/, describe: 'must be the 10-digit manager account id, without dashes' },
  },
  tiktok: { accessToken: TOKEN },
};

/** The fields a platform takes, for the API documentation. */
export function credentialFieldsOf(platform: AdPlatform): string[] {
  return Object.keys(FIELDS[platform]);
}

/** Returns the credentials with only the known fields, or throws a 400 naming each problem field. */
export function validateAdCredentials(platform: AdPlatform, raw: Record<string, unknown>): Record<string, string> {
  const rules = FIELDS[platform];
  const problems: string[] = [];
  const checked: Record<string, string> = {};
  for (const [field, rule] of Object.entries(rules)) {
    const value = raw[field];
    if (value === undefined || value === null) {
      if (rule.required) {
        problems.push(`credentials.${field} is required for ${platform}`);
      }
      continue;
    }
    if (typeof value !== 'string' || (rule.pattern && !rule.pattern.test(value))) {
      problems.push(`credentials.${field} ${rule.describe}`);
      continue;
    }
    checked[field] = value;
  }
  for (const field of Object.keys(raw)) {
    if (!(field in rules)) {
      problems.push(`credentials.${field} is not a ${platform} ads credential field (expected ${Object.keys(rules).join(', ')})`);
    }
  }
  if (problems.length > 0) {
    throw DomainError.invalid(`Invalid ${platform} ads credentials: ${problems.join('; ')}`, problems);
  }
  return checked;
}
