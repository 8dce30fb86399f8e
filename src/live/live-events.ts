// The live stream's events: rows written in the transaction of the change they announce (GET /api/events).
import type { EntityManager } from 'typeorm';

/** Each instance's one listener wakes here to read new events. */
export const LIVE_CHANNEL = 'holdfast_live';

export type LiveEventType =
  | 'crisis.activated'
  | 'crisis.deactivated'
  | 'crisis.updated'
  | 'deliveries.changed'
  | 'approvals.changed'
  | 'posts.changed'
  | 'channels.changed'
  | 'platforms.changed'
  | 'campaigns.changed'
  | 'playbooks.changed'
  | 'templates.changed'
  | 'webhooks.changed'
  | 'members.changed';

export interface LiveEventInput {
  workspaceId: string;
  type: LiveEventType;
  /** Ids and states only: never texts of secrets, tokens or credentials. */
  data: Record<string, unknown>;
  /** Only members with one of these roles see it; every member when absent. */
  roles?: string[] | null;
}

/**
 * One row and a wake-up, in the caller's transaction: a rollback leaves neither, and readers see the
 * event only once its transaction has committed (they read what a snapshot sees that their cursor's did not).
 */
export async function writeLiveEvent(manager: EntityManager, event: LiveEventInput): Promise<void> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('Live events are written in the transaction of the change they announce');
  }
  await manager.query(
    `WITH written AS (INSERT INTO live_events (workspace_id, type, data, roles) VALUES ($1, $2, $3::jsonb, $4::text[]) RETURNING id)
     SELECT pg_notify($5, '') FROM written`,
    [event.workspaceId, event.type, JSON.stringify(event.data), event.roles ?? null, LIVE_CHANNEL],
  );
}

const ADMINS = ['admin'];

/**
 * What an audited change (every person-made change is audited) means for open consoles: the live
 * event to write with it, or null when no screen shows it (sign-ins, keys).
 */
export function liveEventOfAudit(
  workspaceId: string,
  entry: { action: string; targetType: string; targetId: string; after?: Record<string, unknown> | null },
): LiveEventInput | null {
  const { action, targetType, targetId } = entry;
  const after = entry.after ?? {};
  const of = (type: LiveEventType, data: Record<string, unknown>, roles?: string[]): LiveEventInput => ({ workspaceId, type, data, roles });
  if (action === 'crisis.activated') {
    return of('crisis.activated', { crisisId: targetId, level: after.level ?? null, platforms: after.platforms ?? null });
  }
  if (action === 'crisis.deactivated') {
    return of('crisis.deactivated', { crisisId: targetId });
  }
  if (action.startsWith('crisis.')) {
    return of('crisis.updated', { crisisId: targetId, what: action.slice('crisis.'.length) });
  }
  if (action === 'post.approved' || action === 'post.rejected' || action === 'post.approval_requested') {
    const decided = action === 'post.approved' ? 'approved' : action === 'post.rejected' ? 'rejected' : 'requested';
    return of('approvals.changed', { postId: targetId, action: decided });
  }
  if (targetType === 'post' || action.startsWith('post.')) {
    return of('posts.changed', { postIds: [targetId] });
  }
  if (targetType === 'delivery' || action.startsWith('delivery.')) {
    return of('deliveries.changed', { deliveries: [{ id: targetId, postId: after.postId ?? null, state: after.state ?? null }] });
  }
  if (action.startsWith('channel.')) {
    return of('channels.changed', { channelId: targetId, status: after.status ?? null });
  }
  if (action.startsWith('campaign') || action.startsWith('pause_order.') || action.startsWith('ad_') || action === 'pause' || action === 'resume') {
    return of('campaigns.changed', { campaignIds: targetType === 'campaign' ? [targetId] : [] });
  }
  if (action.startsWith('playbook.')) {
    return of('playbooks.changed', { id: targetId });
  }
  if (action.startsWith('template.')) {
    return of('templates.changed', { id: targetId });
  }
  if (action.startsWith('webhook.')) {
    return of('webhooks.changed', { webhookId: targetId }, ADMINS);
  }
  if (action.startsWith('member.')) {
    return of('members.changed', { memberId: targetId }, ADMINS);
  }
  return null;
}
