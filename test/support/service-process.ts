// Runs the built service (dist/) as a real process, the way `npm start` does, and talks to it over HTTP.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../src/database/free-port';
import { testDatabaseInfo } from './test-database';

const ROOT = join(__dirname, '..', '..');

/**
 * Builds dist/ once per test run, whichever test file asks first: files run in parallel workers, and
 * two `nest build`s into one folder would break each other.
 */
export function buildService(): void {
  const runId = testDatabaseInfo().prefix;
  const marker = join(ROOT, 'dist', `.built-${runId}`);
  const lock = join(ROOT, '.build-lock');
  for (;;) {
    if (existsSync(marker)) {
      return;
    }
    try {
      mkdirSync(lock);
    } catch {
      // A lock left by a run that was killed mid-build is stale after two minutes.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 120_000) {
        rmdirSync(lock);
      }
      execFileSync('sleep', ['0.2']);
      continue;
    }
    try {
      if (!existsSync(marker)) {
        execFileSync('npx', ['nest', 'build'], { cwd: ROOT, stdio: 'pipe' });
        writeFileSync(marker, '');
      }
    } finally {
      rmdirSync(lock);
    }
  }
}

export class ServiceProcess {
  private out = '';
  private err = '';
  private exited?: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => (this.out += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (this.err += chunk.toString('utf8')));
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
  }

  static async spawn(env: Record<string, string>): Promise<ServiceProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(child, port);
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Resolves with the milliseconds it took for /health to answer ok; rejects if the process exits first. */
  async healthy(timeoutMs = 30_000): Promise<number> {
    const started = Date.now();
    let exitCode: number | null | undefined;
    void this.exited!.then((code) => (exitCode = code));
    while (Date.now() - started < timeoutMs) {
      if (exitCode !== undefined) {
        throw new Error(`The service exited with ${exitCode}: ${this.err}`);
      }
      try {
        const res = await fetch(this.url('/health'));
        if (res.ok) {
          return Date.now() - started;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`/health was not ok within ${timeoutMs} ms: ${this.err}`);
  }

  exitCode(): Promise<number | null> {
    return this.exited!;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null) {
      this.child.kill(signal);
    }
    return this.exited!;
  }
}
