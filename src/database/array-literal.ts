// A list as one PostgreSQL array literal, sent as text: node-postgres encodes a JS array element by element.

const NEEDS_ESCAPE = /["\\]/;

/**
 * `{"a","b",NULL}` for a `$n::type[]` parameter (uuid[], text[], int[], boolean[], timestamptz[]).
 * node-postgres prepares every element of a bound array on its own, which in a burst of 10,000 sends cost
 * the dispatcher more CPU than any query it makes (escapeElement/prepareValue in the CPU profile of
 * `npm run bench -- burst`); sending the arrays as JSON instead cost PostgreSQL twice the time in the
 * recorder's statement. Every element is quoted, so any text is safe; null is NULL; a Date is its ISO time.
 */
export function arrayLiteral(values: readonly (string | number | boolean | Date | null | undefined)[]): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) {
      literal += ',';
    }
    if (value === null || value === undefined) {
      literal += 'NULL';
    } else if (typeof value === 'string') {
      literal += NEEDS_ESCAPE.test(value) ? `"${value.replace(/[\\"]/g, '\\$&')}"` : `"${value}"`;
    } else if (value instanceof Date) {
      literal += `"${value.toISOString()}"`;
    } else {
      literal += String(value);
    }
  }
  return `${literal}}`;
}
