import { PassLoop } from './pass-loop';

type Pass = 'full' | 'refill';

function loopRecording(): { loop: PassLoop<Pass>; ran: Pass[]; release: () => void; errors: unknown[] } {
  const ran: Pass[] = [];
  const errors: unknown[] = [];
  let release: () => void = () => undefined;
  const loop = new PassLoop<Pass>({
    run: (pass) => {
      ran.push(pass);
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    merge: (a, b) => (a === 'full' || b === 'full' ? 'full' : 'refill'),
    onError: (error) => errors.push(error),
  });
  return { loop, ran, release: () => release(), errors };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('PassLoop', () => {
  it('runs a pass asked while idle at once, and goes idle when it ends', async () => {
    const { loop, ran, release } = loopRecording();
    const done = loop.ask('full');
    expect(ran).toEqual(['full']);
    expect(loop.state).toEqual({ kind: 'running', asked: null });
    release();
    await done;
    expect(loop.state).toEqual({ kind: 'idle' });
  });

  it('merges what is asked while a pass runs into one pass run after it, and the caller waits for that one', async () => {
    const { loop, ran, release } = loopRecording();
    void loop.ask('refill');
    const later = loop.ask('refill');
    void loop.ask('full');
    void loop.ask('refill');
    expect(loop.state).toEqual({ kind: 'running', asked: 'full' });
    let settled = false;
    void later.then(() => (settled = true));
    release();
    await tick();
    expect(ran).toEqual(['refill', 'full']);
    expect(settled).toBe(false);
    release();
    await later;
    expect(ran).toEqual(['refill', 'full']);
    expect(loop.state).toEqual({ kind: 'idle' });
  });

  it('never runs two passes at once', async () => {
    let running = 0;
    let most = 0;
    const loop = new PassLoop<Pass>({
      run: async () => {
        running++;
        most = Math.max(most, running);
        await tick();
        running--;
      },
      merge: (a) => a,
      onError: () => undefined,
    });
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 7 === 0 ? tick().then(() => loop.ask('refill')) : loop.ask('full'))));
    expect(most).toBe(1);
  });

  it('stops: the pass running ends, nothing asked before or after runs', async () => {
    const { loop, ran, release } = loopRecording();
    void loop.ask('full');
    void loop.ask('refill');
    const stopped = loop.stop();
    await expect(loop.ask('full')).resolves.toBeUndefined();
    release();
    await stopped;
    expect(ran).toEqual(['full']);
    expect(loop.state).toEqual({ kind: 'stopped' });
  });

  it('a pass that throws is reported and the loop goes idle, ready for the next', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const loop = new PassLoop<Pass>({
      run: () => (++calls === 1 ? Promise.reject(new Error('database gone')) : Promise.resolve()),
      merge: (a) => a,
      onError: (error) => errors.push(error),
    });
    await loop.ask('full');
    expect(errors).toHaveLength(1);
    expect(loop.state).toEqual({ kind: 'idle' });
    await loop.ask('full');
    expect(calls).toBe(2);
  });
});
