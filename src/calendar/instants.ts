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
