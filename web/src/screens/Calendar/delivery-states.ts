// How each delivery state looks on the calendar: a colour whose text passes AA contrast, a label, and for the
// states that need a person's attention an icon and a word, so the state never rests on colour alone.
import type { components } from '../../api/schema';

export type DeliveryView = components['schemas']['DeliveryView'];
export type PostView = components['schemas']['PostView'];
export type DeliveryState = DeliveryView['state'];
export type Platform = DeliveryView['platform'];

export interface StateLook {
  label: string;
  /** Background of the event; `text` on it is at least 4.5:1. */
  color: string;
  text: string;
  /** Shown before the title of the states that need attention (with `label`). */
  icon?: string;
  attention: boolean;
}

export const STATE_LOOKS: Record<DeliveryState, StateLook> = {
  pending_approval: { label: 'Waiting for approval', color: '#5f3dc4', text: '#ffffff', attention: false },
  scheduled: { label: 'Scheduled', color: '#1864ab', text: '#ffffff', attention: false },
  publishing: { label: 'Publishing', color: '#0b7285', text: '#ffffff', attention: false },
  published: { label: 'Published', color: '#1e6b30', text: '#ffffff', attention: false },
  failed: { label: 'Failed', color: '#c92a2a', text: '#ffffff', icon: '⚠', attention: true },
  held: { label: 'Held', color: '#ffd43b', text: '#212529', icon: '‖', attention: true },
  missed: { label: 'Missed', color: '#862e9c', text: '#ffffff', icon: '↷', attention: true },
  needs_verification: { label: 'Needs verification', color: '#b33c00', text: '#ffffff', icon: '?', attention: true },
  cancelled: { label: 'Cancelled', color: '#495057', text: '#ffffff', attention: false },
  failed_over: { label: 'Failed over', color: '#343a40', text: '#ffffff', attention: false },
};

export const DELIVERY_STATES = Object.keys(STATE_LOOKS) as DeliveryState[];

/** A post can be moved while none of its deliveries has gone out or is going (the service decides in the end). */
export const MOVABLE_STATES: ReadonlySet<DeliveryState> = new Set(['pending_approval', 'scheduled', 'held', 'missed']);

export { PLATFORM_NAMES, PLATFORMS } from '../../platforms';
