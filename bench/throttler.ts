// The request throttle's cost per request as a client's window fills: Holdfast's sliding-window counter against
// @nestjs/throttler's default in-memory storage, with 10 and 100,000 hits already in the client's window.
import { ThrottlerStorageService } from '@nestjs/throttler';
import { SlidingWindowThrottlerStorage } from '../src/common/sliding-window-throttler-storage';
import { reproduce } from './support';

const TTL = 60_000;
const LIMIT = 10_000_000;
const WINDOWS = [10, 100_000];
/** Requests timed per client, after its window was filled; clients per case (each a fresh key). */
const TIMED = 100;
const CLIENTS = 20;

interface Storage {
  increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<unknown>;
}

/** Microseconds a request, for clients whose window already holds `filled` hits. */
async function cost(storage: Storage, filled: number, fill: (key: string, count: number) => Promise<void>): Promise<number> {
  let spent = 0n;
  for (let client = 0; client < CLIENTS; client++) {
    const key = `client-${filled}-${client}`;
    await fill(key, filled);
    const started = process.hrtime.bigint();
    for (let i = 0; i < TIMED; i++) {
      await storage.increment(key, TTL, LIMIT, TTL, 'per-minute');
    }
    spent += process.hrtime.bigint() - started;
  }
  return Number(spent) / 1000 / (TIMED * CLIENTS);
}

export async function main(): Promise<void> {
  const rows: string[] = [];
  let warmed = false;
  // The first pass warms the JIT for both and is not shown.
  for (const filled of [10, ...WINDOWS]) {
    const ours = new SlidingWindowThrottlerStorage();
    const oursCost = await cost(ours, filled, async (key, count) => {
      for (let i = 0; i < count; i++) {
        await ours.increment(key, TTL, LIMIT, TTL, 'per-minute');
      }
    });
    ours.close();
    // Filling the library's storage by requests would take count²/2 comparisons: its hit list is filled directly,
    // as those requests would have left it.
    const library = new ThrottlerStorageService();
    const libraryCost = await cost(library, filled, async (key, count) => {
      await library.increment(key, TTL, LIMIT, TTL, 'per-minute');
      const hits = (library as unknown as { getHitExpirations(key: string, name: string): number[] }).getHitExpirations(key, 'per-minute');
      for (let i = 1; i < count; i++) {
        hits.push(Date.now() + TTL);
      }
    });
    library.onApplicationShutdown();
    if (rows.length === 0 && filled === 10 && !warmed) {
      warmed = true;
      continue;
    }
    rows.push(`  window of ${String(filled).padStart(7)} hits: sliding window ${oursCost.toFixed(2).padStart(7)} µs/request · @nestjs/throttler default ${libraryCost.toFixed(2).padStart(8)} µs/request`);
  }
  process.stdout.write(`${TIMED} requests timed for each of ${CLIENTS} clients whose window already held the hits\n${rows.join('\n')}\n${reproduce('throttler')}\n`);
}
