// The crisis switch: activate (hold everything in scope, pause paid media, stage the playbook's
// replacement messages), deactivate (resume what is still ahead, mark what passed as missed).
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { ApprovalPoliciesService, crisisApprovals } from '../approvals/approval-policies.service';
import { actorOf, type AuditActor } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { contentHash } from '../calendar/content-hash';
import { Post } from '../calendar/post.entity';
import { Channel } from '../channels/channel.entity';
import { Clock } from '../common/clock';
import type { Env } from '../config/env';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { CampaignControlService, type BulkPauseResult, type BulkResumeResult, type CampaignRef } from '../ads/campaign-control.service';
import { HOLD_CLAIMED_NEVER_SENT, HOLD_DUE_AT_DEACTIVATION } from '../dispatch/crisis-hold';
import { platformInScope, scopePlatforms } from '../dispatch/crisis-scope';
import { DeliveriesRepository } from '../dispatch/deliveries.repository';
import { DispatchGate, type InFlightDelivery } from '../dispatch/dispatch-gate';
import { PlaybooksService, type StagingPlan, type UnstagedMessage } from '../playbooks/playbooks.service';
import { valueShapeProblems } from '../templates/placeholders';
import { WebhookEvents } from '../webhooks/webhook-events.service';
import { adPlatformsFor } from './ad-scope';
import { CrisesRepository } from './crises.repository';
import type { ActivateCrisisDto, DeactivateCrisisDto } from './dto/activate-crisis.dto';
import { Crisis, type InFlightSend } from './crisis.entity';
import { heldSummary, type HeldSummary } from './held-summary';
import { inFlightReport, type InFlightRow } from './in-flight-report';

/** How long activation waits for the ad platforms to confirm pauses before answering with what is pending. */
const ADS_PAUSE_DEADLINE_MS = 8_000;

export interface AdsSummary {
  paused: number;
  alreadyPaused: number;
  pending: number;
  campaigns: { paused: CampaignRef[]; alreadyPaused: CampaignRef[]; pending: CampaignRef[] };
}

/** A replacement message staged as a draft: it waits for these placeholder values before it can be approved. */
export interface StagedDraft {
  postId: string;
  templateId: string;
  templateVersion: number;
  channelIds: string[];
  missing: Array<{ name: string; description: string }>;
}

export interface Activation {
  crisis: Crisis;
  inFlight: InFlightSend[];
  held: HeldSummary;
  ads: AdsSummary | null;
  /** Replacement posts waiting for the crisis's sign-off. */
  replacementPostIds: string[];
  /** Replacement posts still missing placeholder values (drafts: not approvable until filled). */
  drafts: StagedDraft[];
  /** Playbook messages (or some of their channels) not staged, with the reason: the halt never waits on copy. */
  notStaged: UnstagedMessage[];
  /** Answers that were not used (not asked by the playbook). */
  warnings: string[];
}

export interface Deactivation {
  crisis: Crisis;
  /** What goes out again at its time, counted as the activation counts what it holds. */
  resumed: HeldSummary;
  missed: string[];
  withdrawnPostIds: string[];
  campaigns: { resumed: number; pending: number; keptPaused: number } | null;
}

@Injectable()
export class CrisisService {
  private readonly logger = new Logger(CrisisService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gate: DispatchGate,
    private readonly crises: CrisesRepository,
    private readonly policies: ApprovalPoliciesService,
    private readonly deliveries: DeliveriesRepository,
    private readonly playbooks: PlaybooksService,
    private readonly campaigns: CampaignControlService,
    private readonly webhooks: WebhookEvents,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: ConfigService<Env, true>,
  ) {}

