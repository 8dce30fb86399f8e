import { isTimeZone, localDay, localIso, parseInstant, readWallClock } from './instants';

describe('instants', () => {
  it('accepts ISO 8601 with an offset and refuses it without', () => {
    expect(parseInstant('2026-03-29T09:00:00+02:00')?.toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(parseInstant('2026-03-29T07:00Z')?.toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(parseInstant('2026-03-29T09:00:00')).toBeUndefined();
    expect(parseInstant('2026-02-30T09:00:00Z')).toBeUndefined();
    expect(parseInstant('2026-13-01T09:00:00Z')).toBeUndefined();
    expect(parseInstant('next tuesday')).toBeUndefined();
  });

  it('knows IANA zones', () => {
    expect(isTimeZone('Europe/Madrid')).toBe(true);
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone("UTC'; DROP TABLE posts")).toBe(false);
  });

  it('puts instants on the right local day across DST changes', () => {
    // Madrid springs forward on 2026-03-29 at 02:00 (+01:00 -> +02:00).
    expect(localDay(new Date('2026-03-28T23:30:00Z'), 'Europe/Madrid')).toBe('2026-03-29');
    expect(localDay(new Date('2026-03-29T21:59:00Z'), 'Europe/Madrid')).toBe('2026-03-29');
    expect(localDay(new Date('2026-03-29T22:00:00Z'), 'Europe/Madrid')).toBe('2026-03-30');
    // New York falls back on 2026-11-01 at 02:00 (-04:00 -> -05:00): a 25-hour day.
    expect(localDay(new Date('2026-11-01T04:00:00Z'), 'America/New_York')).toBe('2026-11-01');
    expect(localDay(new Date('2026-11-02T04:59:00Z'), 'America/New_York')).toBe('2026-11-01');
    expect(localDay(new Date('2026-11-02T05:00:00Z'), 'America/New_York')).toBe('2026-11-02');
  });

  it('reads a wall-clock time in a zone, with the offset of that date', () => {
    expect(readWallClock('2027-03-28T09:30', 'Europe/Madrid')).toEqual({ kind: 'instant', instant: new Date('2027-03-28T07:30:00Z'), ambiguous: false });
    expect(readWallClock('2027-03-27T09:30:15', 'Europe/Madrid')).toEqual({ kind: 'instant', instant: new Date('2027-03-27T08:30:15Z'), ambiguous: false });
    expect(readWallClock('2027-01-10T09:30', 'America/New_York')).toEqual({ kind: 'instant', instant: new Date('2027-01-10T14:30:00Z'), ambiguous: false });
    expect(readWallClock('2027-06-01T09:30', 'Asia/Kolkata')).toEqual({ kind: 'instant', instant: new Date('2027-06-01T04:00:00Z'), ambiguous: false });
  });

  it('names the nearest valid times around a time the clocks skip', () => {
    // Madrid springs forward on 2027-03-28 at 02:00 (+01:00 -> +02:00): 02:00 to 02:59 do not exist.
    expect(readWallClock('2027-03-28T02:30', 'Europe/Madrid')).toEqual({ kind: 'gap', before: '2027-03-28T01:59:00+01:00', after: '2027-03-28T03:00:00+02:00' });
    expect(readWallClock('2027-03-14T02:15', 'America/New_York')).toEqual({ kind: 'gap', before: '2027-03-14T01:59:00-05:00', after: '2027-03-14T03:00:00-04:00' });
  });

  it('takes the earlier instant of a time the clocks show twice', () => {
    // Madrid falls back on 2027-10-31 at 03:00 (+02:00 -> +01:00): 02:30 happens at 00:30Z and again at 01:30Z.
    expect(readWallClock('2027-10-31T02:30', 'Europe/Madrid')).toEqual({ kind: 'instant', instant: new Date('2027-10-31T00:30:00Z'), ambiguous: true });
  });

  it('refuses what is no wall-clock time', () => {
    expect(readWallClock('2027-02-30T09:30', 'Europe/Madrid').kind).toBe('invalid');
    expect(readWallClock('2027-03-28T24:30', 'Europe/Madrid').kind).toBe('invalid');
    expect(readWallClock('2027-03-28T09:30+02:00', 'Europe/Madrid').kind).toBe('invalid');
  });

  it('writes an instant in a zone with that zone\'s offset then', () => {
    expect(localIso(new Date('2027-03-28T07:30:00Z'), 'Europe/Madrid')).toBe('2027-03-28T09:30:00+02:00');
    expect(localIso(new Date('2027-03-27T08:30:00Z'), 'Europe/Madrid')).toBe('2027-03-27T09:30:00+01:00');
    expect(localIso(new Date('2027-03-27T08:30:00Z'), 'UTC')).toBe('2027-03-27T08:30:00+00:00');
    expect(localIso(new Date('2027-01-10T14:30:00Z'), 'America/St_Johns')).toBe('2027-01-10T11:00:00-03:30');
    // On the day the clocks change, either side of the change (01:00Z in Madrid).
    expect(localIso(new Date('2027-03-28T00:59:59Z'), 'Europe/Madrid')).toBe('2027-03-28T01:59:59+01:00');
    expect(localIso(new Date('2027-03-28T01:00:00Z'), 'Europe/Madrid')).toBe('2027-03-28T03:00:00+02:00');
    expect(localIso(new Date('2027-10-31T00:30:00Z'), 'Europe/Madrid')).toBe('2027-10-31T02:30:00+02:00');
    expect(localIso(new Date('2027-10-31T01:30:00Z'), 'Europe/Madrid')).toBe('2027-10-31T02:30:00+01:00');
    expect(localIso(new Date('2027-06-30T23:59:59.999Z'), 'Pacific/Kiritimati')).toBe('2027-07-01T13:59:59+14:00');
  });

  it('writes the same local time as Intl does, instant by instant, across clock changes', () => {
    const zones = ['Europe/Madrid', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kathmandu', 'Pacific/Chatham', 'UTC'];
    for (const timeZone of zones) {
      const intl = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
      // Every 7h13m over four years: every hour of the day, on both sides of every change.
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2030, 0, 1); t += 26_000_000) {
        const local = localIso(new Date(t), timeZone);
        expect(local.slice(0, 19).replace('T', ' ')).toBe(intl.format(new Date(t)));
        expect(new Date(local).getTime()).toBe(t - (t % 1000));
      }
    }
  });
});
