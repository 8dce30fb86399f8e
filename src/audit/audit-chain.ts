// The hash chain: each event's hash covers its content and the previous event's hash.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedContent {
  workspaceId: string;
  seq: number;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
  requestId: string | null;
  occurredAt: Date;
  prevHash: string;
}

export function hashEvent(event: ChainedContent): string {
  return createHash('sha256').update(canonicalContent(event)).digest('hex');
}

/**
 * The event's canonical JSON with `"S<marker>"` (quotes included) where seq goes and `P<marker>` where
 * prevHash goes, for audit_append to fill in under the chain's lock; with a marker no user content can
 * contain, the filled-in text is the very text hashEvent hashes.
 */
export function chainTemplate(event: Omit<ChainedContent, 'seq' | 'prevHash'>, marker: string): string {
  return canonicalContent({ ...event, seq: `S${marker}`, prevHash: `P${marker}` });
}

function canonicalContent(event: Omit<ChainedContent, 'seq'> & { seq: number | string }): string {
  return canonicalJson({
    workspaceId: event.workspaceId,
    seq: event.seq,
    actorId: event.actorId,
    actorLabel: event.actorLabel,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    before: event.before,
    after: event.after,
    reason: event.reason,
    requestId: event.requestId,
    occurredAt: event.occurredAt.toISOString(),
    prevHash: event.prevHash,
  });
}

export type BrokenLinkReason = 'sequence_gap' | 'previous_hash_mismatch' | 'content_hash_mismatch';

export interface BrokenLink {
  seq: number;
  eventId: string;
  reason: BrokenLinkReason;
}

export interface StoredEvent extends ChainedContent {
  id: string;
  hash: string;
}

/** Checks events in seq order continuing from the link before them; returns the first broken link. */
export function findBrokenLink(
  events: StoredEvent[],
  previous: { seq: number; hash: string },
): BrokenLink | undefined {
  let expectedSeq = previous.seq + 1;
  let expectedPrev = previous.hash;
  for (const event of events) {
    if (event.seq !== expectedSeq) {
      return { seq: expectedSeq, eventId: event.id, reason: 'sequence_gap' };
    }
    if (event.prevHash !== expectedPrev) {
      return { seq: event.seq, eventId: event.id, reason: 'previous_hash_mismatch' };
    }
    if (hashEvent(event) !== event.hash) {
      return { seq: event.seq, eventId: event.id, reason: 'content_hash_mismatch' };
    }
    expectedSeq = event.seq + 1;
    expectedPrev = event.hash;
  }
  return undefined;
}