  /**
   * Flips the switch. The crisis row is written with the workspace's dispatch gate closed: every send
   * already admitted has finished and been recorded before it commits, and every later send checks
   * the row under the gate. So when this answers, nothing in scope can reach a platform unless it is
   * approved under this crisis. Its cost does not depend on how many deliveries are scheduled.
   */
  async activate(principal: Principal, dto: ActivateCrisisDto): Promise<Activation> {
    const values = placeholderValues(dto.placeholderValues);
    const actor = actorOf(principal);
    // The scope is known before the gate closes: the request's platforms, else the playbook's (read outside the close).
    const scope = dto.platforms ?? (dto.playbookId ? await this.playbooks.platformsOf(principal.workspaceId, dto.playbookId) : null);
    const activation = await this.gate.whileClosed(principal.workspaceId, scope, async (manager, inFlight) => {
      const active = await this.crises.active(manager, principal.workspaceId, 'update');
      if (active) {
        throw DomainError.conflict(`A crisis is already active in this workspace (${active.id}, since ${active.activatedAt.toISOString()})`, {
          activeCrisis: { id: active.id, level: active.level, reason: active.reason, activatedAt: active.activatedAt, platforms: active.platforms },
        });
      }
      // Never refused for its copy: what cannot be staged as written is a draft, or reported as not staged.
      const plan = dto.playbookId ? await this.playbooks.stagingPlanFor(manager, principal.workspaceId, dto.playbookId, values) : null;
      const level = dto.level ?? plan?.level;
      if (level === undefined) {
        throw DomainError.invalid('level is required (1 to 3) unless a playbook gives it');
      }
      const platforms = dto.platforms ?? plan?.platforms ?? null;
      if (!sameScope(platforms, scope)) {
        throw DomainError.conflict('The playbook changed its platforms while the switch was being flipped; try again');
      }
      const policy = await this.policies.get(principal.workspaceId, manager);
      const crisis = manager.create(Crisis, {
        workspaceId: principal.workspaceId,
        level,
        reason: dto.reason,
        platforms,
        playbookId: plan?.playbookId ?? null,
        playbook: plan ? playbookSnapshot(plan) : null,
        approvalsRequired: plan?.approvalsRequired ?? crisisApprovals(policy, level),
        pauseAds: dto.pauseAds ?? plan?.pauseAds ?? true,
        activatedBy: principal.memberId,
        activatedAt: this.clock.now(),
        inFlight: [],
        ads: null,
        deactivatedBy: null,
        deactivatedAt: null,
        deactivationNote: null,
        resumeCampaigns: null,
        outcome: null,
      });
      await manager.save(crisis);
      crisis.inFlight = await this.settleInFlight(manager, crisis, inFlight);
      await manager.query('UPDATE crises SET in_flight = $2 WHERE id = $1', [crisis.id, JSON.stringify(crisis.inFlight)]);
      const held = await heldSummary(manager, crisis);
      const staged = plan ? await this.stageReplacements(manager, principal, crisis, plan) : { replacementPostIds: [], drafts: [] };
      const { replacementPostIds, drafts } = staged;
      const notStaged = plan?.notStaged ?? [];
      const adPlatforms = adPlatformsFor(crisis.platforms);
      if (crisis.pauseAds && (adPlatforms === undefined || adPlatforms.length > 0)) {
        // In this transaction: the order exists exactly when the crisis does, and the reconciler enforces it
        // whatever happens after the commit.
        await this.campaigns.placeOrder(manager, { workspaceId: crisis.workspaceId, platforms: adPlatforms }, adsReason(crisis), actor);
      }
      await this.audit.record(manager, principal.workspaceId, actor, {
        action: 'crisis.activated',
        targetType: 'crisis',
        targetId: crisis.id,
        after: {
          level: crisis.level,
          platforms: crisis.platforms,
          playbookId: crisis.playbookId,
          approvalsRequired: crisis.approvalsRequired,
          pauseAds: crisis.pauseAds,
          inFlight: crisis.inFlight.length,
          replacementPosts: replacementPostIds,
          drafts: drafts.map((d) => ({ postId: d.postId, missing: d.missing.map((m) => m.name) })),
          notStaged,
        },
        reason: dto.reason,
      });
      await this.webhooks.emit(manager, principal.workspaceId, 'crisis.activated', {
        crisisId: crisis.id,
        level: crisis.level,
        reason: crisis.reason,
        platforms: crisis.platforms,
        activatedAt: crisis.activatedAt.toISOString(),
        activatedBy: { id: principal.memberId, name: principal.memberName },
        playbook: plan ? { id: plan.playbookId, name: plan.name, category: plan.category } : null,
        contacts: plan?.contacts ?? [],
        replacementPostIds,
        drafts: drafts.map((d) => ({ postId: d.postId, missing: d.missing.map((m) => m.name) })),
      });
      const result: Activation = { crisis, inFlight: crisis.inFlight, held, ads: null, replacementPostIds, drafts, notStaged, warnings: plan?.warnings ?? [] };
      return result;
    }, { deadlineMs: this.config.get('CRISIS_INFLIGHT_DEADLINE_MS', { infer: true }) });
    if (activation.crisis.pauseAds) {
      activation.ads = await this.pauseAds(activation.crisis, actor);
    }
    return activation;
  }

