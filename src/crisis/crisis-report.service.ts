// Gathers what a crisis did, from the tables that recorded it, into the report; and keeps its notes.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { CampaignControlService } from '../ads/campaign-control.service';
import type { Platform } from '../channels/platform';
import { Clock } from '../common/clock';
import type { Principal } from '../common/principal';
import { CrisisNote } from './crisis-note.entity';
import { CrisisReport, median, minutesBetween, ReportDelivery } from './crisis-report';
import type { Crisis } from './crisis.entity';
import { adsReason, CrisisService } from './crisis.service';

interface DeliveryRow {
  id: string;
  post_id: string;
  text: string;
  platform: Platform;
  channel: string;
  due_at: Date;
  state: string;
  published_at: Date | null;
  held_by_crisis_id: string | null;
  released_by_crisis_id: string | null;
  crisis_id: string | null;
}

/** The timeline lists at most this many events; the audit trail has them all. */
const TIMELINE_LIMIT = 500;

/**
 * The deliveries a crisis touched: held by it, released by it, or of its replacement posts. A union
 * of three indexed lookups (the partial held_by / released_by indexes, posts by crisis then deliveries
 * by post): an OR across the two tables could only be answered by reading every delivery.
 */
export const REPORT_DELIVERIES_SQL = `
  WITH touched AS (
    SELECT id FROM deliveries WHERE held_by_crisis_id = $1
    UNION SELECT id FROM deliveries WHERE released_by_crisis_id = $1
    UNION SELECT d.id FROM posts p JOIN deliveries d ON d.post_id = p.id WHERE p.crisis_id = $1)
  SELECT d.id, d.post_id, left(p.text, 280) AS text, d.platform, ch.name AS channel, d.due_at, d.state, d.published_at,
         d.held_by_crisis_id, d.released_by_crisis_id, p.crisis_id
    FROM touched t JOIN deliveries d ON d.id = t.id JOIN posts p ON p.id = d.post_id JOIN channels ch ON ch.id = d.channel_id
   ORDER BY d.due_at, d.id`;

