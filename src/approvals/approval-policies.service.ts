// Per-workspace approval counts; a workspace that never set one gets PRODUCT.md's defaults.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/principal';
import { ApprovalPolicy } from './approval-policy.entity';
import type { ApprovalPolicyDto } from './dto/approval-policy.dto';

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

  set(principal: Principal, dto: ApprovalPolicyDto): Promise<ApprovalPolicyDto> {
    return this.dataSource.transaction(async (manager) => {
      const before = await this.get(principal.workspaceId, manager);
      const next = { ...dto, crisisApprovalsCarryOver: dto.crisisApprovalsCarryOver ?? false };
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

function view(policy: ApprovalPolicy): ApprovalPolicyDto {
  return {
    approvalsRequired: policy.approvalsRequired,
    crisisLevel1: policy.crisisLevel1,
    crisisLevel2: policy.crisisLevel2,
    crisisLevel3: policy.crisisLevel3,
    crisisApprovalsCarryOver: policy.crisisApprovalsCarryOver,
  };
}
