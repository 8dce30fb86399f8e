// Members of a workspace and their roles; a workspace always keeps at least one admin.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ApiKeysService, IssuedApiKey } from '../auth/api-keys.service';
import { InvitesService, IssuedInvite } from '../auth/invites.service';
import { SessionsService } from '../auth/sessions.service';
import { actorOf, AuditActor } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import type { CreateMemberDto } from './dto/create-member.dto';
import type { UpdateMemberDto } from './dto/update-member.dto';
import { Member } from './member.entity';

export interface MemberWithKey {
  member: Member;
  issued: IssuedApiKey;
  /** The link the member chooses a password at, to sign in to the console. */
  invite: IssuedInvite;
}

/** Lock class for pg_advisory_xact_lock(class, hashtext(workspace)). */
const MEMBER_CHANGES_LOCK_CLASS = 7_061_004;

@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysService,
    private readonly invites: InvitesService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  create(principal: Principal, dto: CreateMemberDto): Promise<MemberWithKey> {
    return this.dataSource.transaction((manager) =>
      this.createIn(manager, principal.workspaceId, dto, actorOf(principal)),
    );
  }

  /** Creates a member with a first API key inside the caller's transaction. */
  async createIn(
    manager: EntityManager,
    workspaceId: string,
    dto: CreateMemberDto,
    actor: AuditActor,
    suppliedKey?: string,
  ): Promise<MemberWithKey> {
    await this.assertEmailFree(manager, workspaceId, dto.email);
    const member = manager.create(Member, {
      workspaceId,
      name: dto.name,
      email: dto.email ?? null,
      roles: dto.roles,
      disabledAt: null,
    });
    await manager.save(member);
    await this.audit.record(manager, workspaceId, actor, {
      action: 'member.created',
      targetType: 'member',
      targetId: member.id,
      after: summary(member),
    });
    const issued = await this.apiKeys.issue(manager, member, actor, { name: 'first key', suppliedKey });
    const invite = await this.invites.issue(manager, member, actor);
    return { member, issued, invite };
  }

  list(principal: Principal): Promise<Member[]> {
    return this.dataSource.getRepository(Member).find({
      where: { workspaceId: principal.workspaceId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async get(principal: Principal, id: string): Promise<Member> {
    const member = await this.dataSource.getRepository(Member).findOneBy({ id, workspaceId: principal.workspaceId });
    if (!member) {
      throw DomainError.notFound('Member', id);
    }
    return member;
  }

  update(principal: Principal, id: string, dto: UpdateMemberDto): Promise<Member> {
    return this.dataSource.transaction(async (manager) => {
      await this.serializeMemberChanges(manager, principal.workspaceId);
      const member = await this.lockMember(manager, principal.workspaceId, id);
      if (member.disabledAt) {
        throw DomainError.conflict(`Member ${id} is disabled`);
      }
      const before = summary(member);
      if (dto.email === null) {
        // @IsOptional lets null through validation; it is no e-mail address.
        throw DomainError.invalid('email must be an e-mail address (leave it out to keep the current one)');
      }
      if (dto.email !== undefined && dto.email.toLowerCase() !== member.email?.toLowerCase()) {
        await this.assertEmailFree(manager, principal.workspaceId, dto.email);
      }
      if (dto.roles && member.roles.includes('admin') && !dto.roles.includes('admin')) {
        await this.assertAnotherAdmin(manager, member);
      }
      member.name = dto.name ?? member.name;
      member.email = dto.email ?? member.email;
      member.roles = dto.roles ?? member.roles;
      await manager.save(member);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'member.updated',
        targetType: 'member',
        targetId: member.id,
        before,
        after: summary(member),
        reason: dto.reason,
      });
      return member;
    });
  }

  /** Removes a member: disabled (kept for the audit trail), every key revoked and every session ended. */
  disable(principal: Principal, id: string): Promise<Member> {
    return this.dataSource.transaction(async (manager) => {
      await this.serializeMemberChanges(manager, principal.workspaceId);
      const member = await this.lockMember(manager, principal.workspaceId, id);
      if (member.disabledAt) {
        return member;
      }
      if (member.roles.includes('admin')) {
        await this.assertAnotherAdmin(manager, member);
      }
      // Row locks before the audit chain's lock (see AuditService.record).
      await manager.query('SELECT id FROM api_keys WHERE member_id = $1 FOR UPDATE', [member.id]);
      await this.sessions.lockAllOf(manager, member.id);
      const before = summary(member);
      member.disabledAt = this.clock.now();
      await manager.save(member);
      const actor = actorOf(principal);
      await this.audit.record(manager, principal.workspaceId, actor, {
        action: 'member.disabled',
        targetType: 'member',
        targetId: member.id,
        before,
        after: summary(member),
      });
      await this.apiKeys.revokeAllOf(manager, member, actor);
      await this.sessions.revokeAllOf(manager, member, actor, 'member disabled');
      return member;
    });
  }

  /**
   * Changes to a workspace's members go one at a time: two admins demoting each other at once must
   * leave one admin, and taking this lock first (before any row lock) means they cannot deadlock.
   */
  private async serializeMemberChanges(manager: EntityManager, workspaceId: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MEMBER_CHANGES_LOCK_CLASS, workspaceId]);
  }

  private async lockMember(manager: EntityManager, workspaceId: string, id: string): Promise<Member> {
    const member = await manager.findOne(Member, { where: { id, workspaceId }, lock: { mode: 'pessimistic_write' } });
    if (!member) {
      throw DomainError.notFound('Member', id);
    }
    return member;
  }

  /** Runs under serializeMemberChanges, so the admins it counts cannot change before commit. */
  private async assertAnotherAdmin(manager: EntityManager, leaving: Member): Promise<void> {
    const admins = await manager.query<{ id: string }[]>(
      `SELECT id FROM members WHERE workspace_id = $1 AND disabled_at IS NULL AND 'admin' = ANY(roles)`,
      [leaving.workspaceId],
    );
    if (!admins.some((admin) => admin.id !== leaving.id)) {
      throw DomainError.conflict('A workspace must keep at least one admin: make another member admin first');
    }
  }

  private async assertEmailFree(manager: EntityManager, workspaceId: string, email: string | undefined): Promise<void> {
    if (!email) {
      return;
    }
    const taken = await manager.query<unknown[]>(
      'SELECT 1 FROM members WHERE workspace_id = $1 AND lower(email) = lower($2) LIMIT 1',
      [workspaceId, email],
    );
    if (taken.length > 0) {
      throw DomainError.conflict(`A member with the e-mail ${email} already exists in this workspace`);
    }
  }
}

function summary(member: Member): Record<string, unknown> {
  return { name: member.name, email: member.email, roles: member.roles, disabledAt: member.disabledAt };
}
