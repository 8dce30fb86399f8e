// What changed between two versions of a text, word by word: the approver reads the new version with the
// words that changed marked, not two texts side by side.

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** Words and the whitespace between them, so that joining the parts gives the texts back exactly. */
function tokens(text: string): string[] {
  return text.split(/(\s+)/).filter((t) => t.length > 0);
}

/** Beyond this many token pairs the table costs more than it tells: the texts are shown as replaced whole. */
const MAX_CELLS = 4_000_000;

/** A longest-common-subsequence diff of the words of `before` and `after`. */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  if (a.length * b.length > MAX_CELLS) {
    return merge([
      { kind: 'removed', text: before },
      { kind: 'added', text: after },
    ]);
  }
  // lengths[i][j]: the longest common run of a[i..] and b[j..].
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] = a[i] === b[j] ? lengths[(i + 1) * width + j + 1] + 1 : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
    }
  }
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      parts.push({ kind: 'same', text: a[i] });
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]) {
      parts.push({ kind: 'removed', text: a[i++] });
    } else {
      parts.push({ kind: 'added', text: b[j++] });
    }
  }
  while (i < a.length) {parts.push({ kind: 'removed', text: a[i++] });}
  while (j < b.length) {parts.push({ kind: 'added', text: b[j++] });}
  return merge(parts);
}

/** Neighbouring parts of one kind joined; whitespace between two changes of one kind joins them. */
function merge(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (last && last.kind === part.kind) {
      last.text += part.text;
    } else {
      out.push({ ...part });
    }
  }
  return out;
}

export function changed(parts: DiffPart[]): boolean {
  return parts.some((p) => p.kind !== 'same');
}
