// A list of uuids as one PostgreSQL array literal, sent as text: pg's own array encoding escapes every element.

/**
 * `{a,b,c}` for a `$n::uuid[]` parameter. node-postgres encodes a JS array element by element (escaping
 * each as a string), which in a burst of 10,000 sends cost more of the dispatcher's CPU than any query it
 * makes; a uuid needs no quoting, so the literal is the ids joined. Only for ids read from the database or
 * made by `randomUUID`: anything else must go through a bound array.
 */
export function uuidList(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}
