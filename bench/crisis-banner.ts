// Crisis banner: from the activation call answering (POST /api/crisis/activate, by API) to the banner visible on
// a second console (a marketer signed in, real Chromium, following the live stream), over 20 runs: p50 and max.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium as playwright } from 'playwright-core';
import { BENCH_ADMIN_KEY, benchApp, benchDatabase, ms, quantile, reproduce } from './support';

const RUNS = Number(process.env.BENCH_CRISIS_BANNER_RUNS ?? 20);
const TARGET_MS = 2000;
const ROOT = resolve(__dirname, '..', '..');
const DIST = join(ROOT, 'dist', 'web');

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
  if (!existsSync(join(DIST, 'index.html'))) {
    process.stdout.write('Building the console (npm run build:web)...\n');
    execFileSync('npm', ['run', 'build:web'], { cwd: ROOT, stdio: 'inherit' });
  }
  const database = await benchDatabase();
  const app = await benchApp(database.url, { DISPATCH_ENABLED: 'false', CONSOLE_DIR: DIST });
  const { default: chromium } = (await import('@sparticuz/chromium')) as unknown as { default: { executablePath(): Promise<string>; args: string[] } };
  const browser = await playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true });
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const password = 'siren lantern harbour 2026 quiet';
    const marketer = await api<{ invite: { url: string } }>(base, '/api/members', { name: 'Marketer One', email: 'bench.marketer@example.com', roles: ['marketer'] });
    await api(base, `/api/auth/invites/${new URL(marketer.invite.url).pathname.split('/').pop()!}/accept`, { password }, null);
    const lead = await api<{ apiKey: { key: string } }>(base, '/api/members', { name: 'Bench Lead', roles: ['crisis_lead'] });

    const context = await browser.newContext({ baseURL: base, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill('bench.marketer@example.com');
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor();
    await page.getByTestId('live-status').filter({ hasText: /^Live$/ }).waitFor({ timeout: 30_000 });
    const banner = page.getByTestId('crisis-banner');

    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await api(base, '/api/crisis/activate', { reason: `Bench run ${run + 1}`, level: 1 }, lead.apiKey.key);
      const answered = performance.now();
      await banner.waitFor({ state: 'visible', timeout: 30_000 });
      times.push(performance.now() - answered);
      await api(base, '/api/crisis/deactivate', { note: 'bench' }, lead.apiKey.key);
      await banner.waitFor({ state: 'detached', timeout: 30_000 });
    }
    const p50 = quantile(times, 0.5);
    const max = Math.max(...times);
    process.stdout.write(`Activation answered -> banner on a second console, ${RUNS} runs: p50 ${ms(p50)}, max ${ms(max)} (target <= ${TARGET_MS} ms) ${max <= TARGET_MS ? 'OK' : 'OVER'}\n`);
    process.stdout.write(`${reproduce('crisis-banner')} (BENCH_CRISIS_BANNER_RUNS=${RUNS})\n`);
    await context.close();
  } finally {
    await browser.close();
    await app.close();
    await database.stop();
  }
}
