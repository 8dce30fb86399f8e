// Finds links, @mentions and #hashtags in a post's text and places them as app.bsky.richtext.facet ranges, in UTF-8 bytes as the AT Protocol counts; pure.

import { TAG_REGEX, TRAILING_PUNCTUATION_REGEX } from '@atproto/api';

/** A link, mention or hashtag found in the text, before mentions are resolved to DIDs. */
export interface FacetCandidate {
  kind: 'link' | 'mention' | 'tag';
  /** The URL, the handle without its @, or the tag without its #. */
  value: string;
  /** UTF-8 byte offsets into the text: byteStart inclusive, byteEnd exclusive (app.bsky.richtext.facet#byteSlice). */
  byteStart: number;
  byteEnd: number;
}

export interface Facet {
  index: { byteStart: number; byteEnd: number };
  features: (
    | { $type: 'app.bsky.richtext.facet#link'; uri: string }
    | { $type: 'app.bsky.richtext.facet#mention'; did: string }
    | { $type: 'app.bsky.richtext.facet#tag'; tag: string }
  )[];
}

/** An explicit http(s) URL, after a start of text, a space or an opening parenthesis. */
const LINK = /(^|\s|\()(https?:\/\/[^\s]+)/gi;
/** Trailing characters that end a sentence rather than the URL. */
const LINK_TRAILER = /[.,;:!?'"]+$/;
/** As the Bluesky app detects mentions: @ then a handle, after a start of text, a space or a parenthesis. */
const MENTION = /(^|\s|\()@([a-zA-Z0-9.-]+)(\b)/g;
/** A handle is a domain name of at least two labels (atproto.com/specs/handle). */
const HANDLE = /^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/** app.bsky.richtext.facet#tag: at most 64 graphemes (the Bluesky app's own detection stops there too). */
const MAX_TAG_LENGTH = 64;

/** Every link, mention and hashtag in `text`, in order of appearance. */
export function findFacetCandidates(text: string): FacetCandidate[] {
  const found: FacetCandidate[] = [];
  for (const match of text.matchAll(LINK)) {
    let url = match[2].replace(LINK_TRAILER, '');
    if (url.endsWith(')') && !url.includes('(')) {
      url = url.slice(0, -1); // "(see https://example.com)": the parenthesis is the sentence's
    }
    const start = match.index + match[1].length;
    found.push({ kind: 'link', value: url, ...byteRange(text, start, url.length) });
  }
  for (const match of text.matchAll(MENTION)) {
    const handle = match[2].replace(/\.+$/, '');
    if (!HANDLE.test(handle) || handle.length > 253) {
      continue;
    }
    const start = match.index + match[1].length;
    const inLink = found.some((link) => link.kind === 'link' && overlaps(link, byteRange(text, start, handle.length + 1)));
    if (!inLink) {
      found.push({ kind: 'mention', value: handle, ...byteRange(text, start, handle.length + 1) });
    }
  }
  // Hashtags as the Bluesky app detects them (@atproto/api's TAG_REGEX): # or ＃ after a start of text or
  // a space, not only digits, trailing punctuation left out. A URL's #fragment has no space before it.
  for (const match of text.matchAll(TAG_REGEX)) {
    const tag = (match[2] ?? '').trim().replace(TRAILING_PUNCTUATION_REGEX, '');
    if (tag.length === 0 || graphemeLength(tag) > MAX_TAG_LENGTH) {
      continue;
    }
    const start = match.index + match[1].length;
    found.push({ kind: 'tag', value: tag, ...byteRange(text, start, tag.length + 1) });
  }
  return found.sort((a, b) => a.byteStart - b.byteStart);
}

/**
 * The facets of a post: every link and hashtag, and every mention whose handle resolved to a DID (an unknown
 * handle stays plain text, as in the Bluesky app).
 */
export function buildFacets(candidates: readonly FacetCandidate[], didsByHandle: ReadonlyMap<string, string>): Facet[] {
  const facets: Facet[] = [];
  for (const candidate of candidates) {
    const index = { byteStart: candidate.byteStart, byteEnd: candidate.byteEnd };
    if (candidate.kind === 'link') {
      facets.push({ index, features: [{ $type: 'app.bsky.richtext.facet#link', uri: candidate.value }] });
      continue;
    }
    if (candidate.kind === 'tag') {
      facets.push({ index, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: candidate.value }] });
      continue;
    }
    const did = didsByHandle.get(candidate.value.toLowerCase());
    if (did) {
      facets.push({ index, features: [{ $type: 'app.bsky.richtext.facet#mention', did }] });
    }
  }
  return facets;
}

/** The text a byte range covers, decoded: what a reader of the record sees highlighted. */
export function sliceBytes(text: string, byteStart: number, byteEnd: number): string {
  return Buffer.from(text, 'utf8').subarray(byteStart, byteEnd).toString('utf8');
}

/** Graphemes as a reader counts them (an emoji with modifiers is one), which Bluesky's 300 limit counts. */
export function graphemeLength(text: string): number {
  let count = 0;
  for (const _segment of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    count++;
  }
  return count;
}

/** JavaScript indexes strings in UTF-16 code units; the protocol counts UTF-8 bytes. */
function byteRange(text: string, start: number, length: number): { byteStart: number; byteEnd: number } {
  const byteStart = Buffer.byteLength(text.slice(0, start), 'utf8');
  return { byteStart, byteEnd: byteStart + Buffer.byteLength(text.slice(start, start + length), 'utf8') };
}

function overlaps(a: { byteStart: number; byteEnd: number }, b: { byteStart: number; byteEnd: number }): boolean {
  return a.byteStart < b.byteEnd && b.byteStart < a.byteEnd;
}
