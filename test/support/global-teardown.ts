import { rmSync } from 'node:fs';
import { quoteIdent } from '../../src/database/sql';
import { withAdminClient } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__HOLDFAST_TEST_PG__;
  if (!state) {
    return;
  }
  const { info, embedded, dataDir } = state;
  if (embedded) {
    await embedded.stop();
    if (dataDir) {
      rmSync(dataDir, { recursive: true, force: true });
    }
    return;
  }
  await withAdminClient(info.adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2 || '%'",
      [info.template, info.prefix],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
    }
  });
}
