// What happens to a channel's waiting deliveries when it is reconnected (issue 15, the token life cycle).
import type { EntityManager } from 'typeorm';

/**
 * Called in the transaction that makes a needs_reauth channel active again (new credentials through
 * PATCH, a connect flow's reconnect, a successful check): deliveries that waited past the grace window
 * become missed here, in the same transaction, so none of them can be claimed and sent stale; the
 * others go out once it commits. Implemented by the token life cycle work; a no-op until then.
 */
export async function settleReconnected(_manager: EntityManager, _channelId: string): Promise<void> {
  // filled in by the token life cycle
}
