// What every benchmark needs: an embedded PostgreSQL of its own, the real app on it, and honest figures.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../src/app.factory';
import { validateEnv } from '../src/config/env';
import { EmbeddedDatabase } from '../src/database/embedded-database';

export interface BenchDatabase {
  url: string;
  stop(): Promise<void>;
}

/** DATABASE_URL when set (its database is used as is), else a throwaway embedded PostgreSQL. */
export async function benchDatabase(): Promise<BenchDatabase> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, stop: () => Promise.resolve() };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-bench-'));
  const embedded = await EmbeddedDatabase.start({ dataDir, database: 'holdfast_bench' });
  return {
    url: embedded.url,
    stop: async () => {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const BENCH_ADMIN_KEY = `hf_bench_${randomBytes(16).toString('hex')}`;

export async function benchApp(databaseUrl: string, env: Record<string, string> = {}): Promise<NestExpressApplication> {
  return createApp(
    validateEnv({
      DATABASE_URL: databaseUrl,
      HOLDFAST_DATA_DIR: mkdtempSync(join(tmpdir(), 'holdfast-bench-app-')),
      HOLDFAST_SECRET_KEY: randomBytes(32).toString('hex'),
      HOLDFAST_ADMIN_KEY: BENCH_ADMIN_KEY,
      LOG_LEVEL: 'error',
      THROTTLE_PER_MINUTE: '100000000',
      ...env,
    }),
  );
}

/** The q-quantile (0..1) of unsorted numbers, nearest-rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) {
    return NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** The line every benchmark ends with: how to get these figures again. */
export function reproduce(what: string): string {
  return `Reproduce: npm run bench -- ${what}   (on ${process.platform}/${process.arch}, Node ${process.version}, ${cpus().length} cores)`;
}
