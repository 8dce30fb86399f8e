// Shared by the approvals queue and the post view: instants in the browser's zone, platform names.
import type { components } from '../../api/schema';

export type Platform = components['schemas']['DeliveryView']['platform'];

export { platformName } from '../../platforms';

const instant = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatInstant(iso: string | null | undefined): string {
  if (!iso) {
    return '—';
  }
  return instant.format(new Date(iso));
}

/** "3 hours" style: how long something has waited. */
export function waitedFor(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) {
    return '';
  }
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) {return 'less than a minute';}
  if (minutes < 60) {return `${minutes} minute${minutes === 1 ? '' : 's'}`;}
  const hours = Math.round(minutes / 60);
  if (hours < 48) {return `${hours} hour${hours === 1 ? '' : 's'}`;}
  const days = Math.round(hours / 24);
  return `${days} days`;
}
