import { isTimeZone, localDay, parseInstant } from './instants';

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
});
