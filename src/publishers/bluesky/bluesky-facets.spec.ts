import { buildFacets, findFacetCandidates, graphemeLength, sliceBytes } from './bluesky-facets';

describe('findFacetCandidates', () => {
  it('counts UTF-8 bytes, not UTF-16 units, when emoji and accented characters come before the link', () => {
    const text = 'Café ☕️ crème brûlée 🎉👩‍👩‍👧 — https://brand.example/menu';

    const [link] = findFacetCandidates(text);

    const prefix = 'Café ☕️ crème brûlée 🎉👩‍👩‍👧 — ';
    expect(prefix.length).not.toBe(Buffer.byteLength(prefix)); // the case the offsets must get right
    expect(link).toEqual({
      kind: 'link',
      value: 'https://brand.example/menu',
      byteStart: Buffer.byteLength(prefix),
      byteEnd: Buffer.byteLength(text),
    });
    expect(sliceBytes(text, link.byteStart, link.byteEnd)).toBe('https://brand.example/menu');
  });

  it('finds links and mentions in order, each slicing exactly its own text', () => {
    const text = 'Ñandú 🐦 with @alice.bsky.social and (https://brand.example/a?b=c). Thanks @bob.example.com.';

    const found = findFacetCandidates(text);

    expect(found.map((c) => [c.kind, c.value, sliceBytes(text, c.byteStart, c.byteEnd)])).toEqual([
      ['mention', 'alice.bsky.social', '@alice.bsky.social'],
      ['link', 'https://brand.example/a?b=c', 'https://brand.example/a?b=c'],
      ['mention', 'bob.example.com', '@bob.example.com'],
    ]);
  });

  it('leaves out what is not a handle, an e-mail address, and the sentence punctuation after a link', () => {
    const text = 'Write to team@brand.example or @nobody, see https://brand.example/faq!';

    expect(findFacetCandidates(text).map((c) => c.value)).toEqual(['https://brand.example/faq']);
  });

  it('finds hashtags after multi-byte text, without their trailing punctuation, each slicing #tag', () => {
    const text = 'Crème brûlée 🍮 est là #Dessert! #été2026, #ＣＡＦＥ and https://brand.example/menu#today';

    const found = findFacetCandidates(text);

    expect(found.map((c) => [c.kind, c.value, sliceBytes(text, c.byteStart, c.byteEnd)])).toEqual([
      ['tag', 'Dessert', '#Dessert'],
      ['tag', 'été2026', '#été2026'],
      ['tag', 'ＣＡＦＥ', '#ＣＡＦＥ'],
      ['link', 'https://brand.example/menu#today', 'https://brand.example/menu#today'],
    ]);
  });

  it('takes neither a number, a lone #, a tag inside a word, nor one longer than 64 graphemes for a hashtag', () => {
    const text = `Room #1 # nothing C#sharp #${'a'.repeat(65)} #ok`;

    expect(findFacetCandidates(text).map((c) => c.value)).toEqual(['ok']);
  });

  it('does not take a path segment with an @ for a mention', () => {
    const text = 'https://mastodon.social/@brand.example is us';

    expect(findFacetCandidates(text).map((c) => c.kind)).toEqual(['link']);
  });
});

describe('buildFacets', () => {
  it('makes link facets and mention facets for resolved handles only', () => {
    const text = '@alice.bsky.social meet @ghost.example.com at https://brand.example';
    const facets = buildFacets(findFacetCandidates(text), new Map([['alice.bsky.social', 'did:plc:alice']]));

    expect(facets).toEqual([
      { index: { byteStart: 0, byteEnd: 18 }, features: [{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:alice' }] },
      { index: { byteStart: 46, byteEnd: 67 }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://brand.example' }] },
    ]);
  });

  it('makes a tag facet for each hashtag', () => {
    const text = 'Früh 🌅 #Sunrise';
    const start = Buffer.byteLength('Früh 🌅 ');

    expect(buildFacets(findFacetCandidates(text), new Map())).toEqual([
      { index: { byteStart: start, byteEnd: start + 8 }, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'Sunrise' }] },
    ]);
  });
});

describe('graphemeLength', () => {
  it('counts a family emoji and a flag as one each', () => {
    expect(graphemeLength('👩‍👩‍👧🇪🇸é')).toBe(3);
  });
});
