import type { DeliveryState } from '../dispatch/delivery-state';
import { postStatusOf } from './post-status';

const of = (...states: DeliveryState[]): { state: DeliveryState }[] => states.map((state) => ({ state }));

describe('a post status read from its deliveries', () => {
  it('keeps the planning statuses as they are', () => {
    expect(postStatusOf('pending_approval', of('pending_approval'))).toBe('pending_approval');
    expect(postStatusOf('rejected', of('cancelled'))).toBe('rejected');
    expect(postStatusOf('draft', [])).toBe('draft');
    expect(postStatusOf('cancelled', of('published', 'cancelled'))).toBe('cancelled');
  });

  it('reads published when every delivery published, and partly published when some ended otherwise', () => {
    expect(postStatusOf('scheduled', of('published', 'published'))).toBe('published');
    expect(postStatusOf('scheduled', of('published', 'failed'))).toBe('partly_published');
    expect(postStatusOf('scheduled', of('published', 'missed'))).toBe('partly_published');
    expect(postStatusOf('scheduled', of('published', 'cancelled'))).toBe('published');
  });

  it('counts a failed-over delivery as its fallbacks', () => {
    expect(postStatusOf('scheduled', of('failed_over', 'published'))).toBe('published');
  });

  it('reads failed, missed or needs verification when nothing published', () => {
    expect(postStatusOf('scheduled', of('failed', 'failed'))).toBe('failed');
    expect(postStatusOf('scheduled', of('failed', 'missed'))).toBe('failed');
    expect(postStatusOf('scheduled', of('missed', 'missed'))).toBe('missed');
    expect(postStatusOf('scheduled', of('needs_verification', 'failed'))).toBe('needs_verification');
  });

  it('reads scheduled, held or publishing while deliveries are still ahead', () => {
    expect(postStatusOf('scheduled', of('scheduled', 'scheduled'))).toBe('scheduled');
    expect(postStatusOf('scheduled', of('held', 'held'))).toBe('held');
    expect(postStatusOf('scheduled', of('publishing', 'scheduled'))).toBe('publishing');
    expect(postStatusOf('scheduled', of('published', 'scheduled'))).toBe('publishing');
    expect(postStatusOf('scheduled', of('cancelled', 'cancelled'))).toBe('cancelled');
  });
});
