// Workspaces (brands): the operator workspace made on first start, and the ones its admins create.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf, AuditActor, SYSTEM_ACTOR } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { MembersService, MemberWithKey } from '../members/members.service';
import { isTimeZone } from '../calendar/instants';
import type { CreateWorkspaceDto } from './dto/create-workspace.dto';
import type { UpdateWorkspaceDto } from './dto/update-workspace.dto';
import { Workspace } from './workspace.entity';

export interface CreatedWorkspace extends MemberWithKey {
  workspace: Workspace;
}

/** Lock id that serialises first-start bootstrap across instances. */
const BOOTSTRAP_LOCK = 7_061_003;

@Injectable()
export class WorkspacesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly members: MembersService,
    private readonly audit: AuditService,
  ) {}

  create(principal: Principal, dto: CreateWorkspaceDto): Promise<CreatedWorkspace> {
    return this.dataSource.transaction(async (manager) => {
      const actor = actorOf(principal);
      const created = await this.createIn(manager, { name: dto.name, isOperator: false }, dto, actor);
      // The operator's own trail shows what its admins created elsewhere.
      await this.audit.record(manager, principal.workspaceId, actor, {
        action: 'workspace.created',
        targetType: 'workspace',
        targetId: created.workspace.id,
        after: { name: created.workspace.name, adminMemberId: created.member.id },
      });
      return created;
    });
  }

  /**
   * On first start with an empty database: the operator workspace and its admin. Returns undefined
   * when a workspace already exists (another start, or another instance, got there first).
   */
  bootstrap(adminKey: string | undefined): Promise<CreatedWorkspace | undefined> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      if (await manager.exists(Workspace)) {
        return undefined;
      }
      return this.createIn(
        manager,
        { name: 'Holdfast', isOperator: true },
        { adminName: 'Administrator' },
        SYSTEM_ACTOR,
        adminKey,
      );
    });
  }

  list(): Promise<Workspace[]> {
    return this.dataSource.getRepository(Workspace).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async current(principal: Principal): Promise<Workspace> {
    return this.dataSource.getRepository(Workspace).findOneByOrFail({ id: principal.workspaceId });
  }

  /** Renames the workspace and/or sets its time zone; each change is audited with what it was before. */
  update(principal: Principal, dto: UpdateWorkspaceDto): Promise<Workspace> {
    if (dto.name === undefined && dto.timeZone === undefined && dto.reauthGraceMinutes === undefined) {
      throw DomainError.invalid('give name, timeZone or reauthGraceMinutes to change');
    }
    if (dto.timeZone !== undefined && !isTimeZone(dto.timeZone)) {
      const problem = `timeZone ${JSON.stringify(dto.timeZone)} is not an IANA time zone such as Europe/Madrid`;
      throw DomainError.invalid(problem, [problem]);
    }
    return this.dataSource.transaction(async (manager) => {
      const workspace = await manager.findOne(Workspace, {
        where: { id: principal.workspaceId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!workspace) {
        throw DomainError.notFound('Workspace', principal.workspaceId);
      }
      const actor = actorOf(principal);
      // Each field given and changed is one audited change, with what it was before.
      const changes = [
        { field: 'name', action: 'workspace.renamed' },
        { field: 'timeZone', action: 'workspace.time_zone_changed' },
        { field: 'reauthGraceMinutes', action: 'workspace.reauth_grace_changed' },
      ] as const;
      for (const { field, action } of changes) {
        const value = dto[field];
        if (value !== undefined && value !== workspace[field]) {
          const before = { [field]: workspace[field] };
          Object.assign(workspace, { [field]: value });
          await this.audit.record(manager, workspace.id, actor, { action, targetType: 'workspace', targetId: workspace.id, before, after: { [field]: value } });
        }
      }
      await manager.save(workspace);
      return workspace;
    });
  }

  private async createIn(
    manager: EntityManager,
    fields: { name: string; isOperator: boolean },
    admin: { adminName: string; adminEmail?: string },
    actor: AuditActor,
    adminKey?: string,
  ): Promise<CreatedWorkspace> {
    const workspace = manager.create(Workspace, fields);
    await manager.save(workspace);
    await this.audit.record(manager, workspace.id, actor, {
      action: 'workspace.created',
      targetType: 'workspace',
      targetId: workspace.id,
      after: { name: workspace.name, isOperator: workspace.isOperator },
    });
    const created = await this.members.createIn(
      manager,
      workspace.id,
      { name: admin.adminName, email: admin.adminEmail, roles: ['admin'] },
      actor,
      adminKey,
    );
    return { workspace, ...created };
  }
}
