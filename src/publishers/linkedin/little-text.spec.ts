import { toLittleText } from './little-text';

describe('toLittleText', () => {
  it('leaves plain text as it is', () => {
    expect(toLittleText('Doors open at 9, see you there! 🌷 Café crème.')).toBe('Doors open at 9, see you there! 🌷 Café crème.');
  });

  it('escapes every reserved character, so LinkedIn does not cut the post at a parenthesis', () => {
    expect(toLittleText('Open (again) at 9')).toBe('Open \\(again\\) at 9');
    expect(toLittleText('a_b *c* ~d~ <e> [f] {g} h|i @j k\\l')).toBe('a\\_b \\*c\\* \\~d\\~ \\<e\\> \\[f\\] \\{g\\} h\\|i \\@j k\\\\l');
  });

  it('keeps hashtags clickable with the hashtag template, and escapes a lone #', () => {
    expect(toLittleText('#Bakery news: room # 2, C# and #Café')).toBe('{hashtag|\\#|Bakery} news: room \\# 2, C\\# and {hashtag|\\#|Café}');
  });

  it('escapes a link whose characters are reserved', () => {
    expect(toLittleText('https://brand.example/a_(b)')).toBe('https://brand.example/a\\_\\(b\\)');
  });
});
