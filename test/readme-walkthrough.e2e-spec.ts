// The README runs as written: its walk-through is docs/walkthrough.sh, run here in order against a fresh service,
// and the README's blocks quoted from the script are the script's own lines.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildService, ServiceProcess } from './support/service-process';

const ROOT = join(__dirname, '..');
const SCRIPT = join(ROOT, 'docs', 'walkthrough.sh');
const QUOTED = '<!-- quoted from docs/walkthrough.sh';
const ADMIN_KEY = 'readme_walkthrough_admin_key_0123456789';

/** The README's code blocks that say they are quoted from the script. */
function quotedBlocks(readme: string): string[] {
  const blocks: string[] = [];
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith(QUOTED)) {
      continue;
    }
    expect(lines[i + 1]).toBe('```sh');
    const end = lines.indexOf('```', i + 2);
    expect(end).toBeGreaterThan(i + 1);
    blocks.push(lines.slice(i + 2, end).join('\n'));
    i = end;
  }
  return blocks;
}

/** The script's sections: `# ---- name` up to the next one. */
function sections(script: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of script.split(/^(?=# ---- )/m).slice(1)) {
    found.set(part.split('\n', 1)[0].slice('# ---- '.length).trim(), part.trimEnd());
  }
  return found;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runScript(service: ServiceProcess): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [SCRIPT],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOLDFAST_URL: service.url(''), ADMIN: ADMIN_KEY }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the README walk-through', () => {
  const script = readFileSync(SCRIPT, 'utf8');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it("quotes the script word for word, and quotes every one of the script's steps", () => {
    const blocks = quotedBlocks(readme);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      expect({ block, inScript: script.includes(block) }).toEqual({ block, inScript: true });
    }
    const quoted = blocks.join('\n\n');
    for (const [name, text] of sections(script)) {
      expect({ section: name, inReadme: quoted.includes(text) }).toEqual({ section: name, inReadme: true });
    }
  });

  describe('against a fresh service', () => {
    let dataDir: string;
    let service: ServiceProcess;
    beforeAll(async () => {
      buildService();
      dataDir = mkdtempSync(join(tmpdir(), 'holdfast-walkthrough-'));
      service = await ServiceProcess.spawn({ HOLDFAST_DATA_DIR: dataDir, HOLDFAST_ADMIN_KEY: ADMIN_KEY });
      await service.healthy();
    }, 150_000);
    afterAll(async () => {
      await service?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('runs every step in order, each answering as the README says', async () => {
      const run = await runScript(service);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      const steps = [...run.stdout.matchAll(/^== (\d+)\. /gm)].map((match) => Number(match[1]));
      expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
      // Each answer is printed beside its call.
      expect(run.stdout).toMatch(/^POST \/api\/crisis\/activate -> 201\n\{"crisis":\{/m);
      expect(run.stdout).toMatch(/^GET \/api\/crises\/[0-9a-f-]{36}\/report\?format=markdown -> 200\n# Crisis report: Customer data exposed$/m);
      expect(run.stdout.trimEnd().endsWith('walkthrough: every step answered as the README says')).toBe(true);
    }, 120_000);

    it('stops at the first step that answers otherwise, saying what the README expected', async () => {
      // Run again on the same workspace: Mia exists already, so adding her is a 409, and nothing after it runs.
      const run = await runScript(service);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('walkthrough: POST /api/members answered 409, the README says 201');
      expect(run.stdout).not.toContain('== 3.');
    }, 60_000);
  });
});
