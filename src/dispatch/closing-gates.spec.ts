import { Logger } from '@nestjs/common';
import { ClosingGates, SENDS_PER_ABORT } from './closing-gates';

const WS = '7d1c3f5e-0000-4000-8000-000000000001';
const notice = (platforms: string[] | null, deadlineMs: number, workspaceId = WS): string => JSON.stringify({ workspaceId, platforms, deadlineMs });

describe('closing gates', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('aborts a send in flight behind a closing gate at the deadline, and says so', () => {
    const gates = new ClosingGates();
    const abort = new AbortController();
    const send = gates.track(WS, 'x', abort);
    jest.advanceTimersByTime(300);
    gates.closing(notice(['x'], 2000));
    jest.advanceTimersByTime(1999);
    expect(abort.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(abort.signal.aborted).toBe(true);
    expect(send.abortedBySwitch()).toBe('the crisis switch aborted the send after 2300 ms in flight (its deadline for sends in flight passed)');
  });

  it('leaves alone sends of other workspaces and platforms, and sends answered in time', () => {
    const gates = new ClosingGates();
    const otherPlatform = new AbortController();
    const otherWorkspace = new AbortController();
    const answered = new AbortController();
    gates.track(WS, 'telegram', otherPlatform);
    gates.track('7d1c3f5e-0000-4000-8000-000000000002', 'x', otherWorkspace);
    const inTime = gates.track(WS, 'x', answered);
    gates.closing(notice(['x', 'mastodon'], 1000));
    jest.advanceTimersByTime(500);
    inTime.done();
    jest.advanceTimersByTime(10_000);
    expect([otherPlatform.signal.aborted, otherWorkspace.signal.aborted, answered.signal.aborted]).toEqual([false, false, false]);
    expect(inTime.abortedBySwitch()).toBeNull();
  });

  it('covers a send that starts after the notice, before its deadline (every platform when platforms is null)', () => {
    const gates = new ClosingGates();
    gates.closing(notice(null, 1000));
    jest.advanceTimersByTime(400);
    const late = new AbortController();
    gates.track(WS, 'bluesky', late);
    jest.advanceTimersByTime(600);
    expect(late.signal.aborted).toBe(true);
    // Once the deadline has passed, the notice is over: a send admitted later is not aborted by it.
    const after = new AbortController();
    gates.track(WS, 'bluesky', after);
    jest.advanceTimersByTime(10_000);
    expect(after.signal.aborted).toBe(false);
  });

  it('aborts at once when the deadline is zero, and keeps the earliest of two deadlines', () => {
    const gates = new ClosingGates();
    const first = new AbortController();
    const second = new AbortController();
    gates.track(WS, 'x', first);
    gates.closing(notice(['x'], 0));
    jest.advanceTimersByTime(0);
    expect(first.signal.aborted).toBe(true);
    gates.track(WS, 'linkedin', second);
    gates.closing(notice(['linkedin'], 500));
    gates.closing(notice(['linkedin'], 5000));
    jest.advanceTimersByTime(500);
    expect(second.signal.aborted).toBe(true);
  });

  it('ignores a malformed notice, with a warning', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const gates = new ClosingGates();
    const abort = new AbortController();
    gates.track(WS, 'x', abort);
    for (const payload of ['', 'not json', '{}', JSON.stringify({ workspaceId: WS, platforms: 'x', deadlineMs: 0 }), JSON.stringify({ workspaceId: WS, platforms: null })]) {
      gates.closing(payload);
    }
    jest.advanceTimersByTime(60_000);
    expect(abort.signal.aborted).toBe(false);
    expect(warn).toHaveBeenCalledTimes(5);
    warn.mockRestore();
  });

  describe('shared aborts of a batch', () => {
    it('gives each group of SENDS_PER_ABORT sends one abort, and the switch aborts them all at its deadline', () => {
      const gates = new ClosingGates();
      const aborts = gates.abortsFor(WS, 'x', SENDS_PER_ABORT * 2 + 1, 30_000);
      expect(aborts).toHaveLength(SENDS_PER_ABORT * 2 + 1);
      expect(new Set(aborts).size).toBe(3);
      expect(aborts[0]).toBe(aborts[SENDS_PER_ABORT - 1]);
      expect(aborts[SENDS_PER_ABORT]).not.toBe(aborts[0]);
      gates.closing(notice(['x'], 500));
      jest.advanceTimersByTime(500);
      for (const abort of new Set(aborts)) {
        expect(abort.signal.aborted).toBe(true);
        expect(abort.abortedBySwitch()).toMatch(/^the crisis switch aborted the send after 500 ms in flight/);
      }
    });

    it('times a group out after the send timeout, unless all of its sends are done first', () => {
      const gates = new ClosingGates();
      const [finished] = gates.abortsFor(WS, 'x', 2, 1000);
      const [pending] = gates.abortsFor(WS, 'x', 2, 1000);
      finished.done();
      finished.done();
      pending.done(); // one of its two sends still runs
      jest.advanceTimersByTime(1000);
      expect(finished.signal.aborted).toBe(false);
      expect(pending.signal.aborted).toBe(true);
      expect(String(pending.signal.reason)).toContain('send timed out after 1000 ms');
      expect(pending.abortedBySwitch()).toBeNull();
    });

    it('stops tracking a group once its sends are done: a later close aborts nothing of it', () => {
      const gates = new ClosingGates();
      const [abort] = gates.abortsFor(WS, 'x', 1, 30_000);
      abort.done();
      gates.closing(notice(null, 0));
      jest.advanceTimersByTime(10);
      expect(abort.signal.aborted).toBe(false);
    });
  });
});
