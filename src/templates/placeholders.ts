// `{{placeholders}}` in a template's text: finding them, checking them against the declarations, filling them as plain text.
import { DomainError } from '../common/domain-error';

/** A placeholder's name: a letter, then letters, digits or underscores (64 at most). */
export const PLACEHOLDER_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** `{{name}}`, spaces inside the braces allowed: `{{ name }}`. */
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]{0,63})\s*\}\}/g;
/** What is left of a `{{` or `}}` once the well-formed placeholders are taken out. */
const STRAY_BRACES = /\{\{[^{}\n]{0,40}(?:\}\})?|\}\}/g;
/** Control characters other than tab and line breaks: invisible in a post, and PostgreSQL refuses NUL. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export const MAX_VALUE_LENGTH = 5000;

export interface PlaceholderDeclaration {
  name: string;
  description: string;
  required: boolean;
}

export interface PlaceholderScan {
  /** Names used, in order of first use. */
  names: string[];
  /** Snippets that look like a placeholder but are not one (`{{bad-name}}`, an unclosed `{{`). */
  malformed: string[];
}

export function scanPlaceholders(text: string): PlaceholderScan {
  const names: string[] = [];
  const rest = text.replace(PLACEHOLDER, (_match, name: string) => {
    if (!names.includes(name)) {
      names.push(name);
    }
    return ' ';
  });
  return { names, malformed: Array.from(rest.matchAll(STRAY_BRACES), (m) => m[0]) };
}

/** Replaces each placeholder with its value, once: a value is text, so `{{other}}` or `$&` in a value stays as written. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (_match, name: string) => own(values, name) ?? '');
}

/** A key's value only when the object itself has it: `{{constructor}}` must not find Object.prototype's. */
export function own<T>(values: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(values, key) ? values[key] : undefined;
}

export function hasControlCharacters(text: string): boolean {
  return CONTROL.test(text);
}

/**
 * The values to fill a template with, checked against its declarations: every key must be declared, every required
 * placeholder needs a non-blank value, optional ones left out are filled with nothing. Throws a 400 naming each problem.
 */
export function resolveValues(declared: readonly PlaceholderDeclaration[], values: Readonly<Record<string, unknown>>, field = 'values'): Record<string, string> {
  const problems = valueProblems(declared, values, field);
  if (problems.length > 0) {
    throw DomainError.invalid(problems.join('; '), problems);
  }
  const resolved: Record<string, string> = {};
  for (const placeholder of declared) {
    resolved[placeholder.name] = (own(values, placeholder.name) as string | undefined) ?? '';
  }
  return resolved;
}

export function valueProblems(declared: readonly PlaceholderDeclaration[], values: Readonly<Record<string, unknown>>, field = 'values'): string[] {
  const problems: string[] = [];
  const names = declared.map((p) => p.name);
  for (const [key, value] of Object.entries(values)) {
    if (!names.includes(key)) {
      problems.push(
        `${field}.${key} is not a placeholder of this template; it declares ${names.length > 0 ? names.join(', ') : 'none'}`,
      );
    } else {
      problems.push(...valueShapeProblems(`${field}.${key}`, value));
    }
  }
  for (const placeholder of declared) {
    const value = own(values, placeholder.name);
    if (placeholder.required && (value === undefined || (typeof value === 'string' && value.trim() === ''))) {
      problems.push(`${field}.${placeholder.name} is required (${placeholder.description})`);
    }
  }
  return problems;
}

/** A value must be a string without control characters, at most MAX_VALUE_LENGTH long. */
export function valueShapeProblems(field: string, value: unknown): string[] {
  if (typeof value !== 'string') {
    return [`${field} must be a string`];
  }
  if (value.length > MAX_VALUE_LENGTH) {
    return [`${field} is ${value.length} characters long, at most ${MAX_VALUE_LENGTH} are accepted`];
  }
  if (hasControlCharacters(value)) {
    return [`${field} contains control characters`];
  }
  return [];
}
