// The browser tests need the built console: build it when dist/web is missing or older than any of its sources.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const INDEX = join(ROOT, 'dist', 'web', 'index.html');
/** What goes into the bundle: the console, and the service modules it imports (shared text counting). */
const SOURCES = [join(ROOT, 'web'), join(ROOT, 'src', 'common'), join(ROOT, 'package-lock.json')];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry !== 'node_modules' && entry !== 'dist') {
      newest = Math.max(newest, newestMtime(join(path, entry)));
    }
  }
  return newest;
}

export function ensureConsoleBuilt(): void {
  const builtAt = existsSync(INDEX) ? statSync(INDEX).mtimeMs : 0;
  const sourcesAt = Math.max(...SOURCES.filter((path) => existsSync(path)).map(newestMtime));
  if (builtAt >= sourcesAt) {
    return;
  }
  const started = Date.now();
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'web', 'vite.config.mts'), '--logLevel', 'error'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    // NODE_ENV=production: under jest it is 'test', and Vite then bundles React's development build (3x larger, slower).
    env: { ...process.env, NODE_ENV: 'production', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  });
  process.stderr.write(`Console built for the browser tests in ${Date.now() - started} ms\n`);
}
