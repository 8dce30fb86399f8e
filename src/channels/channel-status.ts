// A channel's status and the one place that marks channels as needing to be reconnected.
import { Counter } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { writeWebhookEvent } from '../webhooks/webhook-outbox';

export const CHANNEL_STATUSES = ['active', 'needs_reauth'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

/**
 * Counts channels that went from active to needs_reauth. Registered into each app's registry by
 * ChannelsService; a module-level metric because the dispatch engine's outcome recorder, which is
 * not built by dependency injection, marks channels too.
 */
export const channelsNeedingReauth = new Counter({
  name: 'holdfast_channels_needs_reauth_total',
  help: 'Channels marked needs_reauth because the platform refused their credentials, by platform',
  labelNames: ['platform'] as const,
  registers: [],
});

export interface ReauthMark {
  channelId: string;
  reason: string;
}

export interface MarkedChannel {
  id: string;
  workspace_id: string;
  platform: string;
  name: string;
}

/**
 * Marks channels needs_reauth with `manager` (inside the caller's transaction), and for each that was
 * active counts it and queues a `channel.needs_reauth` webhook event in the same transaction.
 */
export async function markNeedsReauth(manager: EntityManager, marks: ReauthMark[]): Promise<MarkedChannel[]> {
  if (marks.length === 0) {
    return [];
  }
  const [rows] = await manager.query<[(MarkedChannel & { status_reason: string })[], number]>(
    `UPDATE channels c SET status = 'needs_reauth', status_reason = v.reason, updated_at = now()
       FROM unnest($1::uuid[], $2::text[]) AS v(id, reason)
      WHERE c.id = v.id AND c.status <> 'needs_reauth' AND c.deleted_at IS NULL
      RETURNING c.id, c.workspace_id, c.platform, c.name, c.status_reason`,
    [marks.map((mark) => mark.channelId), marks.map((mark) => mark.reason)],
  );
  for (const row of rows) {
    channelsNeedingReauth.inc({ platform: row.platform });
    await writeWebhookEvent(manager, {
      workspaceId: row.workspace_id,
      type: 'channel.needs_reauth',
      data: { channelId: row.id, platform: row.platform, name: row.name, reason: row.status_reason },
    });
  }
  return rows;
}
