// What the crisis switch would do, and what ending the crisis would do, computed without changing anything:
// the crisis lead sees it before confirming.
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ApprovalPoliciesService, crisisApprovals } from '../approvals/approval-policies.service';
import type { Platform } from '../channels/platform';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { shownStateIs, wouldBeStoppedByCrisis } from '../dispatch/crisis-hold';
import { scopePlatforms } from '../dispatch/crisis-scope';
import { PlaybooksService, type StagingPlan } from '../playbooks/playbooks.service';
import { adPlatformsFor } from './ad-scope';
import { CrisesRepository } from './crises.repository';
import { adsReason, placeholderValues } from './crisis.service';
import type { Crisis } from './crisis.entity';
import type { ActivateCrisisDto } from './dto/activate-crisis.dto';
import type { CrisisPreviewView, DeactivationPreviewView, PreviewCampaignView, PreviewDeliveryView, PreviewNotifiedView, PreviewReplacementView } from './dto/crisis-preview.view';
import { heldSummary } from './held-summary';

/** How many deliveries a preview lists (the counts cover all of them). */
export const PREVIEW_LIST_SIZE = 20;

interface DeliveryRow {
  id: string;
  post_id: string;
  text: string;
  channel_id: string;
  channel_name: string;
  platform: Platform;
  due_at: Date;
}

const DELIVERY_COLUMNS = `d.id, d.post_id, left(p.text, 140) AS text, d.channel_id, c.name AS channel_name, d.platform, d.due_at
  FROM deliveries d JOIN posts p ON p.id = d.post_id JOIN channels c ON c.id = d.channel_id`;