  /**
   * Ends the crisis: held deliveries still ahead resume, those whose time passed become missed (never
   * sent by themselves), replacement posts never approved are withdrawn, and campaigns this crisis
   * paused resume unless asked not to.
   */
  async deactivate(principal: Principal, dto: DeactivateCrisisDto): Promise<Deactivation> {
    const resumeCampaigns = dto.resumeCampaigns ?? true;
    const result = await this.dataSource.transaction(async (manager) => {
      const crisis = await this.crises.active(manager, principal.workspaceId, 'update');
      if (!crisis) {
        throw DomainError.conflict('No crisis is active in this workspace');
      }
      // Whatever fell due and was not yet marked, held now (waiting for rows another transaction holds), so it
      // is decided below with the rest: nothing whose time passed during the crisis goes out by itself.
      await manager.query(HOLD_DUE_AT_DEACTIVATION, [crisis.id, principal.workspaceId, crisis.platforms]);
      const [missedRows] = await manager.query<[{ id: string }[], number]>(
        `UPDATE deliveries SET state = 'missed', updated_at = now(),
                last_error = 'its time passed while crisis mode held it: reschedule or cancel it'
          WHERE held_by_crisis_id = $1 AND state = 'held' AND due_at <= now() RETURNING id`,
        [crisis.id],
      );
      // What resumes, counted while the crisis still stops it: the deliveries marked held (all ahead now) and, mostly,
      // those still reading scheduled in the table that the crisis stopped without marking (the rest of the week).
      const resumed = await heldSummary(manager, crisis);
      await manager.query(`UPDATE deliveries SET state = 'scheduled', updated_at = now() WHERE held_by_crisis_id = $1 AND state = 'held'`, [crisis.id]);
      const withdrawn = await manager.find(Post, { where: { crisisId: crisis.id, status: In(['pending_approval', 'draft']) } });
      for (const post of withdrawn) {
        await this.deliveries.moveAll(manager, post.id, ['pending_approval'], 'cancelled');
        post.status = 'cancelled';
        await manager.save(post);
      }
      crisis.deactivatedBy = principal.memberId;
      crisis.deactivatedAt = this.clock.now();
      crisis.deactivationNote = dto.note ?? null;
      crisis.resumeCampaigns = resumeCampaigns;
      const missed = missedRows.map((r) => r.id);
      const withdrawnPostIds = withdrawn.map((p) => p.id);
      crisis.outcome = { resumed: resumed.deliveries, missed, withdrawnPostIds };
      await manager.save(crisis);
      await this.deliveries.wake(manager);
      // Lifted in this transaction: the campaigns to resume get their target now, and the retry job resumes them
      // even if nothing runs after the commit.
      const lifted = crisis.pauseAds ? await this.campaigns.liftOrder(manager, crisis.workspaceId, adsReason(crisis), { resume: resumeCampaigns }, actorOf(principal)) : null;
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'crisis.deactivated',
        targetType: 'crisis',
        targetId: crisis.id,
        before: { activatedAt: crisis.activatedAt, level: crisis.level },
        after: { resumed: resumed.deliveries, missed: missed.length, withdrawnPosts: withdrawnPostIds.length, resumeCampaigns },
        reason: dto.note,
      });
      await this.webhooks.emit(manager, principal.workspaceId, 'crisis.deactivated', {
        crisisId: crisis.id,
        deactivatedAt: crisis.deactivatedAt.toISOString(),
        deactivatedBy: { id: principal.memberId, name: principal.memberName },
        note: crisis.deactivationNote,
        resumedDeliveries: resumed.deliveries,
        missedDeliveries: missed,
        withdrawnPostIds,
        resumeCampaigns,
      });
      const done: Deactivation = { crisis, resumed, missed, withdrawnPostIds, campaigns: null };
      return { done, lifted };
    });
    const { done, lifted } = result;
    const { crisis } = done;
    if (lifted) {
      let ended: BulkResumeResult;
      try {
        ended = await this.campaigns.driveLift(lifted);
      } catch (error) {
        // The order is lifted and the resumes are asked for (committed): the retry job finishes them.
        this.logger.error({ err: error, crisisId: crisis.id }, 'Resuming paid campaigns failed after deactivation; retried in the background');
        return done;
      }
      done.campaigns = { resumed: ended.resumed.length, pending: ended.pending.length, keptPaused: ended.keptPaused.length };
      crisis.outcome = { ...crisis.outcome, campaigns: summarizeResume(ended) };
      await this.dataSource.query('UPDATE crises SET outcome = $2 WHERE id = $1', [crisis.id, crisis.outcome]);
    }
    return done;
  }

  current(workspaceId: string): Promise<Crisis | null> {
    return this.crises.active(this.dataSource.manager, workspaceId);
  }

  /** Counts for the state view: what the crisis holds now, what it released, what waits for its sign-off. */
  async counts(crisis: Crisis): Promise<{ held: number; released: number; replacementPostsWaiting: number }> {
    const [row] = await this.dataSource.query<{ released: string; waiting: string }[]>(
      `SELECT (SELECT count(*) FROM deliveries WHERE released_by_crisis_id = $1) AS released,
              (SELECT count(*) FROM posts WHERE crisis_id = $1 AND status = 'pending_approval') AS waiting`,
      [crisis.id],
    );
    const held = await heldSummary(this.dataSource.manager, crisis);
    return { held: held.deliveries, released: Number(row.released), replacementPostsWaiting: Number(row.waiting) };
  }

  /** A member's name, for the banner's "who" (members are kept when they leave, so it is found). */
  async memberName(memberId: string): Promise<string | null> {
    const [row] = await this.dataSource.query<{ name: string }[]>('SELECT name FROM members WHERE id = $1', [memberId]);
    return row?.name ?? null;
  }

  async list(workspaceId: string, limit: number): Promise<Crisis[]> {
    return this.dataSource.getRepository(Crisis).find({ where: { workspaceId }, order: { activatedAt: 'DESC', id: 'ASC' }, take: limit });
  }

  async get(workspaceId: string, id: string): Promise<Crisis> {
    const crisis = await this.dataSource.getRepository(Crisis).findOneBy({ id, workspaceId });
    if (!crisis) {
      throw DomainError.notFound('Crisis', id);
    }
    return crisis;
  }

  /**
   * Under the closed gates: holds what was claimed in scope but never sent (the only sends called
   * stopped_before_send), then reads how every other candidate ended. Rows still publishing in scope
   * with their send started are read too, candidates or not: a dead or stuck sender left them.
   */
  private async settleInFlight(manager: EntityManager, crisis: Crisis, candidates: InFlightDelivery[]): Promise<InFlightSend[]> {
    const scope = scopePlatforms(crisis.platforms);
    const [stopped] = await manager.query<[{ id: string }[], number]>(HOLD_CLAIMED_NEVER_SENT, [crisis.id, crisis.workspaceId, scope]);
    const stoppedIds = new Set(stopped.map((r) => r.id));
    const rows = await manager.query<InFlightRow[]>(
      `SELECT d.id, d.channel_id, d.platform, d.state, d.send_started_at, d.platform_post_id, d.url, d.last_error
         FROM deliveries d WHERE d.id = ANY($1::uuid[])
       UNION
       SELECT d.id, d.channel_id, d.platform, d.state, d.send_started_at, d.platform_post_id, d.url, d.last_error
         FROM deliveries d
        WHERE d.state = 'publishing' AND d.send_started_at IS NOT NULL AND d.workspace_id = $2 AND ${platformInScope('d.platform', '$3::text[]')}`,
      [[...new Set([...candidates.map((c) => c.id), ...stoppedIds])], crisis.workspaceId, scope],
    );
    return inFlightReport(rows, stoppedIds);
  }

  /**
   * The playbook's messages as posts waiting for the crisis's sign-off, at their offsets from activation. A message
   * missing placeholder values is staged as a draft (no deliveries: nothing to approve or send until it is filled).
   * The plan already left out the channels a message cannot go to, so nothing here refuses the activation.
   */
  private async stageReplacements(
    manager: EntityManager,
    principal: Principal,
    crisis: Crisis,
    plan: StagingPlan,
  ): Promise<{ replacementPostIds: string[]; drafts: StagedDraft[] }> {
    const replacementPostIds: string[] = [];
    const drafts: StagedDraft[] = [];
    const staged = [...plan.messages.map((message) => ({ message, draft: null })), ...plan.drafts.map((draft) => ({ message: draft, draft }))];
    for (const { message, draft } of staged) {
      const channels = await manager.findBy(Channel, { id: In(message.channelIds), workspaceId: principal.workspaceId, deletedAt: IsNull() });
      if (channels.length === 0) {
        this.logger.warn({ crisisId: crisis.id, templateId: message.templateId }, 'A playbook message has no channel left; not staged');
        continue;
      }
      const fields = { text: message.text, platformText: message.platformText, imageUrls: [] as string[], link: null };
      const post = manager.create(Post, {
        workspaceId: principal.workspaceId,
        authorId: principal.memberId,
        lastEditorId: principal.memberId,
        ...fields,
        scheduledAt: new Date(crisis.activatedAt.getTime() + message.offsetMinutes * 60_000),
        timeZone: 'UTC',
        labels: ['crisis'],
        status: draft ? 'draft' : 'pending_approval',
        contentVersion: 1,
        contentHash: contentHash({ ...fields, channelIds: channels.map((c) => c.id) }),
        submittedAt: draft ? null : crisis.activatedAt,
        crisisId: crisis.id,
        draft: draft
          ? { templateId: draft.templateId, templateVersion: draft.templateVersion, channelIds: channels.map((c) => c.id), values: draft.values, missing: draft.missing }
          : null,
      });
      await manager.save(post);
      if (draft) {
        drafts.push({ postId: post.id, templateId: draft.templateId, templateVersion: draft.templateVersion, channelIds: channels.map((c) => c.id), missing: draft.missing });
        continue;
      }
      await this.deliveries.createFor(manager, post, channels, 'pending_approval');
      await this.webhooks.emit(manager, principal.workspaceId, 'approval.requested', {
        postId: post.id,
        crisisId: crisis.id,
        required: crisis.approvalsRequired,
        scheduledAt: post.scheduledAt.toISOString(),
        channels: channels.map((c) => ({ id: c.id, platform: c.platform, name: c.name })),
      });
      replacementPostIds.push(post.id);
    }
    return { replacementPostIds, drafts };
  }

  private async pauseAds(crisis: Crisis, actor: AuditActor): Promise<AdsSummary | null> {
    const platforms = adPlatformsFor(crisis.platforms);
    if (platforms && platforms.length === 0) {
      return null;
    }
    let result: BulkPauseResult;
    try {
      result = await this.campaigns.pauseScope({ workspaceId: crisis.workspaceId, platforms }, adsReason(crisis), actor, {
        deadlineMs: ADS_PAUSE_DEADLINE_MS,
      });
    } catch (error) {
      // The posts are already held and the pause order committed with the crisis: the reconciler pauses and retries.
      this.logger.error({ err: error, crisisId: crisis.id }, 'Pausing paid campaigns failed at activation; the reconciler enforces the pause order');
      await this.campaigns.noteAttempt(crisis.workspaceId, adsReason(crisis), error instanceof Error ? error.message : String(error)).catch(() => undefined);
      return null;
    }
    const ads: AdsSummary = {
      paused: result.paused.length,
      alreadyPaused: result.alreadyPaused.length,
      pending: result.pending.length,
      campaigns: result,
    };
    crisis.ads = { paused: ads.paused, alreadyPaused: ads.alreadyPaused, pending: ads.pending };
    await this.dataSource.query('UPDATE crises SET ads = $2 WHERE id = $1', [crisis.id, crisis.ads]);
    return ads;
  }
}

