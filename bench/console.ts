// Console: (a) the calendar route's JavaScript, gzipped (the entry and every chunk the calendar loads, read from the
// build's manifest), against 300 KB; (b) from navigation to the calendar drawn with a month of 2,000 deliveries, in
// the test browser (Chromium from @sparticuz/chromium), p50/p95 over several runs, against 1 s.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Pool } from 'pg';
import { chromium as playwright } from 'playwright-core';
import { copyPost } from './console-seed';
import { BENCH_ADMIN_KEY, benchApp, benchDatabase, ms, quantile, reproduce } from './support';

const DELIVERIES = 2000;
const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 10);
const TARGET_KB = 300;
const TARGET_MS = 1000;
const ROOT = resolve(__dirname, '..', '..');
const DIST = join(ROOT, 'dist', 'web');
const CALENDAR_SOURCE = 'src/screens/Calendar/CalendarScreen.tsx';

/** The little of the DOM the drawn check reads. */
interface PageDocument {
  body: { innerText: string };
  querySelectorAll(selector: string): { length: number };
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
}

/** The entry and the calendar's chunk with every chunk they import statically, each once. */
function calendarRouteScripts(manifest: Record<string, ManifestChunk>): string[] {
  const files = new Set<string>();
  const visit = (key: string): void => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) {
      return;
    }
    files.add(chunk.file);
    (chunk.imports ?? []).forEach(visit);
  };
  const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
  if (!entry || !manifest[CALENDAR_SOURCE]) {
    throw new Error(`dist/web/.vite/manifest.json names no entry or no ${CALENDAR_SOURCE}: rebuild with npm run build:web`);
  }
  visit(entry);
  visit(CALENDAR_SOURCE);
  return [...files].filter((file) => file.endsWith('.js'));
}