@Injectable()
export class CrisisPreviewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crises: CrisesRepository,
    private readonly playbooks: PlaybooksService,
    private readonly policies: ApprovalPoliciesService,
  ) {}

  /**
   * What POST /api/crisis/activate with the same body would hold, pause, stage and notify, read in one
   * read-only transaction (one snapshot). 409 while a crisis is on, as the switch would answer.
   */
  preview(principal: Principal, dto: ActivateCrisisDto): Promise<CrisisPreviewView> {
    const values = placeholderValues(dto.placeholderValues);
    const workspaceId = principal.workspaceId;
    // Not READ ONLY: the staging plan reads the playbook FOR SHARE, as activation does. It writes nothing.
    return this.dataSource.transaction(async (manager) => {
      const active = await this.crises.active(manager, workspaceId);
      if (active) {
        throw DomainError.conflict(`A crisis is already active in this workspace (${active.id}, since ${active.activatedAt.toISOString()})`, {
          activeCrisis: { id: active.id, level: active.level, reason: active.reason, activatedAt: active.activatedAt, platforms: active.platforms },
        });
      }
      const plan = dto.playbookId ? await this.playbooks.stagingPlanFor(manager, workspaceId, dto.playbookId, values) : null;
      const level = dto.level ?? plan?.level;
      if (level === undefined) {
        throw DomainError.invalid('level is required (1 to 3) unless a playbook gives it');
      }
      const platforms = dto.platforms ?? plan?.platforms ?? null;
      const pauseAds = dto.pauseAds ?? plan?.pauseAds ?? true;
      const policy = await this.policies.get(workspaceId, manager);
      // A crisis not yet written: a fresh id has released nothing and holds nothing, as the new row would.
      const held = await heldSummary(manager, { id: randomUUID(), workspaceId, platforms } as Crisis);
      const firstDue = await manager.query<DeliveryRow[]>(
        `SELECT ${DELIVERY_COLUMNS}
          WHERE d.workspace_id = $1 AND ${wouldBeStoppedByCrisis('d', '$2')}
          ORDER BY d.due_at, d.id LIMIT ${PREVIEW_LIST_SIZE}`,
        [workspaceId, scopePlatforms(platforms)],
      );
      const staging = plan ? await this.replacements(manager, workspaceId, plan) : { replacements: [], notStaged: [] };
      return {
        level,
        platforms,
        approvalsRequired: plan?.approvalsRequired ?? crisisApprovals(policy, level),
        pauseAds,
        held,
        firstDue: firstDue.map(deliveryOf),
        campaigns: pauseAds ? await this.campaignsToPause(manager, workspaceId, platforms) : null,
        playbook: plan ? { id: plan.playbookId, name: plan.name, category: plan.category } : null,
        ...staging,
        warnings: plan?.warnings ?? [],
        notified: await this.notified(manager, workspaceId, plan),
      };
    });
  }

  /** What POST /api/crisis/deactivate would resume, mark missed and leave paused, now. 409 when no crisis is on. */
  deactivationPreview(principal: Principal, resumeCampaigns: boolean): Promise<DeactivationPreviewView> {
    const workspaceId = principal.workspaceId;
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      const crisis = await this.crises.active(manager, workspaceId);
      if (!crisis) {
        throw DomainError.conflict('No crisis is active in this workspace');
      }
      // Held as shown (marked, or scheduled and stopped): ahead resumes, passed becomes missed, as deactivation decides.
      const held = (when: string): string => `d.workspace_id = $1 AND ${shownStateIs('d', 'held', '$2')} AND d.due_at ${when} now()`;
      const counted = async (when: string): Promise<{ count: number; first: PreviewDeliveryView[] }> => {
        const [{ count }] = await manager.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM deliveries d WHERE ${held(when)}`, [workspaceId, 'held']);
        const rows = await manager.query<DeliveryRow[]>(`SELECT ${DELIVERY_COLUMNS} WHERE ${held(when)} ORDER BY d.due_at, d.id LIMIT ${PREVIEW_LIST_SIZE}`, [
          workspaceId,
          'held',
        ]);
        return { count, first: rows.map(deliveryOf) };
      };
      const tagged = await manager.query<{ id: string; name: string; platform: string; pause_reasons: string[]; platform_status: string }[]>(
        `SELECT id, name, platform, pause_reasons, platform_status FROM campaigns WHERE workspace_id = $1 AND $2 = ANY(pause_reasons) ORDER BY name, id`,
        [workspaceId, adsReason(crisis)],
      );
      // As liftOrder decides: a campaign resumes only when no other reason keeps it paused.
      const resumes = (c: (typeof tagged)[number]): boolean =>
        resumeCampaigns && c.platform_status !== 'inactive' && c.pause_reasons.every((r) => r === adsReason(crisis));
      const [{ withdrawn }] = await manager.query<{ withdrawn: number }[]>(
        `SELECT count(*)::int AS withdrawn FROM posts WHERE crisis_id = $1 AND status IN ('pending_approval', 'draft')`,
        [crisis.id],
      );
      return {
        crisisId: crisis.id,
        resume: await counted('>'),
        missed: await counted('<='),
        campaignsResume: tagged.filter(resumes).map(campaignOf),
        campaignsStayPaused: tagged.filter((c) => !resumes(c)).map(campaignOf),
        withdrawnPosts: withdrawn,
      };
    });
  }

  /** The campaigns in scope as the pause would find them (see CampaignControlService.tagScope): running ones pause. */
  private async campaignsToPause(manager: EntityManager, workspaceId: string, platforms: Platform[] | null): Promise<{ wouldPause: PreviewCampaignView[]; alreadyPaused: PreviewCampaignView[] }> {
    const adPlatforms = adPlatformsFor(platforms);
    if (adPlatforms && adPlatforms.length === 0) {
      return { wouldPause: [], alreadyPaused: [] };
    }
    const rows = await manager.query<{ id: string; name: string; platform: string; running: boolean }[]>(
      `SELECT c.id, c.name, c.platform, (c.platform_status = 'active' OR c.target_status IS NOT NULL) AS running
         FROM campaigns c JOIN ad_accounts a ON a.id = c.ad_account_id AND a.deleted_at IS NULL
        WHERE c.workspace_id = $1 AND c.platform_status <> 'inactive' AND ($2::text[] IS NULL OR c.platform = ANY($2::text[]))
        ORDER BY c.name, c.id`,
      [workspaceId, adPlatforms ?? null],
    );
    return { wouldPause: rows.filter((r) => r.running).map(campaignOf), alreadyPaused: rows.filter((r) => !r.running).map(campaignOf) };
  }

  private async replacements(manager: EntityManager, workspaceId: string, plan: StagingPlan): Promise<Pick<CrisisPreviewView, 'replacements' | 'notStaged'>> {
    const messages = [...plan.messages.map((m) => ({ ...m, missing: [] as string[] })), ...plan.drafts.map((d) => ({ ...d, missing: d.missing.map((x) => x.name) }))];
    const templateIds = [...new Set([...messages.map((m) => m.templateId), ...plan.notStaged.map((n) => n.templateId)])];
    const channelIds = [...new Set(messages.flatMap((m) => m.channelIds))];
    const templates = new Map(
      (await manager.query<{ id: string; name: string }[]>('SELECT id, name FROM templates WHERE workspace_id = $1 AND id = ANY($2::uuid[])', [workspaceId, templateIds])).map((t) => [
        t.id,
        t.name,
      ]),
    );
    const channels = new Map(
      (
        await manager.query<{ id: string; name: string; platform: Platform }[]>(
          'SELECT id, name, platform FROM channels WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL',
          [workspaceId, channelIds],
        )
      ).map((c) => [c.id, c]),
    );
    const replacements: PreviewReplacementView[] = messages.map((m) => ({
      templateId: m.templateId,
      templateName: templates.get(m.templateId) ?? m.templateId,
      templateVersion: m.templateVersion,
      text: m.text,
      channels: m.channelIds.flatMap((id) => (channels.has(id) ? [channels.get(id)!] : [])),
      offsetMinutes: m.offsetMinutes,
      missing: m.missing,
    }));
    const notStaged = plan.notStaged.map((n) => ({ templateId: n.templateId, templateName: templates.get(n.templateId) ?? null, channelIds: n.channelIds, reason: n.reason }));
    return { replacements, notStaged };
  }

  /** Who hears of it: webhooks by id, description and host (never the path, query or secret), and the playbook's contacts. */
  private async notified(manager: EntityManager, workspaceId: string, plan: StagingPlan | null): Promise<PreviewNotifiedView> {
    const hooks = await manager.query<{ id: string; description: string | null; url: string }[]>(
      `SELECT id, description, url FROM webhooks
        WHERE workspace_id = $1 AND active AND deleted_at IS NULL AND 'crisis.activated' = ANY(event_types) ORDER BY created_at, id`,
      [workspaceId],
    );
    return {
      webhookCount: hooks.length,
      webhooks: hooks.map((h) => ({ id: h.id, description: h.description, host: hostOf(h.url) })),
      contacts: plan?.contacts ?? [],
    };
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'unknown host';
  }
}

function deliveryOf(row: DeliveryRow): PreviewDeliveryView {
  return { deliveryId: row.id, postId: row.post_id, text: row.text, channelId: row.channel_id, channelName: row.channel_name, platform: row.platform, dueAt: row.due_at };
}

function campaignOf(row: { id: string; name: string; platform: string }): PreviewCampaignView {
  return { id: row.id, name: row.name, platform: row.platform };
}
