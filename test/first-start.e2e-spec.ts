// A new user's first minutes: `npm start` on a machine with no PostgreSQL, then a restart.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildService, ServiceProcess } from './support/service-process';

const ADMIN_KEY_LINE = /^ {4}(hf_[A-Za-z0-9_-]{43})$/m;
const INVITE_LINE = /^ {4}http:\/\/localhost:(\d+)\/invite\/([A-Za-z0-9_-]{43})$/m;

describe('the service as a process', () => {
  let dataDir: string;
  beforeAll(() => {
    buildService();
    dataDir = mkdtempSync(join(tmpdir(), 'holdfast-first-start-'));
  }, 120_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts on an embedded PostgreSQL, prints the admin key once, keeps its data across a restart', async () => {
    const first = await ServiceProcess.spawn({ HOLDFAST_DATA_DIR: dataDir });
    let key: string;
    try {
      await first.healthy();
      const match = ADMIN_KEY_LINE.exec(first.stdout);
      expect(match).not.toBeNull();
      key = match![1];
      const created = await fetch(first.url('/api/members'), {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Kept', roles: ['viewer'] }),
      });
      expect(created.status).toBe(201);
      // Beside the key, the first admin's invite link: it opens the console's invite page, where the admin
      // chooses an e-mail address and a password.
      const invite = INVITE_LINE.exec(first.stdout);
      expect(invite).not.toBeNull();
      expect(first.url('/').includes(`:${invite![1]}/`)).toBe(true);
      const shown = await fetch(first.url(`/api/auth/invites/${invite![2]}`));
      expect(shown.status).toBe(200);
      expect(await shown.json()).toMatchObject({ memberName: 'Administrator', email: null, workspaceName: 'Holdfast' });
      const logLines = first.stdout.split('\n').filter((line) => line.startsWith('{'));
      expect(logLines.join('\n')).toContain('HOLDFAST_SECRET_KEY is not set');
      expect(logLines.join('\n') + first.stderr).not.toContain(key);
      expect(logLines.join('\n') + first.stderr).not.toContain(invite![2]);
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
    }
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    const second = await ServiceProcess.spawn({ HOLDFAST_DATA_DIR: dataDir });
    try {
      await second.healthy();
      expect(second.stdout).not.toMatch(ADMIN_KEY_LINE);
      expect(second.stdout).not.toMatch(INVITE_LINE);
      expect(second.stdout).not.toContain('HOLDFAST_SECRET_KEY is not set');
      const members = await fetch(second.url('/api/members'), { headers: { Authorization: `Bearer ${key}` } });
      expect(members.status).toBe(200);
      expect(((await members.json()) as { name: string }[]).map((m) => m.name)).toContain('Kept');

      const intruder = await ServiceProcess.spawn({ HOLDFAST_DATA_DIR: dataDir });
      expect(await intruder.exitCode()).toBe(1);
      expect(intruder.stderr).toMatch(/data directory .* is in use by another running Holdfast instance/);
    } finally {
      expect(await second.stop('SIGINT')).toBe(0);
    }
  }, 90_000);

  it('uses HOLDFAST_ADMIN_KEY as the first admin key when given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'holdfast-admin-key-'));
    const adminKey = 'automation_key_0123456789abcdefghijklmnop';
    const service = await ServiceProcess.spawn({ HOLDFAST_DATA_DIR: dir, HOLDFAST_ADMIN_KEY: adminKey });
    try {
      await service.healthy();
      expect(service.stdout).not.toMatch(ADMIN_KEY_LINE);
      // The key is the operator's own, but the first admin still needs a way into the console.
      expect(service.stdout).toMatch(INVITE_LINE);
      const me = await fetch(service.url('/api/members/me'), { headers: { Authorization: `Bearer ${adminKey}` } });
      expect(me.status).toBe(200);
    } finally {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses to start on a wrong configuration, naming each variable', async () => {
    const service = await ServiceProcess.spawn({ HOLDFAST_DATA_DIR: dataDir, LOG_LEVEL: 'loud', META_GRAPH_URL: 'graph' });
    expect(await service.exitCode()).toBe(1);
    expect(service.stderr).toContain('Holdfast could not start: Invalid configuration');
    expect(service.stderr).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")');
    expect(service.stderr).toContain('META_GRAPH_URL must be an http(s) base URL');
  });
});
