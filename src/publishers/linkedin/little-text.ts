// LinkedIn's "little text" commentary format: plain text with its reserved characters escaped, hashtags kept as hashtags.

/**
 * In one pass: a hashtag as people type it ('#' and letters or digits, not inside a word: "C#" and
 * "a#b" stay text), or one of the characters the little text grammar reserves; each reserved one must
 * be preceded by a backslash to be read as plain text, used or not (LinkedIn cuts a post off at the
 * first unescaped one, e.g. a parenthesis).
 */
const TOKEN = /(?<![\p{L}\p{N}_])#([\p{L}\p{N}]+)|[\\|{}@[\]()<>#*_~]/gu;

/** Escapes `text` for the Posts API's `commentary`, turning each #tag into LinkedIn's hashtag template. */
export function toLittleText(text: string): string {
  return text.replace(TOKEN, (match: string, tag: string | undefined) => (tag === undefined ? `\\${match}` : `{hashtag|\\#|${tag}}`));
}