function bundleSize(): { total: number; files: { file: string; gzipped: number }[] } {
  const manifestPath = join(DIST, '.vite', 'manifest.json');
  // Always the production build of the current sources: a build made under jest (NODE_ENV=test) carries React's
  // development build, a third of a megabyte more.
  process.stdout.write('Building the console (npm run build:web, NODE_ENV=production)...\n');
  execFileSync('npm', ['run', 'build:web'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (!existsSync(manifestPath)) {
    throw new Error('npm run build:web wrote no dist/web/.vite/manifest.json: is build.manifest on in web/vite.config.mts?');
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>;
  const files = calendarRouteScripts(manifest).map((file) => ({ file, gzipped: gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length }));
  return { total: files.reduce((sum, f) => sum + f.gzipped, 0), files };
}

/** POST with a key (the admin's by default), or without one (null) for public routes. */
async function api<T>(base: string, path: string, body: object, key: string | null = BENCH_ADMIN_KEY): Promise<T> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: base, ...(key ? { Authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  }
  return (await res.json()) as T;
}

export async function main(): Promise<void> {
  const size = bundleSize();
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
  process.stdout.write(`Calendar route JavaScript, gzipped: ${kb(size.total)} (target <= ${TARGET_KB} KB) ${size.total <= TARGET_KB * 1024 ? 'OK' : 'OVER'}\n`);
  for (const f of size.files) {
    process.stdout.write(`  ${f.file}: ${kb(f.gzipped)}\n`);
  }

  const database = await benchDatabase();
  const app = await benchApp(database.url, { DISPATCH_ENABLED: 'false', CONSOLE_DIR: DIST });
  const pool = new Pool({ connectionString: database.url, max: 2 });
  const { default: chromium } = (await import('@sparticuz/chromium')) as unknown as { default: { executablePath(): Promise<string>; args: string[] } };
  const browser = await playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true });
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    // A marketer with a password, two channels, and this month full: 1,000 posts on both channels.
    const password = 'calendar load test passphrase 2026';
    const created = await api<{ member: { id: string }; apiKey: { key: string }; invite: { url: string } }>(base, '/api/members', {
      name: 'Bench Marketer',
      email: 'bench.marketer@example.com',
      roles: ['marketer'],
    });
    const token = new URL(created.invite.url).pathname.split('/').pop()!;
    await api(base, `/api/auth/invites/${token}/accept`, { password }, null);
    const channels: string[] = [];
    for (const platform of ['x', 'mastodon']) {
      const credentials = platform === 'x' ? { authType: 'oauth2', accessToken: 'bench-x', refreshToken: 'bench-r', clientId: 'c' } : { instanceUrl: 'https://mastodon.example', accessToken: 't' };
      channels.push((await api<{ id: string }>(base, '/api/channels', { platform, name: `Bench ${platform}`, handle: `@bench-${platform}`, credentials })).id);
    }
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const monthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const later = new Date(Date.now() + 3600_000).toISOString();
    const template = await api<{ id: string }>(base, '/api/posts', { text: 'Bench month of posts', channelIds: channels, scheduledAt: later }, created.apiKey.key);
    const seedStarted = Date.now();
    // 1,000 copies of the template, two deliveries each, spread over the month (the template itself is not counted).
    await copyPost(async (q, p) => (await pool.query(q, p)).rows as unknown[], template.id, DELIVERIES / 2, monthStart, monthEnd);
    const counted = await pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM deliveries d JOIN posts p ON p.id = d.post_id WHERE p.scheduled_at >= $1 AND p.scheduled_at < $2 AND p.id <> $3',
      [monthStart, monthEnd, template.id],
    );
    process.stdout.write(`Seeded ${counted.rows[0].n} deliveries in ${monthStart.toISOString().slice(0, 7)} in ${Date.now() - seedStarted} ms\n`);

    const context = await browser.newContext({ baseURL: base, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const scripts = new Map<string, number>();
    page.on('response', (res) => {
      if (res.url().endsWith('.js')) {
        // A later navigation may drop a body before it is read: those are counted from the first load already.
        res.body().then(
          (body) => scripts.set(new URL(res.url()).pathname, gzipSync(body, { level: 9 }).length),
          () => undefined,
        );
      }
    });
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill('bench.marketer@example.com');
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor();

    const drawn = async (): Promise<number> => {
      await page.goto('/calendar');
      // Drawn: deliveries in the grid, "+N more" links on the full days, nothing still loading.
      await page.waitForFunction(
        () => {
          // Runs in the page; the bench compiles without the DOM's types (and the CSP forbids a string to evaluate).
          const doc = (globalThis as unknown as { document: PageDocument }).document;
          const text = doc.body.innerText;
          return doc.querySelectorAll('.hf-event').length > 100 && /\+\d+ more/.test(text) && !text.includes('Loading deliveries');
        },
        undefined,
        { timeout: 60_000, polling: 'raf' },
      );
      return page.evaluate(() => performance.now());
    };
    /** Where the last navigation's time went: when the calendar's first request left and its last answer arrived. */
    const requests = (): Promise<{ first: number; last: number; count: number }> =>
      page.evaluate(() => {
        const posts = (performance.getEntriesByType('resource') as unknown as { name: string; startTime: number; responseEnd: number }[]).filter((entry) =>
          entry.name.includes('/api/posts'),
        );
        return { first: Math.min(...posts.map((e) => e.startTime)), last: Math.max(...posts.map((e) => e.responseEnd)), count: posts.length };
      });
    const cold = await drawn();
    const loaded = [...scripts.values()].reduce((sum, n) => sum + n, 0);
    process.stdout.write(`Scripts the calendar page loaded (gzipped as served): ${kb(loaded)} in ${scripts.size} files\n`);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      times.push(await drawn());
    }
    const calls = await requests();
    if (process.env.BENCH_CONSOLE_TIMELINE) {
      const timeline = await page.evaluate(() =>
        (performance.getEntriesByType('resource') as unknown as { name: string; startTime: number; responseEnd: number }[]).map(
          (e) => `${e.startTime.toFixed(0)}-${e.responseEnd.toFixed(0)} ${e.name.replace(/^https?:\/\/[^/]+/, '').slice(0, 60)}`,
        ),
      );
      process.stdout.write(`${timeline.join('\n')}\n`);
    }
    process.stdout.write(
      `Last run: ${calls.count} GET /api/posts requests, the first sent at ${ms(calls.first)}, the last answered at ${ms(calls.last)}; drawn at ${ms(times[times.length - 1])}\n`,
    );
    const p50 = quantile(times, 0.5);
    const p95 = quantile(times, 0.95);
    process.stdout.write(
      `Navigation to calendar drawn, ${DELIVERIES.toLocaleString('en')} deliveries in the month: first (cold cache) ${ms(cold)}; ` +
        `${RUNS} runs p50 ${ms(p50)} / p95 ${ms(p95)} (target <= ${TARGET_MS} ms) ${p95 <= TARGET_MS ? 'OK' : 'OVER'}\n`,
    );
    process.stdout.write(`${reproduce('console')} (BENCH_CONSOLE_RUNS=${RUNS})\n`);
  } finally {
    await browser.close();
    await pool.end();
    await app.close();
    await database.stop();
  }
}
