// Reads a post's images for platforms that take uploads: fetched from their URLs, refusing what the platform would refuse, or read from the library.
import { isPrivateAddressRefusal, type NetworkPolicy, PRIVATE_ADDRESS_REFUSED } from '../common/network-policy';
import { PublishError, type PublishRequest } from './publisher.port';

/** Hops followed after the first request; each one is checked like the first. */
const MAX_REDIRECTS = 5;

export interface DownloadedImage {
  bytes: Buffer;
  /** The media type the image server declared, lower-cased, without parameters. */
  mediaType: string;
}

/** An image to upload with a post, with its alt text (null when none was given). */
export type PostImage = DownloadedImage & { altText: string | null };

export interface ImageLimits {
  mediaTypes: readonly string[];
  maxBytes: number;
  timeoutMs: number;
}

/**
 * A post's images for a platform that takes uploads, in the post's order: image URLs first (downloaded within
 * `limits`, alt text from `imageDescriptions` where a send carries them), then library items with their alt text.
 * All are read before anything reaches the platform, so a failure here cannot leave half a post.
 */
export async function readPostImages(network: NetworkPolicy, request: PublishRequest & { imageDescriptions?: string[] }, limits: ImageLimits): Promise<PostImage[]> {
  const images: PostImage[] = [];
  for (const [index, url] of request.imageUrls.entries()) {
    images.push({ ...(await downloadImage(network, url, limits, request.signal)), altText: request.imageDescriptions?.[index] ?? null });
  }
  for (const item of request.media ?? []) {
    images.push({ bytes: await item.read(), mediaType: item.mimeType, altText: item.altText });
  }
  return images;
}

/**
 * Downloads one image, or throws PublishError: permanent when the URL cannot give an acceptable image
 * (not http(s), 4xx, wrong type, too large, or an address the network policy refuses), retryable when
 * the image server may do better later. An abort of `signal` is rethrown as is, so the caller can tell
 * it from a failure. Every hop goes through the policy's fetch, which checks the address it connects to.
 */
export async function downloadImage(network: NetworkPolicy, url: string, limits: ImageLimits, signal?: AbortSignal): Promise<DownloadedImage> {
  const shown = describe(url);
  if (shown === undefined) {
    throw new PublishError({ kind: 'permanent', reason: 'An image URL is not an http(s) URL' });
  }
  const deadline = AbortSignal.timeout(limits.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
  try {
    const response = await fetchFollowing(network, url, shown, combined);
    if (!response.ok) {
      await response.body?.cancel();
      const transient = response.status >= 500 || response.status === 408 || response.status === 429;
      throw new PublishError({ kind: transient ? 'retryable' : 'permanent', reason: `Image ${shown} answered HTTP ${response.status}` });
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (!limits.mediaTypes.includes(mediaType)) {
      await response.body?.cancel();
      const accepted = limits.mediaTypes.join(', ');
      throw new PublishError({ kind: 'permanent', reason: `Image ${shown} is ${mediaType || 'of no declared type'}, not one of ${accepted}` });
    }
    return { bytes: await readAtMost(response, limits.maxBytes, shown), mediaType };
  } catch (error) {
    if (error instanceof PublishError || signal?.aborted) {
      throw error;
    }
    if (isPrivateAddressRefusal(error)) {
      // Nothing about the address or what answers there: the same words for every refusal.
      throw new PublishError({ kind: 'permanent', reason: `Image ${shown} ${PRIVATE_ADDRESS_REFUSED}` });
    }
    const why = deadline.aborted ? `took longer than ${limits.timeoutMs} ms` : `could not be fetched (${causeOf(error)})`;
    throw new PublishError({ kind: 'retryable', reason: `Image ${shown} ${why}` });
  }
}

/** Follows redirects by hand so each Location is checked as a URL (scheme, literal address) before the policy's connect-time check. */
async function fetchFollowing(network: NetworkPolicy, url: string, shown: string, signal: AbortSignal): Promise<Response> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const response = await network.fetch(current, { signal, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) {
      return response;
    }
    await response.body?.cancel();
    if (hop >= MAX_REDIRECTS) {
      throw new PublishError({ kind: 'permanent', reason: `Image ${shown} redirected more than ${MAX_REDIRECTS} times` });
    }
    const next = URL.canParse(location, current) ? new URL(location, current).href : '';
    if (network.urlProblem(next) !== null) {
      throw new PublishError({ kind: 'permanent', reason: `Image ${shown} redirected to a URL that is refused (${next.startsWith('http') ? PRIVATE_ADDRESS_REFUSED : 'not an http(s) URL'})` });
    }
    current = next;
  }
}

/** Reads the body, stopping as soon as it passes the limit (Content-Length may be absent or wrong). */
async function readAtMost(response: Response, maxBytes: number, shown: string): Promise<Buffer> {
  const tooLarge = (): PublishError =>
    new PublishError({ kind: 'permanent', reason: `Image ${shown} is larger than ${maxBytes} bytes` });
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw tooLarge(); // leaving the loop cancels the stream
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Host and path only: a signed URL's query string is a credential and must not reach a reason. */
function describe(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? `${parsed.host}${parsed.pathname}` : undefined;
  } catch {
    return undefined;
  }
}

/** fetch() says only "fetch failed"; the cause says why. Duck-typed: node's errors may come from another realm. */
function causeOf(error: unknown): string {
  const { message, cause } = (typeof error === 'object' && error !== null ? error : {}) as { message?: unknown; cause?: { message?: unknown } };
  const why = typeof cause?.message === 'string' ? cause.message : message;
  return typeof why === 'string' ? why : String(error);
}
