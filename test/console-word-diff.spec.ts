// The approvals queue's "what changed": words an edit added or removed are marked, nothing else, and the parts give
// both texts back exactly.
import { changed, wordDiff, type DiffPart } from '../web/src/components/word-diff';

const textOf = (parts: DiffPart[], side: 'before' | 'after'): string =>
  parts
    .filter((p) => p.kind === 'same' || p.kind === (side === 'before' ? 'removed' : 'added'))
    .map((p) => p.text)
    .join('');

describe('wordDiff', () => {
  it('marks only the words that changed', () => {
    const parts = wordDiff('Doors open at nine on Friday', 'Doors open at ten on Friday');
    expect(parts).toEqual([
      { kind: 'same', text: 'Doors open at ' },
      { kind: 'removed', text: 'nine' },
      { kind: 'added', text: 'ten' },
      { kind: 'same', text: ' on Friday' },
    ]);
  });

  it('says nothing changed for the same text', () => {
    const parts = wordDiff('Same words\nacross lines', 'Same words\nacross lines');
    expect(changed(parts)).toBe(false);
    expect(parts).toEqual([{ kind: 'same', text: 'Same words\nacross lines' }]);
  });

  it('gives both texts back exactly, whitespace and emoji included', () => {
    const before = 'Sale  starts 🎉 today\n\nat noon #spring';
    const after = 'Sale starts 🎉 tomorrow\nat noon #spring #offers';
    const parts = wordDiff(before, after);
    expect(textOf(parts, 'before')).toBe(before);
    expect(textOf(parts, 'after')).toBe(after);
    expect(parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual(expect.arrayContaining(['tomorrow', '#offers']));
  });

  it('handles an empty side', () => {
    expect(wordDiff('', 'All new')).toEqual([{ kind: 'added', text: 'All new' }]);
    expect(wordDiff('All gone', '')).toEqual([{ kind: 'removed', text: 'All gone' }]);
  });

  it('shows very long texts as replaced whole rather than spending seconds on the table', () => {
    const long = (word: string): string => Array.from({ length: 3000 }, (_, i) => `${word}${i}`).join(' ');
    const started = Date.now();
    const parts = wordDiff(long('a'), long('b'));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(textOf(parts, 'after')).toBe(long('b'));
  });
});
