// Per-workspace approval counts; a workspace that never set one gets PRODUCT.md's defaults.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { ApprovalPolicy } from './approval-policy.entity';
import type { ApprovalPolicyDto, ApprovalPolicyPatchDto } from './dto/approval-policy.dto';

export const DEFAULT_POLICY: ApprovalPolicyDto = {
  approvalsRequired: 0,
  crisisLevel1: 1,
  crisisLevel2: 1,
  crisisLevel3: 2,
  crisisApprovalsCarryOver: false,
};

/** The approvals a post needs during a crisis of `level` under `policy`. */
export function crisisApprovals(policy: ApprovalPolicyDto, level: 1 | 2 | 3): number {
  return [policy.crisisLevel1, policy.crisisLevel2, policy.crisisLevel3][level - 1];
}

/** Lock class for pg_advisory_xact_lock(class, hashtext(workspace)): one approval-policy write at a time. */
const POLICY_LOCK_CLASS = 7_061_040;

@Injectable()
export class ApprovalPoliciesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async get(workspaceId: string, manager: EntityManager = this.dataSource.manager): Promise<ApprovalPolicyDto> {
    const policy = await manager.findOneBy(ApprovalPolicy, { workspaceId });
    return policy ? view(policy) : { ...DEFAULT_POLICY };
  }

  /** Replaces the policy (PUT: every count given). */
  set(principal: Principal, dto: ApprovalPolicyDto): Promise<ApprovalPolicyDto> {
    return this.write(principal, () => ({ ...dto, crisisApprovalsCarryOver: dto.crisisApprovalsCarryOver ?? false }));
  }

  /** Changes the fields given (PATCH); the others keep their current (or default) values. */
  update(principal: Principal, dto: ApprovalPolicyPatchDto): Promise<ApprovalPolicyDto> {
    const given = Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined)) as Partial<ApprovalPolicyDto>;
    if (Object.keys(given).length === 0) {
      throw DomainError.invalid(`give at least one of ${Object.keys(DEFAULT_POLICY).join(', ')}`);
    }
    return this.write(principal, (before) => ({ ...before, ...given }));
  }

  private write(principal: Principal, nextOf: (before: ApprovalPolicyDto) => ApprovalPolicyDto): Promise<ApprovalPolicyDto> {
    return this.dataSource.transaction(async (manager) => {
      // One write at a time per workspace, so two partial updates at once cannot each undo the other's field; an
      // advisory lock, since a workspace still on the defaults has no row to lock yet.
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [POLICY_LOCK_CLASS, principal.workspaceId]);
      const before = await this.get(principal.workspaceId, manager);
      const chosen = nextOf(before);
      const next = view({ ...chosen, crisisApprovalsCarryOver: chosen.crisisApprovalsCarryOver ?? false });
      await manager.upsert(ApprovalPolicy, { workspaceId: principal.workspaceId, ...next }, ['workspaceId']);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'approval_policy.updated',
        targetType: 'workspace',
        targetId: principal.workspaceId,
        before: { ...before },
        after: { ...next },
      });
      return next;
    });
  }
}

function view(policy: Pick<ApprovalPolicy, keyof ApprovalPolicyDto>): ApprovalPolicyDto {
  return {
    approvalsRequired: policy.approvalsRequired,
    crisisLevel1: policy.crisisLevel1,
    crisisLevel2: policy.crisisLevel2,
    crisisLevel3: policy.crisisLevel3,
    crisisApprovalsCarryOver: policy.crisisApprovalsCarryOver,
  };
}
