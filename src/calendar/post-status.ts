// A post's status as people read it: what its deliveries came to, not only where its planning stands.
import type { DeliveryState } from '../dispatch/delivery-state';
import type { PostStatus } from './post.entity';

/**
 * The statuses a post is shown with. The stored ones (draft, pending_approval, rejected, cancelled) are
 * shown as they are; an approved post (`scheduled` in the table) reads what its deliveries say.
 */
export const POST_VIEW_STATUSES = [
  'draft',
  'pending_approval',
  'rejected',
  'scheduled',
  'held',
  'publishing',
  'published',
  'partly_published',
  'needs_verification',
  'missed',
  'failed',
  'cancelled',
] as const;
export type PostViewStatus = (typeof POST_VIEW_STATUSES)[number];

export const POST_STATUS_DESCRIPTION =
  'draft, pending_approval, rejected and cancelled as planned; an approved post reads what its deliveries (those not cancelled, a failed-over one ' +
  'counted as its fallbacks) came to: scheduled (none sent yet), held (the rest stopped by a crisis or a hold), publishing (one under way, or some ' +
  'published and others still due), published (all), partly_published (some published, the others ended failed, missed or unverified), ' +
  'needs_verification (none published, an outcome a person must check), missed (all missed during a crisis), failed (none published, some failed); ' +
  'cancelled also when every delivery was cancelled one by one';

/** What an approved post's deliveries came to; a post in any other stored status reads that status. */
export function postStatusOf(stored: PostStatus, deliveries: readonly { state: DeliveryState }[]): PostViewStatus {
  if (stored !== 'scheduled') {
    return stored;
  }
  const count: Partial<Record<DeliveryState, number>> = {};
  let live = 0;
  for (const d of deliveries) {
    // A failed-over delivery is replaced by its fallbacks' deliveries, which count instead.
    if (d.state !== 'cancelled' && d.state !== 'failed_over') {
      count[d.state] = (count[d.state] ?? 0) + 1;
      live++;
    }
  }
  const n = (state: DeliveryState): number => count[state] ?? 0;
  const published = n('published');
  if (live === 0) {
    return 'cancelled';
  }
  if (published === live) {
    return 'published';
  }
  const due = n('scheduled') + n('pending_approval');
  if (n('publishing') > 0 || (published > 0 && due > 0)) {
    return 'publishing';
  }
  if (due > 0) {
    return 'scheduled';
  }
  if (n('held') > 0) {
    return 'held';
  }
  if (published > 0) {
    return 'partly_published';
  }
  if (n('needs_verification') > 0) {
    return 'needs_verification';
  }
  return n('missed') === live ? 'missed' : 'failed';
}
