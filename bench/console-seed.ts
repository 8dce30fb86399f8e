// A busy calendar, fast: copies one post made through the API (and its deliveries) many times with plain SQL, the
// copies spread evenly over a range. Used by the console bench and the calendar's browser test.

export type Sql = (query: string, params?: unknown[]) => Promise<unknown[]>;

async function columns(sql: Sql, table: string, except: string[]): Promise<string[]> {
  const rows = (await sql(`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, [
    table,
  ])) as { column_name: string }[];
  return rows.map((row) => `"${row.column_name}"`).filter((name) => !except.includes(name.slice(1, -1)));
}

/**
 * Inserts `copies` posts like `templatePostId`, each with copies of its deliveries, scheduled evenly over [from, to).
 * Everything else (workspace, author, channels, states) is the template's.
 */
export async function copyPost(sql: Sql, templatePostId: string, copies: number, from: Date, to: Date): Promise<void> {
  const postColumns = await columns(sql, 'posts', ['id', 'scheduled_at', 'text']);
  const deliveryColumns = await columns(sql, 'deliveries', ['id', 'post_id', 'due_at']);
  await sql(
    `WITH n AS (SELECT g, gen_random_uuid() AS id FROM generate_series(1, $2::int) g),
          made AS (
            INSERT INTO posts (id, scheduled_at, text, ${postColumns.join(', ')})
            SELECT n.id, $3::timestamptz + ($4::timestamptz - $3::timestamptz) * ((n.g - 0.5) / $2::float8), p.text || ' #' || n.g,
                   ${postColumns.map((c) => `p.${c}`).join(', ')}
              FROM posts p, n WHERE p.id = $1
            RETURNING id, scheduled_at)
     INSERT INTO deliveries (id, post_id, due_at, ${deliveryColumns.join(', ')})
     SELECT gen_random_uuid(), made.id, made.scheduled_at, ${deliveryColumns.map((c) => `d.${c}`).join(', ')}
       FROM made, deliveries d WHERE d.post_id = $1`,
    [templatePostId, copies, from.toISOString(), to.toISOString()],
  );
}
