// Instants with explicit offsets and IANA zones: the two ways time enters the calendar.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO 8601 instant that states its offset; undefined when it does not. */
export function parseInstant(value: string): Date | undefined {
  if (!ISO_WITH_OFFSET.test(value)) {
    return undefined;
  }
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const calendarDay = new Date(Date.UTC(year, month - 1, day));
  if (calendarDay.getUTCMonth() !== month - 1 || calendarDay.getUTCDate() !== day) {
    return undefined; // 2026-02-30 is not a day, whatever Date would make of it
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Zones already found valid: building a DateTimeFormat costs more than the rest of a request's checks. */
const knownZones = new Set<string>();
/** IANA has about 600 zone names and links; the bound only guards against a flood of odd spellings. */
const KNOWN_ZONES_MAX = 2000;

export function isTimeZone(name: string): boolean {
  if (knownZones.has(name)) {
    return true;
  }
  if (!/^[A-Za-z_+\-/0-9]{1,64}$/.test(name)) {
    return false;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return false;
  }
  if (knownZones.size < KNOWN_ZONES_MAX) {
    knownZones.add(name);
  }
  return true;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) an instant falls on in a zone, DST included. */
export function localDay(instant: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(instant);
}

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/** Whether a date-time has no offset: a wall-clock time, to be read in a zone. */
export function isWallClock(value: string): boolean {
  return WALL_CLOCK.test(value);
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormats.set(timeZone, format);
  }
  return format;
}

/** The zone's wall clock at an instant (whole seconds). */
function wallAt(instant: number, timeZone: string): Wall {
  const w: Record<string, number> = {};
  for (const part of partsFormat(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') {
      w[part.type] = Number(part.value);
    }
  }
  return { year: w.year, month: w.month, day: w.day, hour: w.hour, minute: w.minute, second: w.second };
}

/** Milliseconds the zone is ahead of UTC at an instant, read from Intl (about 20 µs: formatToParts is slow). */
function exactOffset(instant: number, timeZone: string): number {
  const w = wallAt(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

const DAY_MS = 86_400_000;
/** Per zone and UTC day: its offset when the same all day, null on a day the zone's clocks change. */
const dayOffsets = new Map<string, number | null>();
/** Bounded: a flood of distinct days only costs recomputation. */
const DAY_OFFSETS_MAX = 50_000;

/**
 * Milliseconds the zone is ahead of UTC at an instant (Europe/Madrid in summer: 7,200,000). Cached per
 * UTC day: a zone changes its offset at most once in a day, so the same offset at both ends of the day
 * holds all day; every post and delivery answered carries a local time, and a calendar page many.
 */
function offsetAt(instant: number, timeZone: string): number {
  const day = Math.floor(instant / DAY_MS);
  const key = `${timeZone} ${day}`;
  let offset = dayOffsets.get(key);
  if (offset === undefined) {
    const start = exactOffset(day * DAY_MS, timeZone);
    offset = start === exactOffset((day + 1) * DAY_MS - 1000, timeZone) ? start : null;
    if (dayOffsets.size >= DAY_OFFSETS_MAX) {
      dayOffsets.clear();
    }
    dayOffsets.set(key, offset);
  }
  return offset ?? exactOffset(instant, timeZone);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function offsetText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An instant as ISO 8601 in a zone, with the zone's offset then: 2027-03-28T09:30:00+02:00 (whole seconds). */
export function localIso(instant: Date, timeZone: string): string {
  const ms = Math.floor(instant.getTime() / 1000) * 1000;
  const offset = offsetAt(ms, timeZone);
  // The wall clock is the instant moved by the offset, read as UTC.
  const w = new Date(ms + offset);
  const date = `${pad(w.getUTCFullYear(), 4)}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}`;
  return `${date}T${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}${offsetText(offset)}`;
}

export type WallClockReading =
  | { kind: 'instant'; instant: Date; ambiguous: boolean }
  /** The time does not exist there (the clocks skipped it): the last valid minute before and the first after, as ISO with offsets. */
  | { kind: 'gap'; before: string; after: string }
  | { kind: 'invalid' };

/**
 * The instant a wall-clock time (2027-03-28T09:30, no offset) stands for in an IANA zone. A time the
 * clocks show twice (the autumn overlap) is the earlier instant; one they skip (the spring gap) is no
 * instant at all, answered with the nearest valid times either side.
 */
export function readWallClock(value: string, timeZone: string): WallClockReading {
  const m = WALL_CLOCK.exec(value);
  if (!m) {
    return { kind: 'invalid' };
  }
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const millis = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  if (hour > 23 || minute > 59 || second > 59) {
    return { kind: 'invalid' };
  }
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const calendarDay = new Date(asUtc);
  if (Number.isNaN(asUtc) || calendarDay.getUTCMonth() !== month - 1 || calendarDay.getUTCDate() !== day) {
    return { kind: 'invalid' };
  }
  // The offsets in force a day either side cover every transition near this time (zones change at most twice a year).
  const offsets = new Set([offsetAt(asUtc - 86_400_000, timeZone), offsetAt(asUtc, timeZone), offsetAt(asUtc + 86_400_000, timeZone)]);
  const matches = [...offsets]
    .map((offset) => asUtc - offset)
    .filter((instant) => offsetAt(instant, timeZone) === asUtc - instant)
    .sort((a, b) => a - b);
  if (matches.length > 0) {
    return { kind: 'instant', instant: new Date(matches[0]), ambiguous: matches.length > 1 };
  }
  // A gap: find the transition (the first minute with the later offset) between the day before and the day after.
  const offsetBefore = offsetAt(asUtc - 86_400_000, timeZone);
  let lo = Math.floor((asUtc - 86_400_000) / 60_000); // in minutes, offset = offsetBefore
  let hi = Math.ceil((asUtc + 86_400_000) / 60_000); // offset differs
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid * 60_000, timeZone) === offsetBefore) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return { kind: 'gap', before: localIso(new Date(lo * 60_000), timeZone), after: localIso(new Date(hi * 60_000), timeZone) };
}
