// What the crisis room shows in one read: the replacement posts to sign off first, and what the crisis holds with the posts' text.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PostView } from '../calendar/dto/post.view';
import { Post } from '../calendar/post.entity';
import type { Platform } from '../channels/platform';
import { DeliveriesRepository } from '../dispatch/deliveries.repository';
import { crisisHoldsSql, scopePlatforms } from '../dispatch/crisis-scope';
import { CrisisService } from './crisis.service';
import type { CrisisRoomView, RoomApprovalView } from './dto/crisis-room.view';

/** The room lists at most this many held deliveries; the calendar (status=held) has the rest. */
export const ROOM_HELD_LIMIT = 200;

/**
 * Held by the crisis: marked held by it, or (while it is on) scheduled in its scope and not released by it,
 * which the sweep marks held when they fall due. Read through the same indexes as the held counts.
 */
const HELD_SQL = `
  SELECT d.id, d.post_id, p.text, d.platform, ch.name AS channel, d.due_at, d.state
    FROM deliveries d JOIN posts p ON p.id = d.post_id JOIN channels ch ON ch.id = d.channel_id
   WHERE (d.held_by_crisis_id = $2 AND d.state = 'held')
      OR ($4 AND d.workspace_id = $1 AND d.state = 'scheduled' AND ${crisisHoldsSql('d', '$2', '$3::text[]')})
   ORDER BY d.due_at, d.id
   LIMIT $5`;

@Injectable()
export class CrisisRoomService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crises: CrisisService,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  async room(workspaceId: string, crisisId: string): Promise<CrisisRoomView> {
    const crisis = await this.crises.get(workspaceId, crisisId);
    const manager = this.dataSource.manager;
    const posts = await manager.find(Post, { where: { workspaceId, crisisId: crisis.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const deliveries = await this.deliveries.ofPosts(manager, posts.map((p) => p.id));
    const held = await manager.query<{ id: string; post_id: string; text: string; platform: Platform; channel: string; due_at: Date; state: string }[]>(HELD_SQL, [
      workspaceId,
      crisis.id,
      scopePlatforms(crisis.platforms),
      crisis.deactivatedAt === null,
      ROOM_HELD_LIMIT + 1,
    ]);
    const listed = held.slice(0, ROOM_HELD_LIMIT);
    const approvals = await this.signOffs(crisis.id, [...posts.map((p) => p.id), ...listed.map((h) => h.post_id)]);
    return {
      crisisId: crisis.id,
      approvalsRequired: crisis.approvalsRequired,
      replacementPosts: posts.map((post) => ({
        ...PostView.of(post, deliveries.filter((d) => d.postId === post.id)),
        crisisApprovals: approvals.get(post.id) ?? [],
      })),
      held: listed.map((h) => ({
        deliveryId: h.id,
        postId: h.post_id,
        text: h.text,
        platform: h.platform,
        channel: h.channel,
        dueAt: h.due_at,
        state: h.state,
        crisisApprovals: approvals.get(h.post_id) ?? [],
      })),
      heldTruncated: held.length > ROOM_HELD_LIMIT,
    };
  }

  /** Approvals under the crisis of each post's current version (an edit voids them), one per approver. */
  private async signOffs(crisisId: string, postIds: string[]): Promise<Map<string, RoomApprovalView[]>> {
    const result = new Map<string, RoomApprovalView[]>();
    if (postIds.length === 0) {
      return result;
    }
    const rows = await this.dataSource.query<{ post_id: string; approver_id: string; name: string | null; created_at: Date }[]>(
      `SELECT DISTINCT ON (a.post_id, a.approver_id) a.post_id, a.approver_id, m.name, a.created_at
         FROM approvals a
         JOIN posts p ON p.id = a.post_id AND p.content_version = a.content_version AND p.content_hash = a.content_hash
         LEFT JOIN members m ON m.id = a.approver_id
        WHERE a.crisis_id = $1 AND a.decision = 'approved' AND a.post_id = ANY($2::uuid[])
        ORDER BY a.post_id, a.approver_id, a.created_at`,
      [crisisId, [...new Set(postIds)]],
    );
    for (const r of rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime())) {
      const list = result.get(r.post_id) ?? [];
      list.push({ approverId: r.approver_id, approverName: r.name ?? r.approver_id, approvedAt: r.created_at });
      result.set(r.post_id, list);
    }
    return result;
  }
}
