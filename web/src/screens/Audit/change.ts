// What an audit event changed, as lines a person reads: "active: yes → no", not two JSON blobs side by side.

export interface ChangeLine {
  field: string;
  kind: 'set' | 'changed' | 'removed';
  before?: string;
  after?: string;
}

type Summary = Record<string, unknown> | null | undefined;

/** Field names in words: "eventTypes" → "event types". */
export function fieldLabel(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
}

/** A summary value in words: yes/no, lists joined, nothing as "none". */
export function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') {
    return 'none';
  }
  if (typeof value === 'boolean') {
    return value ? 'yes' : 'no';
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? 'none' : value.map((item) => (typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item))).join(', ');
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value);
}

/**
 * The fields that differ between the two summaries, in the order they were written. A creation (no
 * before) lists what was set, a removal (no after) what there was; fields equal on both sides are left out.
 */
export function changeLines(before: Summary, after: Summary): ChangeLine[] {
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const lines: ChangeLine[] = [];
  for (const field of fields) {
    const hadBefore = before != null && field in before;
    const hasAfter = after != null && field in after;
    const was = hadBefore ? valueText(before[field]) : undefined;
    const now = hasAfter ? valueText(after[field]) : undefined;
    if (hadBefore && hasAfter) {
      if (was !== now) {
        lines.push({ field, kind: 'changed', before: was, after: now });
      }
    } else if (hasAfter) {
      lines.push({ field, kind: 'set', after: now });
    } else {
      lines.push({ field, kind: 'removed', before: was });
    }
  }
  return lines;
}
