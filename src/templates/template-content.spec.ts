import { contentProblems, filledLimitViolations, fillTemplate, filledTextFor, TemplateContent, templateContentHash } from './template-content';

const content: TemplateContent = {
  body: '{{service}} is down. We are on it; next update {{eta}}.',
  variants: { x: '{{service}} down, fix on the way' },
  placeholders: [
    { name: 'service', description: 'What is down', required: true },
    { name: 'eta', description: 'When the next update comes', required: true },
  ],
};

describe('template content', () => {
  describe('contentProblems', () => {
    it('accepts placeholders declared and used in the body or a variant', () => {
      expect(contentProblems(content)).toEqual([]);
    });

    it('names a placeholder used but not declared, wherever it is used', () => {
      expect(contentProblems({ ...content, variants: { x: '{{service}} {{region}}' } })).toEqual([
        'variants.x uses {{region}}, which is not declared in placeholders',
      ]);
    });

    it('names a declaration used nowhere, and a duplicate', () => {
      const placeholders = [...content.placeholders, { name: 'unused', description: 'd', required: false }, content.placeholders[0]];
      expect(contentProblems({ ...content, placeholders })).toEqual([
        'placeholders declares service more than once',
        'placeholders declares unused, which the body and variants never use',
      ]);
    });

    it('names a malformed placeholder', () => {
      expect(contentProblems({ ...content, body: content.body + ' {{ eta-2 }}' })[0]).toContain('body has a malformed placeholder "{{ eta-2 }}"');
    });
  });

  describe('templateContentHash', () => {
    it.each([
      ['body', { body: content.body + '!' }],
      ['variants', { variants: {} }],
      ['placeholders', { placeholders: content.placeholders.map((p) => ({ ...p, required: false })) }],
    ])('changes when the %s change', (_what, change) => {
      expect(templateContentHash({ ...content, ...change })).not.toBe(templateContentHash(content));
    });

    it('does not depend on key order', () => {
      const reordered = { placeholders: content.placeholders, variants: content.variants, body: content.body };
      expect(templateContentHash(reordered)).toBe(templateContentHash(content));
    });
  });

  describe('filling', () => {
    const filled = fillTemplate(content, { service: 'Checkout', eta: 'at 14:00' });

    it('fills the body and each variant; a platform without a variant gets the body', () => {
      expect(filled).toEqual({ text: 'Checkout is down. We are on it; next update at 14:00.', platformText: { x: 'Checkout down, fix on the way' } });
      expect(filledTextFor('x', filled)).toBe('Checkout down, fix on the way');
      expect(filledTextFor('mastodon', filled)).toBe(filled.text);
    });

    it("checks the filled text against the platform's limit", () => {
      const long = fillTemplate(content, { service: 'a'.repeat(300), eta: 'soon' });
      expect(filledLimitViolations('x', long).map((v) => v.message)).toEqual([
        'x: text is 321 weighted characters, the limit is 280 (URLs count as 23, emoji and CJK characters as 2)',
      ]);
      expect(filledLimitViolations('mastodon', long)).toEqual([]);
    });

    it('leaves out the image rule for a text-only check', () => {
      expect(filledLimitViolations('instagram', filled).map((v) => v.rule)).toEqual(['image_required']);
      expect(filledLimitViolations('instagram', filled, true)).toEqual([]);
    });
  });
});
