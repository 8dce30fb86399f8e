// Instagram media containers without I/O: what a status_code means for the send, and which container a delivery has.
import { PublishError } from '../publisher.port';

/** GET /{container-id}?fields=status_code,status. */
export interface ContainerStatus {
  id?: string;
  /** IN_PROGRESS, FINISHED, PUBLISHED, ERROR or EXPIRED (a string: Meta may add states). */
  status_code?: string;
  /** A longer description, e.g. "Error: Media upload has failed with error code 2207003". */
  status?: string;
}

/** What to do with a container in this state. */
export type ContainerStep = 'publish' | 'wait' | 'already_published' | 'new_container';

export function containerStep(status: ContainerStatus): ContainerStep {
  switch (status.status_code) {
    case 'FINISHED':
      return 'publish';
    case 'PUBLISHED':
      return 'already_published';
    case 'ERROR':
    case 'EXPIRED':
      return 'new_container';
    case undefined:
    default:
      // IN_PROGRESS, or a state Meta adds later: waiting is bounded, so it cannot hang a send.
      return 'wait';
  }
}

/** Containers expire 24 hours after they are made. */
const CONTAINER_LIFETIME_MS = 24 * 60 * 60 * 1000;
const MAX_REMEMBERED = 10_000;

/**
 * The container each unpublished delivery has, kept between attempts in this process, so a retry
 * checks and reuses it instead of publishing a second copy. Bounded; entries lapse with the container.
 */
export class ContainerMemory {
  private readonly byDelivery = new Map<string, { containerId: string; madeAt: number }>();

  get(deliveryId: string, now: Date): string | undefined {
    const entry = this.byDelivery.get(deliveryId);
    if (entry && now.getTime() - entry.madeAt >= CONTAINER_LIFETIME_MS) {
      this.byDelivery.delete(deliveryId);
      return undefined;
    }
    return entry?.containerId;
  }

  remember(deliveryId: string, containerId: string, now: Date): void {
    this.byDelivery.delete(deliveryId);
    if (this.byDelivery.size >= MAX_REMEMBERED) {
      this.byDelivery.delete(this.byDelivery.keys().next().value!); // the oldest
    }
    this.byDelivery.set(deliveryId, { containerId, madeAt: now.getTime() });
  }

  forget(deliveryId: string): void {
    this.byDelivery.delete(deliveryId);
  }

  get size(): number {
    return this.byDelivery.size;
  }
}

export interface InstagramCredentials {
  igUserId: string;
  accessToken: string;
}

/** Channels validate these fields when connected; a record that no longer fits needs a person, like a dead token. */
export function readInstagramCredentials(raw: Record<string, string>): InstagramCredentials {
  if (!/^\d{1,30}$/.test(raw.igUserId ?? '') || !raw.accessToken) {
    throw new PublishError({ kind: 'auth_expired', reason: 'The channel has no usable Instagram account id and access token: reconnect the channel' });
  }
  return { igUserId: raw.igUserId, accessToken: raw.accessToken };
}
