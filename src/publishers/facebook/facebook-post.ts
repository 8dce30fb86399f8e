// What a Facebook Page post is made of, computed without I/O: credentials, captions, permalinks.
import { PublishError, type PublishMedia, type PublishRequest } from '../publisher.port';

export interface FacebookCredentials {
  pageId: string;
  pageAccessToken: string;
}

/** Channels validate these fields when connected; a record that no longer fits needs a person, like a dead token. */
export function readFacebookCredentials(raw: Record<string, string>): FacebookCredentials {
  if (!/^\d{1,30}$/.test(raw.pageId ?? '') || !raw.pageAccessToken) {
    throw new PublishError({ kind: 'auth_expired', reason: 'The channel has no usable Facebook Page id and page access token: reconnect the channel' });
  }
  return { pageId: raw.pageId, pageAccessToken: raw.pageAccessToken };
}

/**
 * A photo post has no `link` field, so the link goes at the end of the caption (once), as the
 * other platforms show it; a feed post keeps it as `link` for Facebook's preview.
 */
export function photoCaption(text: string, link: string | null): string | undefined {
  const body = text.trimEnd();
  const caption = !link || body.includes(link) ? body : body === '' ? link : `${body}\n\n${link}`;
  return caption === '' ? undefined : caption;
}

/**
 * Graph answers a Page post id as "{page-id}_{post-id}"; facebook.com/{that id} opens the post, which
 * is the permalink form Meta documents for Page posts.
 */
export function facebookPostUrl(id: string): string {
  return `https://www.facebook.com/${encodeURIComponent(id)}`;
}

/** One photo of a Page post: an image URL Meta fetches, or a library item uploaded as bytes. */
export type FacebookPhoto = { url: string; media?: undefined } | { url?: undefined; media: PublishMedia };

/** The post's photos in order: image URLs first, then library items, as the other platforms show them. */
export function photosOf(request: Pick<PublishRequest, 'imageUrls' | 'media'>): FacebookPhoto[] {
  return [...request.imageUrls.map((url) => ({ url })), ...(request.media ?? []).map((media) => ({ media }))];
}
