// A channel's status and the one place that marks channels as needing to be reconnected.
import { Counter } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { writeLiveEvent } from '../live/live-events';
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
 * active counts it, marks its due deliveries as waiting for the reconnect (they are not sent meanwhile,
 * see reconnect.ts), and queues a `channel.needs_reauth` webhook event saying how many wait, with a live
 * event for the consoles, in the same transaction.
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
  const waiting = new Map<string, number>();
  if (rows.length > 0) {
    const counted = await manager.query<{ channel_id: string; n: string }[]>(
      `WITH marked AS (
         UPDATE deliveries SET waiting_for_reauth_since = COALESCE(waiting_for_reauth_since, now()), updated_at = now()
          WHERE channel_id = ANY($1::uuid[]) AND state = 'scheduled' AND due_at <= now()
          RETURNING channel_id)
       SELECT channel_id, count(*) AS n FROM marked GROUP BY channel_id`,
      [rows.map((row) => row.id)],
    );
    counted.forEach((c) => waiting.set(c.channel_id, Number(c.n)));
  }
  for (const row of rows) {
    channelsNeedingReauth.inc({ platform: row.platform });
    await writeWebhookEvent(manager, {
      workspaceId: row.workspace_id,
      type: 'channel.needs_reauth',
      data: { channelId: row.id, platform: row.platform, name: row.name, reason: row.status_reason, waitingDeliveries: waiting.get(row.id) ?? 0 },
    });
    await writeLiveEvent(manager, { workspaceId: row.workspace_id, type: 'channels.changed', data: { channelId: row.id, status: 'needs_reauth' } });
  }
  return rows;
}