function sameScope(a: readonly string[] | null, b: readonly string[] | null): boolean {
  return a === null || b === null ? a === b : a.length === b.length && a.every((p) => b.includes(p));
}

/** The reason the ad-spend controller tags this crisis's pauses with. */
export function adsReason(crisis: Pick<Crisis, 'id'>): string {
  return `crisis:${crisis.id}`;
}

function summarizeResume(result: BulkResumeResult): Record<string, unknown> {
  return { resumed: result.resumed.length, pending: result.pending.length, keptPaused: result.keptPaused.length };
}

function playbookSnapshot(plan: StagingPlan): Record<string, unknown> {
  return {
    id: plan.playbookId,
    name: plan.name,
    category: plan.category,
    level: plan.level,
    contacts: plan.contacts,
    messages: plan.messages.map((m) => ({ templateId: m.templateId, templateVersion: m.templateVersion, channelIds: m.channelIds, offsetMinutes: m.offsetMinutes })),
    drafts: plan.drafts.map((d) => ({ templateId: d.templateId, templateVersion: d.templateVersion, channelIds: d.channelIds, missing: d.missing.map((m) => m.name) })),
    notStaged: plan.notStaged,
  };
}

/** The answers as given, checked before anything is touched: malformed input is a 400, never a partial switch. */
export function placeholderValues(raw: Record<string, unknown> | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (typeof value !== 'string' || value.length > 2000) {
      problems.push(`placeholderValues.${key} must be a text of at most 2000 characters`);
      continue;
    }
    const shape = valueShapeProblems(`placeholderValues.${key}`, value);
    problems.push(...shape);
    if (shape.length === 0) {
      values[key] = value;
    }
  }
  if (problems.length > 0) {
    throw DomainError.invalid(problems.join('; '), problems);
  }
  return values;
}
