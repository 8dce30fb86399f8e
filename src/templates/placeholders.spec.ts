import { DomainError } from '../common/domain-error';
import { fillPlaceholders, PlaceholderDeclaration, resolveValues, scanPlaceholders, valueProblems } from './placeholders';

const declared: PlaceholderDeclaration[] = [
  { name: 'service', description: 'What is down', required: true },
  { name: 'eta', description: 'When it is back', required: false },
];

describe('placeholders', () => {
  describe('scanPlaceholders', () => {
    it('finds each name once, in order of first use, spaces inside the braces allowed', () => {
      expect(scanPlaceholders('{{ service }} is down; {{eta}}. Again: {{service}}')).toEqual({ names: ['service', 'eta'], malformed: [] });
    });

    it('reports what looks like a placeholder but is not one', () => {
      expect(scanPlaceholders('Hi {{first-name}} and {{ 2x }}').malformed).toEqual(['{{first-name}}', '{{ 2x }}']);
      expect(scanPlaceholders('unclosed {{name').malformed).toEqual(['{{name']);
      expect(scanPlaceholders('stray }} here').malformed).toEqual(['}}']);
    });

    it('leaves single braces alone', () => {
      expect(scanPlaceholders('a {b} c {')).toEqual({ names: [], malformed: [] });
    });
  });

  describe('fillPlaceholders', () => {
    it('inserts values as written, never interpreting them', () => {
      const values = { service: '{{eta}} <b>*Payments*</b> $& $1', eta: 'soon' };
      expect(fillPlaceholders('{{service}} / {{ eta }}', values)).toBe('{{eta}} <b>*Payments*</b> $& $1 / soon');
    });

    it('fills a placeholder without a value with nothing', () => {
      expect(fillPlaceholders('Back {{eta}}.', {})).toBe('Back .');
    });
  });

  describe('resolveValues', () => {
    it('fills optional placeholders left out with nothing', () => {
      expect(resolveValues(declared, { service: 'Payments' })).toEqual({ service: 'Payments', eta: '' });
    });

    it('refuses a missing or blank required value, naming it', () => {
      expect(() => resolveValues(declared, {})).toThrow('values.service is required (What is down)');
      expect(() => resolveValues(declared, { service: '  ' })).toThrow('values.service is required');
    });

    it('refuses a value for a placeholder the template does not declare', () => {
      let error: unknown;
      try {
        resolveValues(declared, { service: 'x', sevrice: 'y' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).message).toBe('values.sevrice is not a placeholder of this template; it declares service, eta');
    });

    it("never takes a value from Object.prototype for a placeholder named like one of its members", () => {
      const proto: PlaceholderDeclaration[] = [{ name: 'constructor', description: 'A name JavaScript objects inherit', required: true }];
      expect(() => resolveValues(proto, {})).toThrow('values.constructor is required');
      expect(fillPlaceholders('[{{constructor}}]', {})).toBe('[]');
      expect(resolveValues(proto, { constructor: 'given' })).toEqual({ constructor: 'given' });
    });

    it('refuses values that are not plain strings', () => {
      expect(valueProblems(declared, { service: 42 })).toEqual(['values.service must be a string']);
      expect(valueProblems(declared, { service: 'a\u0000b' })).toEqual(['values.service contains control characters']);
      expect(valueProblems(declared, { service: 'a'.repeat(5001) })).toEqual(['values.service is 5001 characters long, at most 5000 are accepted']);
      expect(valueProblems(declared, { service: 'line one\nline two\ttab' })).toEqual([]);
    });
  });
});
