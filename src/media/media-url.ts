// Signed, expiring URLs to a library item's bytes, for platforms that fetch images themselves (Instagram's image_url).
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** How long a signed URL works: long enough for Meta to fetch it while the container is made. */
export const MEDIA_URL_LIFETIME_S = 60 * 60;
/** HKDF info of the signing key: a key of its own, never the key that seals credentials. */
export const MEDIA_URL_KEY_INFO = 'holdfast media url';

export type MediaUrlCheck = 'valid' | 'invalid' | 'expired';

/**
 * `GET {PUBLIC_URL}/api/media/public/{id}?exp=<unix seconds>&sig=<hex>`, where sig is
 * HMAC-SHA256(key, "{id}.{exp}") and key = HKDF-SHA256(SECRET_KEY, info "holdfast media url").
 * Every instance sharing the secret key signs and checks alike.
 */
export class MediaUrlSigner {
  private readonly key: Buffer;
  private readonly base: string;

  constructor(secretKey: Buffer, publicUrl: string) {
    this.key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), MEDIA_URL_KEY_INFO, 32));
    this.base = publicUrl.replace(/\/+$/, '');
  }

  /** The URL of item `id`, valid for MEDIA_URL_LIFETIME_S from `now`. */
  url(id: string, now: Date): string {
    const exp = Math.floor(now.getTime() / 1000) + MEDIA_URL_LIFETIME_S;
    return `${this.base}/api/media/public/${encodeURIComponent(id)}?exp=${exp}&sig=${this.signature(id, exp)}`;
  }

  /** The signature is checked first (exp is signed, so a changed exp is invalid), then the expiry. */
  check(id: string, exp: unknown, sig: unknown, now: Date): MediaUrlCheck {
    if (typeof exp !== 'string' || !/^\d{1,12}$/.test(exp) || typeof sig !== 'string' || !/^[0-9a-f]{64}$/.test(sig)) {
      return 'invalid';
    }
    const expected = Buffer.from(this.signature(id, Number(exp)), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) {
      return 'invalid';
    }
    return Number(exp) * 1000 <= now.getTime() ? 'expired' : 'valid';
  }

  private signature(id: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${id}.${exp}`).digest('hex');
  }
}
