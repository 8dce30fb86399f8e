// One loop of passes at a time (claim, send, claim again): its three states and every move between them, in one place.

/**
 * - `idle`: no pass runs; the next one asked runs at once.
 * - `running`: a pass runs; `asked` is what was asked meanwhile (merged into one), run when it ends.
 * - `stopped`: shutting down; nothing more runs, and what is asked is dropped.
 */
export type PassLoopState<P> = { readonly kind: 'idle' } | { readonly kind: 'running'; readonly asked: P | null } | { readonly kind: 'stopped' };

export interface PassLoopOptions<P> {
  run(pass: P): Promise<void>;
  /** One pass that does the work of both (a full pass covers a refill). */
  merge(queued: P, asked: P): P;
  /** A pass threw: the loop goes idle, and the next pass asked (the interval's, at the latest) runs as usual. */
  onError(error: unknown): void;
}

/**
 * Runs the passes asked of an engine one after the other, never two at once, and never the same work twice in a
 * row for nothing: what is asked while a pass runs is merged and run once after it. A pass may ask for another
 * (more was due than it had slots for); it must not await that, since it is its own loop.
 */
export class PassLoop<P> {
  private current: PassLoopState<P> = { kind: 'idle' };
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly options: PassLoopOptions<P>) {}

  get state(): PassLoopState<P> {
    return this.current;
  }

  /** Resolves once the loop that runs this pass has ended (at once when stopped). */
  ask(pass: P): Promise<void> {
    const state = this.current;
    switch (state.kind) {
      case 'stopped':
        return Promise.resolve();
      case 'running':
        this.current = { kind: 'running', asked: state.asked === null ? pass : this.options.merge(state.asked, pass) };
        return this.loop;
      case 'idle':
        this.current = { kind: 'running', asked: pass };
        this.loop = this.drain();
        return this.loop;
    }
  }

  /** Nothing more runs; resolves once the pass running now (if any) has ended. */
  stop(): Promise<void> {
    this.current = { kind: 'stopped' };
    return this.loop;
  }

  private async drain(): Promise<void> {
    try {
      for (let state = this.current; state.kind === 'running' && state.asked !== null; state = this.current) {
        this.current = { kind: 'running', asked: null };
        await this.options.run(state.asked);
      }
    } catch (error) {
      this.options.onError(error);
    } finally {
      if (this.current.kind === 'running') {
        this.current = { kind: 'idle' };
      }
    }
  }
}
