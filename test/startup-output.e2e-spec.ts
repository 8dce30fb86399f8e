// What a person sees when the service starts: a few lines saying where it listens, where the data lives and what
// to back up; JSON when the output is not a terminal, short readable lines with LOG_FORMAT=pretty; never a secret
// beyond the first-start banner's one-time admin key and invite link.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildService, ServiceProcess } from './support/service-process';
import { createTestDatabase } from './support/test-database';

const ADMIN_KEY_LINE = /^ {4}(hf_[A-Za-z0-9_-]{43})$/m;
const INVITE_LINE = /^ {4}http:\/\/localhost:\d+\/invite\/([A-Za-z0-9_-]{43})$/m;
const MAX_START_LINES = 12;

/** Waits for the last start-up line, then answers the log lines written up to it (the banner, indented, left out). */
async function startLines(service: ServiceProcess): Promise<string[]> {
  await service.healthy();
  const deadline = Date.now() + 10_000;
  while (!/Back up /.test(service.stdout) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const lines = service.stdout.split('\n');
  const last = lines.findIndex((line) => line.includes('Back up '));
  expect(last).toBeGreaterThanOrEqual(0);
  return lines.slice(0, last + 1).filter((line) => line.trim() !== '' && !line.startsWith('  '));
}

describe('the start-up output', () => {
  let dirs: string[] = [];
  beforeAll(() => buildService(), 120_000);
  afterAll(() => {
    for (const dir of dirs) {
      rmSync(dir, { recursive: true, force: true });
    }
    dirs = [];
  });
  const dataDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'holdfast-start-output-'));
    dirs.push(dir);
    return dir;
  };

  it('says in a few JSON lines where it listens, the console and docs, where the data is and what to back up', async () => {
    const dir = dataDir();
    const service = await ServiceProcess.spawn({ HOLDFAST_DATA_DIR: dir, LOG_LEVEL: 'info' });
    try {
      const lines = await startLines(service);
      expect(lines.length).toBeLessThanOrEqual(MAX_START_LINES);
      const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string; context?: string; start?: Record<string, unknown> });
      // Nest's module and route chatter is debug now: at info only what a person acts on.
      expect(entries.map((entry) => entry.context)).not.toContain('RouterExplorer');
      expect(entries.map((entry) => entry.context)).not.toContain('InstanceLoader');
      const text = entries.map((entry) => entry.msg).join('\n');
      const address = `http://localhost:${service.port}`;
      expect(text).toContain(`the console at ${address}/`);
      expect(text).toContain(`API docs at ${address}/docs`);
      expect(text).toContain(`Data: the embedded PostgreSQL in ${join(dir, 'pg')}`);
      expect(text).toContain(`Back up ${dir}`);
      expect(text).toContain('secret.key');
      // The fields are there for a log collector too.
      expect(entries).toContainEqual(expect.objectContaining({ start: { port: service.port, consoleUrl: `${address}/` } }));
      expect(entries).toContainEqual(expect.objectContaining({ start: expect.objectContaining({ database: 'embedded', dataDir: dir }) }));

      // The banner shows the admin key and invite link once; no log line and nothing on stderr carries them, or the secret key.
      const key = ADMIN_KEY_LINE.exec(service.stdout)![1];
      const invite = INVITE_LINE.exec(service.stdout)![1];
      const secretKey = readFileSync(join(dir, 'secret.key'), 'utf8').trim();
      expect(service.stdout.split(key)).toHaveLength(2);
      expect(service.stdout.split(invite)).toHaveLength(2);
      const logs = lines.join('\n') + service.stderr;
      for (const secret of [key, invite, secretKey]) {
        expect(logs).not.toContain(secret);
      }
      expect(service.stdout).not.toContain(secretKey);
    } finally {
      expect(await service.stop()).toBe(0);
    }
  }, 60_000);

  it('writes short readable lines with LOG_FORMAT=pretty, naming an external database without its credentials', async () => {
    const database = await createTestDatabase();
    const secretKey = 'ab'.repeat(32);
    const adminKey = 'start_output_admin_key_0123456789abcdef';
    const dir = dataDir();
    const service = await ServiceProcess.spawn({
      HOLDFAST_DATA_DIR: dir,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'pretty',
      DATABASE_URL: database.url,
      HOLDFAST_SECRET_KEY: secretKey,
      HOLDFAST_ADMIN_KEY: adminKey,
    });
    try {
      const lines = await startLines(service);
      expect(lines.length).toBeLessThanOrEqual(MAX_START_LINES);
      for (const line of lines) {
        expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] (INFO|WARN): /);
      }
      const text = lines.join('\n');
      const address = `http://localhost:${service.port}`;
      expect(text).toContain(`[Holdfast] Listening on port ${service.port}: the console at ${address}/`);
      expect(text).toContain(`API docs at ${address}/docs`);
      const url = new URL(database.url);
      expect(text).toContain(`Data: PostgreSQL at ${url.hostname}:${url.port}${url.pathname}`);
      expect(text).toContain('keep the value of HOLDFAST_SECRET_KEY with it');
      // Neither the database password, nor the keys, anywhere.
      const output = service.stdout + service.stderr;
      for (const secret of [decodeURIComponent(url.password), secretKey, adminKey].filter(Boolean)) {
        expect(output).not.toContain(secret);
      }
      // A request is one line too.
      await fetch(service.url('/api/members/me'));
      const deadline = Date.now() + 5_000;
      while (!service.stdout.includes('GET /api/members/me 401') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(service.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: GET \/api\/members\/me 401 \d+ms/m);
    } finally {
      expect(await service.stop()).toBe(0);
      await database.drop();
    }
  }, 60_000);
});
