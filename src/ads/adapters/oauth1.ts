// OAuth 1.0a request signing (RFC 5849, HMAC-SHA1), as the X Ads API requires for every call.
import { createHmac, randomBytes } from 'node:crypto';

export interface OAuth1Keys {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

/** RFC 3986 percent-encoding, as OAuth 1.0a requires (encodeURIComponent leaves !'()* alone). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The signature over method, base URL (no query) and every query and oauth parameter. */
export function oauth1Signature(method: string, baseUrl: string, params: Record<string, string>, consumerSecret: string, tokenSecret: string): string {
  const normalized = Object.entries(params)
    .map(([key, value]) => [percentEncode(key), percentEncode(value)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : 1) : ak < bk ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const base = [method.toUpperCase(), percentEncode(baseUrl), percentEncode(normalized)].join('&');
  return createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`).update(base).digest('base64');
}

/** The Authorization header for a request whose parameters are all in the query string (no form body). */
export function oauth1Header(method: string, url: string, keys: OAuth1Keys, now: Date, nonce = randomBytes(16).toString('hex')): string {
  const parsed = new URL(url);
  const query = Object.fromEntries(parsed.searchParams);
  const oauth: Record<string, string> = {
    oauth_consumer_key: keys.consumerKey,
    oauth_nonce: nonce,
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(Math.floor(now.getTime() / 1000)),
    oauth_token: keys.accessToken,
    oauth_version: '1.0',
  };
  const baseUrl = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  oauth.oauth_signature = oauth1Signature(method, baseUrl, { ...query, ...oauth }, keys.consumerSecret, keys.accessTokenSecret);
  return `OAuth ${Object.entries(oauth)
    .map(([key, value]) => `${percentEncode(key)}="${percentEncode(value)}"`)
    .join(', ')}`;
}
