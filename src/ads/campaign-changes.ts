// Asking for a pause or a resume, inside the caller's transaction on a locked campaign row: tag, target, log, audit.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditActor } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { displayStatus, type TargetStatus } from './budget-policy';
import { CampaignAction, type CampaignActionKind } from './campaign-action.entity';
import { Campaign } from './campaign.entity';

export interface PauseRequest {
  reason: string;
  action: CampaignActionKind;
  /** The audit event's action (campaign.pause_requested, campaign.cap_reached, campaign.drift_repaused…). */
  auditAction: string;
  /** Why, in words, for the audit trail and the campaign's pause note. */
  note: string;
  details?: Record<string, unknown>;
  /** False when the caller records one event for a whole bulk operation in the same transaction. */
  audit?: boolean;
}

export type PauseOutcome = 'requested' | 'already_paused';

@Injectable()
export class CampaignChanges {
  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Tags the campaign with the reason and, unless the platform already confirmed it paused, sets it to
   * be driven to paused. A campaign already paused is only tagged: no call to the platform is needed.
   */
  async requestPause(manager: EntityManager, campaign: Campaign, actor: AuditActor, request: PauseRequest): Promise<PauseOutcome> {
    const now = this.clock.now();
    const reasons = campaign.pauseReasons.includes(request.reason) ? campaign.pauseReasons : [...campaign.pauseReasons, request.reason];
    const alreadyPaused = campaign.targetStatus === null && campaign.platformStatus === 'paused';
    const target: TargetStatus | null = alreadyPaused ? null : 'paused';
    const changes: Partial<Campaign> = {
      pauseReasons: reasons,
      targetStatus: target,
      status: displayStatus(campaign.platformStatus, target),
      pausedAt: campaign.pausedAt ?? now,
      pausedBy: actor.label,
      pauseNote: request.note,
    };
    if (target !== campaign.targetStatus) {
      Object.assign(changes, { attempts: 0, nextAttemptAt: now, lastError: null });
    }
    await manager.update(Campaign, { id: campaign.id }, changes);
    if (!alreadyPaused) {
      await manager.insert(CampaignAction, {
        workspaceId: campaign.workspaceId,
        campaignId: campaign.id,
        reason: request.reason,
        action: request.action,
        at: now,
        confirmedAt: null,
        spendAtPauseMinor: campaign.spendLifetimeMinor,
      });
    }
    if (request.audit === false) {
      Object.assign(campaign, changes);
      return alreadyPaused ? 'already_paused' : 'requested';
    }
    await this.audit.record(manager, campaign.workspaceId, actor, {
      action: request.auditAction,
      targetType: 'campaign',
      targetId: campaign.id,
      before: { status: campaign.status, pauseReasons: campaign.pauseReasons },
      after: { status: changes.status, pauseReasons: reasons, platform: campaign.platform, platformCampaignId: campaign.platformCampaignId, ...request.details },
      reason: request.note,
    });
    Object.assign(campaign, changes);
    return alreadyPaused ? 'already_paused' : 'requested';
  }

  /**
   * Clears the given reasons; the campaign is driven to active only when no reason is left (and it can
   * run at all). Returns the reasons still holding it paused.
   */
  async requestResume(
    manager: EntityManager,
    campaign: Campaign,
    clear: string[],
    actor: AuditActor,
    note: string,
    audit = true,
  ): Promise<{ resuming: boolean; remaining: string[] }> {
    const now = this.clock.now();
    const remaining = campaign.pauseReasons.filter((reason) => !clear.includes(reason));
    const cleared = campaign.pauseReasons.filter((reason) => clear.includes(reason));
    const resuming = remaining.length === 0 && campaign.platformStatus !== 'inactive';
    const changes: Partial<Campaign> = { pauseReasons: remaining };
    if (resuming) {
      const target: TargetStatus | null = campaign.platformStatus === 'active' && campaign.targetStatus === null ? null : 'active';
      Object.assign(changes, { targetStatus: target, status: displayStatus(campaign.platformStatus, target), pausedAt: null, pausedBy: null, pauseNote: null });
      if (target !== campaign.targetStatus) {
        Object.assign(changes, { attempts: 0, nextAttemptAt: now, lastError: null });
      }
      for (const reason of cleared.length > 0 ? cleared : ['manual']) {
        await manager.insert(CampaignAction, {
          workspaceId: campaign.workspaceId,
          campaignId: campaign.id,
          reason,
          action: 'resume',
          at: now,
          confirmedAt: null,
          spendAtPauseMinor: null,
        });
      }
    }
    await manager.update(Campaign, { id: campaign.id }, changes);
    if (!audit) {
      Object.assign(campaign, changes);
      return { resuming, remaining };
    }
    await this.audit.record(manager, campaign.workspaceId, actor, {
      action: resuming ? 'campaign.resume_requested' : 'campaign.pause_reasons_cleared',
      targetType: 'campaign',
      targetId: campaign.id,
      before: { status: campaign.status, pauseReasons: campaign.pauseReasons },
      after: { status: changes.status ?? campaign.status, pauseReasons: remaining, cleared },
      reason: note,
    });
    Object.assign(campaign, changes);
    return { resuming, remaining };
  }
}
