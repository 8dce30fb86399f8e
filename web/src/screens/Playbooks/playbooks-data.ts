// The playbooks section's shared words: query keys, scenario names, and how a playbook's parts read.
import type { components } from '../../api/schema';

export type PlaybookView = components['schemas']['PlaybookView'];
export type PlaybookMessageView = components['schemas']['PlaybookMessageView'];
export type ContactView = components['schemas']['ContactView'];
export type PlanView = components['schemas']['PlaybookPlanView'];
export type Category = PlaybookView['category'];
export type ChannelView = components['schemas']['ChannelView'];

export const PLAYBOOKS_KEY = ['playbooks'] as const;

export const CATEGORY_LABELS: Record<Category, string> = {
  platform_outage: 'Platform outage',
  data_breach: 'Data breach',
  delivery_delays: 'Delivery delays',
  public_bug_report: 'Public bug report',
  payment_complaints: 'Payment complaints',
  offensive_post: 'Offensive post',
  external_tragedy: 'External tragedy',
  other: 'Other',
};

export const CATEGORIES = Object.keys(CATEGORY_LABELS) as Category[];

export const LEVEL_LABELS: Record<1 | 2 | 3, string> = { 1: 'Level 1', 2: 'Level 2', 3: 'Level 3' };

/** "at activation", "30 minutes after", "2 hours after". */
export function offsetLabel(minutes: number): string {
  if (minutes === 0) {
    return 'as soon as it is approved';
  }
  if (minutes % 60 === 0) {
    const hours = minutes / 60;
    return `${hours} hour${hours === 1 ? '' : 's'} after activation`;
  }
  return `${minutes} minute${minutes === 1 ? '' : 's'} after activation`;
}

/** How to reach a contact, the ways they have. */
export function reachOf(contact: ContactView): string {
  return [contact.email, contact.phone, contact.chat].filter((w): w is string => !!w).join(' · ');
}