@Injectable()
export class CrisisReportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crises: CrisisService,
    private readonly campaigns: CampaignControlService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async addNote(principal: Principal, crisisId: string, text: string): Promise<CrisisNote> {
    await this.crises.get(principal.workspaceId, crisisId);
    return this.dataSource.transaction(async (manager) => {
      const note = manager.create(CrisisNote, { crisisId, workspaceId: principal.workspaceId, authorId: principal.memberId, text });
      await manager.save(note);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'crisis.note_added',
        targetType: 'crisis',
        targetId: crisisId,
        after: { noteId: note.id },
      });
      return note;
    });
  }

  async report(workspaceId: string, crisisId: string): Promise<CrisisReport> {
    const crisis = await this.crises.get(workspaceId, crisisId);
    const end = crisis.deactivatedAt ?? this.clock.now();
    const names = await this.memberNames(workspaceId);
    const person = (id: string): { id: string; name: string } => ({ id, name: names.get(id) ?? id });

    const rows = await this.dataSource.query<DeliveryRow[]>(REPORT_DELIVERIES_SQL, [crisis.id]);
    const line = (r: DeliveryRow): ReportDelivery => ({
      deliveryId: r.id,
      postId: r.post_id,
      text: r.text,
      platform: r.platform,
      channel: r.channel,
      dueAt: r.due_at.toISOString(),
      state: r.state,
      publishedAt: r.published_at?.toISOString() ?? null,
      replacement: r.crisis_id === crisis.id,
    });
    const held = rows.filter((r) => r.held_by_crisis_id === crisis.id).map(line);
    const released = rows.filter((r) => r.released_by_crisis_id === crisis.id).map(line);
    const published = rows
      .filter((r) => r.released_by_crisis_id === crisis.id && r.published_at !== null && r.published_at >= crisis.activatedAt && r.published_at <= end)
      .sort((a, b) => a.published_at!.getTime() - b.published_at!.getTime());
    const missed = rows.filter((r) => r.held_by_crisis_id === crisis.id && r.state === 'missed').map(line);
    const statements = published.filter((r) => r.crisis_id === crisis.id);
    const first = (statements.length > 0 ? statements : published)[0];

    const actions = crisis.pauseAds ? await this.campaigns.actionsFor(workspaceId, adsReason(crisis)) : [];
    const approvals = await this.approvalsUnder(crisis, names);
    const timeline = await this.dataSource.query<{ occurred_at: Date; actor_label: string; action: string; target_type: string; target_id: string; reason: string | null }[]>(
      `SELECT occurred_at, actor_label, action, target_type, target_id, reason FROM audit_events
        WHERE workspace_id = $1 AND occurred_at >= $2 AND occurred_at <= $3
        ORDER BY seq LIMIT $4`,
      [workspaceId, crisis.activatedAt, new Date(end.getTime() + 1000), TIMELINE_LIMIT],
    );
    const notes = await this.dataSource.getRepository(CrisisNote).find({ where: { crisisId: crisis.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const latencies = approvals.map((a) => a.latencyMinutes);

    return {
      crisis: {
        id: crisis.id,
        level: crisis.level,
        reason: crisis.reason,
        platforms: crisis.platforms,
        playbook: crisis.playbook ? { name: String(crisis.playbook.name), category: String(crisis.playbook.category) } : null,
        approvalsRequired: crisis.approvalsRequired,
        activatedAt: crisis.activatedAt.toISOString(),
        activatedBy: person(crisis.activatedBy),
        deactivatedAt: crisis.deactivatedAt?.toISOString() ?? null,
        deactivatedBy: crisis.deactivatedBy ? person(crisis.deactivatedBy) : null,
        deactivationNote: crisis.deactivationNote,
        durationMinutes: crisis.deactivatedAt ? minutesBetween(crisis.activatedAt, crisis.deactivatedAt) : null,
      },
      summary: {
        inFlightAtActivation: crisis.inFlight.length,
        held: held.length,
        released: released.length,
        published: published.length,
        missed: missed.length,
        campaignsPaused: new Set(actions.filter((a) => a.action === 'pause').map((a) => a.campaign.id)).size,
        campaignsResumed: new Set(actions.filter((a) => a.action === 'resume').map((a) => a.campaign.id)).size,
      },
      firstStatement: first
        ? {
            deliveryId: first.id,
            postId: first.post_id,
            platform: first.platform,
            publishedAt: first.published_at!.toISOString(),
            minutesAfterActivation: minutesBetween(crisis.activatedAt, first.published_at!),
          }
        : null,
      inFlightAtActivation: crisis.inFlight,
      deliveries: { held, released, published: published.map(line), missed },
      campaigns: actions.map((a) => ({
        campaign: a.campaign.name,
        platform: a.campaign.platform,
        action: a.action,
        at: a.at.toISOString(),
        confirmedAt: a.confirmedAt?.toISOString() ?? null,
        spendAtPauseMinor: a.spendAtPauseMinor,
        currency: a.campaign.currency,
      })),
      approvals: { items: approvals, medianMinutes: median(latencies), maxMinutes: latencies.length > 0 ? Math.max(...latencies) : null },
      timeline: timeline.map((e) => ({
        at: e.occurred_at.toISOString(),
        actor: e.actor_label,
        action: e.action,
        target: `${e.target_type} ${e.target_id}`,
        reason: e.reason,
      })),
      notes: notes.map((n) => ({ at: n.createdAt.toISOString(), author: names.get(n.authorId) ?? n.authorId, text: n.text })),
    };
  }

  /** Approvals given under the crisis, with how long each post had waited for it. */
  private async approvalsUnder(crisis: Crisis, names: Map<string, string>): Promise<CrisisReport['approvals']['items']> {
    const rows = await this.dataSource.query<{ post_id: string; approver_id: string; created_at: Date; waiting_since: Date | null }[]>(
      `SELECT a.post_id, a.approver_id, a.created_at, COALESCE(p.submitted_at, p.created_at) AS waiting_since
         FROM approvals a JOIN posts p ON p.id = a.post_id
        WHERE a.crisis_id = $1 AND a.decision = 'approved'
        ORDER BY a.created_at, a.id`,
      [crisis.id],
    );
    return rows.map((r) => {
      const since = r.waiting_since && r.waiting_since > crisis.activatedAt ? r.waiting_since : crisis.activatedAt;
      return {
        postId: r.post_id,
        approver: names.get(r.approver_id) ?? r.approver_id,
        approvedAt: r.created_at.toISOString(),
        latencyMinutes: minutesBetween(since, r.created_at),
      };
    });
  }

  private async memberNames(workspaceId: string): Promise<Map<string, string>> {
    const rows = await this.dataSource.query<{ id: string; name: string }[]>('SELECT id, name FROM members WHERE workspace_id = $1', [workspaceId]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
