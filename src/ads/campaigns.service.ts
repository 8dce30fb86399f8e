// A person's control of one campaign: list, pause, resume (clearing reasons explicitly), caps; and syncing on demand.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { AdAccountsService } from './ad-accounts.service';
import { BudgetCapsService } from './budget-caps.service';
import { BUDGET_CAP, capProblem, MANUAL, reachedCap } from './budget-policy';
import { CampaignChanges } from './campaign-changes';
import { Campaign } from './campaign.entity';
import { CampaignSyncService } from './campaign-sync.service';
import type { CampaignsQueryDto } from './dto/campaigns-query.dto';
import type { SyncResultView } from './dto/campaign.view';
import type { ResumeCampaignDto } from './dto/resume-campaign.dto';
import type { SetBudgetDto } from './dto/set-budget.dto';
import { PauseOrder } from './pause-order.entity';
import { StatusEnforcer } from './status-enforcer';

/** How long a request waits for the platform to confirm a cap pause found by an on-demand sync. */
const SYNC_CONFIRM_MS = 5_000;

@Injectable()
export class CampaignsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AdAccountsService,
    private readonly sync: CampaignSyncService,
    private readonly caps: BudgetCapsService,
    private readonly changes: CampaignChanges,
    private readonly enforcer: StatusEnforcer,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  list(workspaceId: string, query: CampaignsQueryDto): Promise<Campaign[]> {
    const qb = this.dataSource
      .getRepository(Campaign)
      .createQueryBuilder('c')
      .innerJoin('ad_accounts', 'a', 'a.id = c.ad_account_id AND a.deleted_at IS NULL')
      .where('c.workspace_id = :workspaceId', { workspaceId })
      .orderBy('c.platform')
      .addOrderBy('c.name')
      .addOrderBy('c.id')
      .limit(query.limit ?? 500);
    if (query.adAccountId) {
      qb.andWhere('c.ad_account_id = :adAccountId', { adAccountId: query.adAccountId });
    }
    if (query.platform) {
      qb.andWhere('c.platform = :platform', { platform: query.platform });
    }
    if (query.status) {
      qb.andWhere('c.status = :status', { status: query.status });
    }
    if (query.pauseReason) {
      qb.andWhere(':reason = ANY(c.pause_reasons)', { reason: query.pauseReason });
    }
    return qb.getMany();
  }

  async get(workspaceId: string, id: string): Promise<Campaign> {
    const campaign = await this.dataSource
      .getRepository(Campaign)
      .createQueryBuilder('c')
      .innerJoin('ad_accounts', 'a', 'a.id = c.ad_account_id AND a.deleted_at IS NULL')
      .where('c.id = :id AND c.workspace_id = :workspaceId', { id, workspaceId })
      .getOne();
    if (!campaign) {
      throw DomainError.notFound('Campaign', id);
    }
    return campaign;
  }

  /** Reads the account's campaigns now, pauses what is over a cap or resumed behind our back, and waits briefly for confirmation. */
  async syncNow(workspaceId: string, accountId: string): Promise<SyncResultView> {
    await this.accounts.get(workspaceId, accountId);
    const result = await this.sync.syncAccount(accountId);
    const capPaused = await this.caps.enforce(workspaceId);
    await this.enforcer.drive([...capPaused, ...result.drifted], this.clock.now().getTime() + SYNC_CONFIRM_MS);
    return { accountId, campaigns: result.campaigns, error: result.error, capPaused, drifted: result.drifted };
  }

  /** Pauses for reason manual; answers at once with the campaign (pause_pending until the platform reads it back). */
  async pause(principal: Principal, id: string, note: string): Promise<Campaign> {
    const drive = await this.dataSource.transaction(async (manager) => {
      const campaign = await this.lock(manager, principal.workspaceId, id);
      if (campaign.platformStatus === 'inactive' && campaign.targetStatus === null) {
        throw DomainError.conflict(`Campaign ${id} is not running on ${campaign.platform} (${campaign.platformStatusRaw}): there is nothing to pause`);
      }
      if (campaign.pauseReasons.includes(MANUAL)) {
        return false;
      }
      const outcome = await this.changes.requestPause(manager, campaign, actorOf(principal), {
        reason: MANUAL,
        action: 'pause',
        auditAction: 'campaign.pause_requested',
        note,
      });
      return outcome === 'requested';
    });
    if (drive) {
      await this.enforcer.drive([id], this.clock.now().getTime());
    }
    return this.get(principal.workspaceId, id);
  }

  /** Resumes only when every reason holding the campaign paused is cleared, and each may be cleared. */
  async resume(principal: Principal, id: string, dto: ResumeCampaignDto): Promise<Campaign> {
    const clear = dto.clearReasons ?? [MANUAL];
    const drive = await this.dataSource.transaction(async (manager) => {
      const campaign = await this.lock(manager, principal.workspaceId, id);
      if (campaign.pauseReasons.length === 0 && campaign.platformStatus === 'active' && campaign.targetStatus === null) {
        throw DomainError.conflict(`Campaign ${id} is not paused`);
      }
      const unknown = clear.filter((reason) => !campaign.pauseReasons.includes(reason) && !(reason === MANUAL && dto.clearReasons === undefined));
      if (unknown.length > 0) {
        throw DomainError.invalid(`clearReasons names ${unknown.join(', ')}, which campaign ${id} is not paused for (it is paused for: ${campaign.pauseReasons.join(', ') || 'nothing here'})`);
      }
      const remaining = campaign.pauseReasons.filter((reason) => !clear.includes(reason));
      if (remaining.length > 0) {
        throw DomainError.conflict(
          `Campaign ${id} is also paused for ${remaining.join(', ')}: it resumes only when that is cleared explicitly (clearReasons: ${JSON.stringify([...clear, ...remaining])})`,
        );
      }
      for (const reason of clear.filter((r) => r !== MANUAL && r !== BUDGET_CAP)) {
        const order = await manager.findOneBy(PauseOrder, { workspaceId: principal.workspaceId, reason, liftedAt: IsNull() });
        if (order) {
          throw DomainError.conflict(`${reason} still holds its campaigns paused: end it first (the crisis deactivation resumes what it paused)`);
        }
      }
      if (clear.includes(BUDGET_CAP) && campaign.pauseReasons.includes(BUDGET_CAP) && reachedCap(campaign)) {
        throw DomainError.conflict(`Campaign ${id} is still at or over its cap: raise or remove the cap (PUT /api/campaigns/${id}/budget) before clearing budget_cap`);
      }
      const { resuming } = await this.changes.requestResume(manager, campaign, clear, actorOf(principal), dto.reason);
      return resuming;
    });
    if (drive) {
      await this.enforcer.drive([id], this.clock.now().getTime());
    }
    return this.get(principal.workspaceId, id);
  }

  /** Sets the campaign's caps (minor units of its account currency); a cap already reached pauses it at once. */
  async setBudget(principal: Principal, id: string, dto: SetBudgetDto): Promise<Campaign> {
    if (dto.dailyCapMinor === undefined && dto.lifetimeCapMinor === undefined) {
      throw DomainError.invalid('Give dailyCapMinor, lifetimeCapMinor or both (null removes a cap)', ['dailyCapMinor or lifetimeCapMinor is required']);
    }
    await this.dataSource.transaction(async (manager) => {
      const campaign = await this.lock(manager, principal.workspaceId, id);
      const problems: string[] = [];
      if (dto.currency !== campaign.currency) {
        problems.push(`currency ${dto.currency} does not match the campaign's account currency ${campaign.currency}: caps are in minor units of ${campaign.currency}`);
      }
      for (const field of ['dailyCapMinor', 'lifetimeCapMinor'] as const) {
        const value = dto[field];
        const problem = value === undefined ? null : capProblem(field, value, campaign.currency);
        if (problem) {
          problems.push(problem);
        }
      }
      if (problems.length > 0) {
        throw DomainError.invalid(problems.join('; '), problems);
      }
      const changes: Partial<Campaign> = {};
      if (dto.dailyCapMinor !== undefined) {
        changes.dailyCapMinor = dto.dailyCapMinor;
      }
      if (dto.lifetimeCapMinor !== undefined) {
        changes.lifetimeCapMinor = dto.lifetimeCapMinor;
      }
      await manager.update(Campaign, { id }, changes);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'campaign.caps_set',
        targetType: 'campaign',
        targetId: id,
        before: { dailyCapMinor: campaign.dailyCapMinor, lifetimeCapMinor: campaign.lifetimeCapMinor, currency: campaign.currency },
        after: { ...changes, currency: campaign.currency },
      });
    });
    const capPaused = await this.caps.enforce(principal.workspaceId);
    if (capPaused.length > 0) {
      await this.enforcer.drive(capPaused, this.clock.now().getTime());
    }
    return this.get(principal.workspaceId, id);
  }

  private async lock(manager: EntityManager, workspaceId: string, id: string): Promise<Campaign> {
    const campaign = await manager
      .getRepository(Campaign)
      .createQueryBuilder('c')
      .innerJoin('ad_accounts', 'a', 'a.id = c.ad_account_id AND a.deleted_at IS NULL')
      .setLock('pessimistic_write', undefined, ['c'])
      .where('c.id = :id AND c.workspace_id = :workspaceId', { id, workspaceId })
      .getOne();
    if (!campaign) {
      throw DomainError.notFound('Campaign', id);
    }
    return campaign;
  }
}
