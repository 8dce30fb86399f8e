// The console's API types are generated from the service's own OpenAPI document; this fails when they are stale, so
// the console and the API cannot drift. `npm run api:types` rewrites the file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApp } from './support/test-app';

const SCHEMA_FILE = join(__dirname, '..', 'web', 'src', 'api', 'schema.d.ts');
const HEADER = '// GENERATED from the service\'s OpenAPI document by `npm run api:types`. Do not edit by hand.\n';

describe('The console API types', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start();
  });

  afterAll(async () => {
    await app.close();
  });

  it('match the OpenAPI document the service serves (run `npm run api:types` after changing a route or DTO)', async () => {
    const document = (await app.anonymous.get('/docs-json').expect(200)).body as Record<string, unknown>;
    const generated = HEADER + generate(document);
    if (process.env.UPDATE_API_TYPES === '1') {
      writeFileSync(SCHEMA_FILE, generated);
    }
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    expect(committed === generated ? 'up to date' : 'stale: run npm run api:types').toBe('up to date');
  });
});

/** openapi-typescript's own CLI (it is ESM inside; a child process keeps Jest out of that). */
function generate(document: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-api-types-'));
  try {
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
    const cli = join(__dirname, '..', 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
    execFileSync(process.execPath, [cli, join(dir, 'openapi.json'), '--output', join(dir, 'schema.d.ts')], { stdio: 'pipe' });
    return readFileSync(join(dir, 'schema.d.ts'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
