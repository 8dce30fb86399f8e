// The request throttle's counts (THROTTLE_PER_MINUTE), in constant time and memory per client: a sliding-window
// counter (the current fixed window's count plus the previous one's, weighted by how much of it still overlaps the
// last ttl), instead of @nestjs/throttler's in-memory storage, which keeps every hit's expiry and filters the whole
// list on each request (a client near its limit of 100,000 a minute cost 100,000 comparisons a request).
//
// Kept per instance, like the library's: with N instances behind a balancer a client may send up to N times the
// limit in all (README, Configuration). The estimate may count a burst at a window's edge slightly high or low
// (the previous window's hits are assumed spread evenly), never more than one window's worth.
import type { ThrottlerStorage } from '@nestjs/throttler';

interface Counter {
  /** Start of the current fixed window (ms since the epoch, a multiple of ttl). */
  windowStart: number;
  current: number;
  previous: number;
  /** While above the limit: no request passes before this instant. */
  blockedUntil: number;
  ttl: number;
}

/** The answer @nestjs/throttler's guard reads (ThrottlerStorageRecord). */
export interface ThrottleRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

const SWEEP_EVERY_MS = 60_000;

/** One per process, given to ThrottlerModule (app.module.ts); its sweep timer never keeps the process alive. */
export class SlidingWindowThrottlerStorage implements ThrottlerStorage {
  private readonly counters = new Map<string, Counter>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  /** Clients counted now (each one record, whatever its number of hits). */
  get size(): number {
    return this.counters.size;
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottleRecord> {
    return Promise.resolve(this.hit(`${throttlerName}\n${key}`, ttl, limit, blockDuration));
  }

  hit(id: string, ttl: number, limit: number, blockDuration: number): ThrottleRecord {
    const now = this.now();
    const windowStart = now - (now % ttl);
    let counter = this.counters.get(id);
    if (!counter) {
      counter = { windowStart, current: 0, previous: 0, blockedUntil: 0, ttl };
      this.counters.set(id, counter);
    } else if (counter.windowStart !== windowStart) {
      counter.previous = counter.windowStart === windowStart - ttl ? counter.current : 0;
      counter.current = 0;
      counter.windowStart = windowStart;
    }
    const timeToExpire = Math.ceil((windowStart + ttl - now) / 1000);
    const estimate = (): number => counter.previous * ((ttl - (now - windowStart)) / ttl) + counter.current;
    if (counter.blockedUntil > now) {
      return { totalHits: Math.ceil(estimate()) + 1, timeToExpire, isBlocked: true, timeToBlockExpire: Math.ceil((counter.blockedUntil - now) / 1000) };
    }
    if (estimate() + 1 > limit) {
      // Refused requests are not counted: a client that keeps knocking is let in again when the block ends.
      counter.blockedUntil = now + (blockDuration > 0 ? blockDuration : ttl);
      return { totalHits: Math.ceil(estimate()) + 1, timeToExpire, isBlocked: true, timeToBlockExpire: Math.ceil((counter.blockedUntil - now) / 1000) };
    }
    counter.current++;
    return { totalHits: Math.ceil(estimate()), timeToExpire, isBlocked: false, timeToBlockExpire: 0 };
  }

  /** Forgets clients idle for two windows (their counts no longer matter) and not blocked. */
  sweep(): void {
    const now = this.now();
    for (const [id, counter] of this.counters) {
      if (counter.windowStart + 2 * counter.ttl <= now && counter.blockedUntil <= now) {
        this.counters.delete(id);
      }
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
