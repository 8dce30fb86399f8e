// The dispatcher's slots: the sends it may have in flight, overall and per platform, and the batches holding a gate pass.
import type { Platform } from '../channels/platform';

export interface SlotLimits {
  /** Sends in flight at once, every platform together. */
  concurrency: number;
  /** Sends in flight at once to one platform. */
  platformConcurrency: number;
  /** Batches holding a gate pass at once (each holds a database connection). */
  maxBatches: number;
  /**
   * An idle engine's first claim takes at most this many, so that its sends start while the next claim runs
   * rather than after one claim of every slot (in `npm run bench -- burst`, claiming 1,000 took 62 ms and
   * admitting them at the gate 43 ms, with the engine idle meanwhile).
   */
  firstClaim: number;
}

/**
 * A claim fills free slots; a slot frees as soon as its send is answered (the record comes after), so claiming
 * goes on while a batch's slowest send finishes. A batch frees its gate slot when all of it is recorded.
 */
export class SendSlots {
  private readonly inFlight = new Set<string>();
  private readonly perPlatform = new Map<Platform, number>();
  private batches = 0;

  constructor(
    private readonly limits: SlotLimits,
    private readonly gauge: { inc(by: number): void; dec(): void },
  ) {}

  get sending(): number {
    return this.inFlight.size;
  }

  /**
   * How many deliveries of `platform` a claim may take now: none when no batch slot is left, or when the batch
   * would be too small to be worth its gate pass and claim query while other sends keep the engine busy.
   */
  claimable(platform: Platform): number {
    const { concurrency, platformConcurrency, maxBatches, firstClaim } = this.limits;
    const free = Math.min(concurrency - this.inFlight.size, platformConcurrency - (this.perPlatform.get(platform) ?? 0));
    if (this.inFlight.size === 0) {
      return this.batches < maxBatches ? Math.min(free, firstClaim) : 0;
    }
    const worthwhile = free >= Math.max(1, Math.floor(platformConcurrency / 4));
    return free > 0 && worthwhile && this.batches < maxBatches ? free : 0;
  }

  /** A batch starts: it takes a gate slot, and each of its deliveries a send slot. */
  startBatch(platform: Platform, deliveryIds: readonly string[]): void {
    this.batches++;
    this.perPlatform.set(platform, (this.perPlatform.get(platform) ?? 0) + deliveryIds.length);
    for (const id of deliveryIds) {
      this.inFlight.add(id);
    }
    this.gauge.inc(deliveryIds.length);
  }

  /** A send is answered (or will never be made): its slot frees. True the first time only. */
  free(platform: Platform, deliveryId: string): boolean {
    if (!this.inFlight.delete(deliveryId)) {
      return false;
    }
    this.perPlatform.set(platform, (this.perPlatform.get(platform) ?? 1) - 1);
    this.gauge.dec();
    return true;
  }

  /** The batch is recorded: its gate slot frees. */
  endBatch(): void {
    this.batches--;
  }
}
