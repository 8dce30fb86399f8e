// Wall-clock dates and times in a named time zone, and the instants they stand for: the composer asks for a date and
// a time in a zone the writer chooses, and the service wants one ISO 8601 instant with its offset.

/** The IANA zones this browser knows, UTC first. */
export function timeZones(): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...known.filter((zone) => zone !== 'UTC')];
}

/** Whether this browser knows the zone (an unknown one would make Intl throw). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export interface WallTime {
  /** YYYY-MM-DD */
  date: string;
  /** HH:mm */
  time: string;
}

const partsFormat = new Map<string, Intl.DateTimeFormat>();

function formatIn(zone: string): Intl.DateTimeFormat {
  let format = partsFormat.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormat.set(zone, format);
  }
  return format;
}

/** The zone's wall clock at an instant, as numbers. */
function wallClock(zone: string, instant: number): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatIn(zone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') {
      parts[part.type] = Number(part.value);
    }
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** Minutes the zone is ahead of UTC at an instant (Europe/Madrid in winter: 60). */
function offsetMinutes(zone: string, instant: number): number {
  const w = wallClock(zone, instant);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * The instant a wall-clock time in a zone stands for, as ISO 8601 with the zone's offset then
 * (2027-03-10T09:30:00-05:00); null when the date or time is incomplete. A time skipped by a
 * clock change (02:30 on a spring-forward night) is read with the offset before the change
 * (02:30+01:00 in Madrid, which the clocks show as 03:30).
 */
export function instantOf(wall: WallTime, zone: string): { iso: string; instant: Date } | null {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(wall.date);
  const time = /^(\d{2}):(\d{2})$/.exec(wall.time);
  if (!date || !time) {
    return null;
  }
  const [year, month, day, hour, minute] = [date[1], date[2], date[3], time[1], time[2]].map(Number);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  if (Number.isNaN(asUtc)) {
    return null;
  }
  let offset = offsetMinutes(zone, asUtc);
  let instant = asUtc - offset * 60_000;
  const corrected = offsetMinutes(zone, instant);
  if (corrected !== offset) {
    offset = corrected;
    instant = asUtc - offset * 60_000;
  }
  return { iso: `${wall.date}T${wall.time}:00${offsetText(offset)}`, instant: new Date(instant) };
}

/** The wall-clock date and time of an instant in a zone, for the composer's inputs. */
export function wallTimeOf(instant: Date, zone: string): WallTime {
  const w = wallClock(zone, instant.getTime());
  return { date: `${w.year}-${pad(w.month)}-${pad(w.day)}`, time: `${pad(w.hour)}:${pad(w.minute)}` };
}

/** An instant as a person reads it in a zone: "Wed, 10 Mar 2027, 15:30". */
export function showInstant(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant);
}
