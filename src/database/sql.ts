/** Quotes an SQL identifier (database names in CREATE/DROP DATABASE cannot be bind parameters). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
