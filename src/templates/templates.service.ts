// Templates: immutable versions, four-eyes approval of one exact version, filling previews, and the usability check playbooks rely on.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { measureText } from '../calendar/text-limits';
import { Platform, PLATFORMS } from '../channels/platform';
import { Clock } from '../common/clock';
import { Member } from '../members/member.entity';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import type { CreateTemplateDto } from './dto/create-template.dto';
import type { PreviewTemplateDto } from './dto/preview-template.dto';
import type { TemplatePreviewView } from './dto/template.view';
import type { UpdateTemplateDto } from './dto/update-template.dto';
import { PlaceholderDeclaration, resolveValues } from './placeholders';
import {
  contentProblems,
  filledLimitViolations,
  filledTextFor,
  fillTemplate,
  parseVariants,
  TemplateContent,
  templateContentHash,
} from './template-content';
import { TemplateDecision } from './template-decision.entity';
import { TemplateVersion } from './template-version.entity';
import { Template } from './template.entity';

export interface TemplateDetails {
  template: Template;
  versions: TemplateVersion[];
  decisions: TemplateDecision[];
  /** Names of the members who wrote the versions and took the decisions (a former member is missing). */
  names: Map<string, string>;
}

/** Whether a template version can be used now, and if not, why (for the caller to prefix with its field). */
export type Usability = { usable: true; version: TemplateVersion } | { usable: false; problem: string };

@Injectable()
export class TemplatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  create(principal: Principal, dto: CreateTemplateDto): Promise<TemplateDetails> {
    const content = checkedContent(dto.body, dto.variants, dto.placeholders);
    return this.dataSource.transaction(async (manager) => {
      await this.assertNameFree(manager, principal.workspaceId, dto.name, null);
      const template = manager.create(Template, {
        workspaceId: principal.workspaceId,
        name: dto.name,
        currentVersion: 1,
        authorId: principal.memberId,
        archivedAt: null,
      });
      await manager.save(template);
      const version = await this.addVersion(manager, template, 1, dto.name, content, principal.memberId);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'template.created',
        targetType: 'template',
        targetId: template.id,
        after: versionSummary(version),
      });
      return { template, versions: [version], decisions: [], names: await this.memberNames(manager, template.workspaceId, [version.authorId]) };
    });
  }

  async list(principal: Principal, includeArchived: boolean): Promise<TemplateDetails[]> {
    const templates = await this.dataSource.getRepository(Template).find({
      where: includeArchived ? { workspaceId: principal.workspaceId } : { workspaceId: principal.workspaceId, archivedAt: IsNull() },
      order: { name: 'ASC', id: 'ASC' },
    });
    return this.withVersions(this.dataSource.manager, templates);
  }

  async get(principal: Principal, id: string): Promise<TemplateDetails> {
    const template = await this.dataSource.getRepository(Template).findOneBy({ id, workspaceId: principal.workspaceId });
    if (!template) {
      throw DomainError.notFound('Template', id);
    }
    const [details] = await this.withVersions(this.dataSource.manager, [template]);
    return details;
  }

  /** A new version from the latest with the given fields changed; the same content and name again is no new version. */
  update(principal: Principal, id: string, dto: UpdateTemplateDto): Promise<TemplateDetails> {
    return this.dataSource.transaction(async (manager) => {
      const { template, latest } = await this.lockLive(manager, principal.workspaceId, id);
      const name = dto.name ?? latest.name;
      const content = checkedContent(
        dto.body ?? latest.body,
        dto.variants ?? latest.variants,
        dto.placeholders ?? latest.placeholders,
      );
      if (name === latest.name && templateContentHash(content) === latest.contentHash) {
        const [details] = await this.withVersions(manager, [template]);
        return details;
      }
      if (name.toLowerCase() !== template.name.toLowerCase()) {
        await this.assertNameFree(manager, principal.workspaceId, name, template.id);
      }
      const version = await this.addVersion(manager, template, latest.version + 1, name, content, principal.memberId);
      template.currentVersion = version.version;
      template.name = name;
      await manager.save(template);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'template.updated',
        targetType: 'template',
        targetId: template.id,
        before: versionSummary(latest),
        after: versionSummary(version),
        reason: dto.reason,
      });
      const [details] = await this.withVersions(manager, [template]);
      return details;
    });
  }

  /** Four eyes: an approver who did not write that version approves its exact content. */
  approve(principal: Principal, id: string, versionNumber: number, comment: string | undefined): Promise<TemplateDetails> {
    return this.dataSource.transaction(async (manager) => {
      const { template } = await this.lockLive(manager, principal.workspaceId, id);
      const version = await this.versionOf(manager, template, versionNumber);
      if (version.authorId === principal.memberId) {
        throw DomainError.forbidden(`Four eyes: you wrote version ${versionNumber} of template ${id}, so someone else must approve it`);
      }
      if (version.status === 'approved') {
        throw DomainError.conflict(`Version ${versionNumber} of template ${id} is already approved`);
      }
      if (version.status === 'rejected') {
        throw DomainError.conflict(`Version ${versionNumber} of template ${id} was rejected; an edit makes a new version to approve`);
      }
      if (templateContentHash(version) !== version.contentHash) {
        throw DomainError.conflict(`Version ${versionNumber} of template ${id} does not match its content hash and cannot be approved`);
      }
      await this.decide(manager, principal, template, version, 'approved', comment ?? null);
      const [details] = await this.withVersions(manager, [template]);
      return details;
    });
  }

  /** Sends a pending version back, or withdraws an approval: either way the version can no longer be used. */
  reject(principal: Principal, id: string, versionNumber: number, comment: string): Promise<TemplateDetails> {
    return this.dataSource.transaction(async (manager) => {
      const { template } = await this.lockLive(manager, principal.workspaceId, id);
      const version = await this.versionOf(manager, template, versionNumber);
      if (version.status === 'rejected') {
        throw DomainError.conflict(`Version ${versionNumber} of template ${id} is already rejected`);
      }
      await this.decide(manager, principal, template, version, 'rejected', comment);
      const [details] = await this.withVersions(manager, [template]);
      return details;
    });
  }

  archive(principal: Principal, id: string): Promise<TemplateDetails> {
    return this.dataSource.transaction(async (manager) => {
      const { template } = await this.lockLive(manager, principal.workspaceId, id);
      template.archivedAt = this.clock.now();
      await manager.save(template);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'template.archived',
        targetType: 'template',
        targetId: template.id,
        before: { archivedAt: null },
        after: { archivedAt: template.archivedAt },
      });
      const [details] = await this.withVersions(manager, [template]);
      return details;
    });
  }

  /** Fills a version (any status: approvers read what they sign) and checks the text against each platform. */
  async preview(principal: Principal, id: string, dto: PreviewTemplateDto): Promise<TemplatePreviewView> {
    const { template } = await this.get(principal, id);
    const version = await this.versionOf(this.dataSource.manager, template, dto.version ?? template.currentVersion);
    const filled = fillTemplate(version, resolveValues(version.placeholders, dto.values ?? {}));
    const platforms: readonly Platform[] = dto.platforms ?? PLATFORMS;
    const problems = platforms.flatMap((platform) => filledLimitViolations(platform, filled, true).map((v) => v.message));
    if (problems.length > 0) {
      throw DomainError.invalid(problems.join('; '), problems);
    }
    const usability = await this.usableVersion(this.dataSource.manager, principal.workspaceId, id, version.version);
    return {
      templateId: template.id,
      version: version.version,
      status: version.status,
      usable: usability.usable,
      text: filled.text,
      platformText: filled.platformText,
      platforms: platforms.map((platform) => {
        const text = filledTextFor(platform, filled);
        return { platform, text, ...measureText(platform, text) };
      }),
    };
  }

  /**
   * Whether a version can be used: the template is live in this workspace, the version is approved, and its
   * content still matches the hash the approval was given for. `lock` holds the template row (shared) to commit,
   * so a concurrent rejection or archive waits for the caller's transaction.
   */
  async usableVersion(manager: EntityManager, workspaceId: string, templateId: string, versionNumber: number, lock = false): Promise<Usability> {
    const template = await manager.findOne(Template, {
      where: { id: templateId, workspaceId },
      ...(lock ? { lock: { mode: 'pessimistic_read' as const } } : {}),
    });
    if (!template) {
      return { usable: false, problem: `template ${templateId} does not exist in this workspace` };
    }
    if (template.archivedAt) {
      return { usable: false, problem: `template ${templateId} (${template.name}) is archived` };
    }
    const version = await manager.findOneBy(TemplateVersion, { templateId, version: versionNumber });
    if (!version) {
      return { usable: false, problem: `template ${templateId} (${template.name}) has no version ${versionNumber}` };
    }
    if (version.status !== 'approved') {
      const state = version.status === 'pending' ? 'is not approved yet' : 'was rejected';
      return { usable: false, problem: `version ${versionNumber} of template ${templateId} (${template.name}) ${state}; only approved versions can be used` };
    }
    // The status says approved; the approval must also be for this very content, and the content still hash to it.
    const approval = await manager.findOneBy(TemplateDecision, { templateId, version: versionNumber, decision: 'approved', contentHash: version.contentHash });
    if (!approval || templateContentHash(version) !== version.contentHash) {
      return { usable: false, problem: `version ${versionNumber} of template ${templateId} (${template.name}) no longer matches what was approved` };
    }
    return { usable: true, version };
  }

  private async decide(
    manager: EntityManager,
    principal: Principal,
    template: Template,
    version: TemplateVersion,
    decision: 'approved' | 'rejected',
    comment: string | null,
  ): Promise<void> {
    const before = version.status;
    await manager.save(
      manager.create(TemplateDecision, {
        workspaceId: template.workspaceId,
        templateId: template.id,
        version: version.version,
        approverId: principal.memberId,
        decision,
        contentHash: version.contentHash,
        comment,
      }),
    );
    version.status = decision;
    await manager.save(version);
    await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
      action: decision === 'approved' ? 'template.approved' : 'template.rejected',
      targetType: 'template',
      targetId: template.id,
      before: { version: version.version, status: before },
      after: { version: version.version, status: decision, contentHash: version.contentHash },
      reason: comment,
    });
  }

  private async addVersion(
    manager: EntityManager,
    template: Template,
    number: number,
    name: string,
    content: TemplateContent,
    authorId: string,
  ): Promise<TemplateVersion> {
    const version = manager.create(TemplateVersion, {
      workspaceId: template.workspaceId,
      templateId: template.id,
      version: number,
      name,
      ...content,
      contentHash: templateContentHash(content),
      authorId,
      status: 'pending',
    });
    return manager.save(version);
  }

  private async lockLive(manager: EntityManager, workspaceId: string, id: string): Promise<{ template: Template; latest: TemplateVersion }> {
    const template = await manager.findOne(Template, { where: { id, workspaceId }, lock: { mode: 'pessimistic_write' } });
    if (!template) {
      throw DomainError.notFound('Template', id);
    }
    if (template.archivedAt) {
      throw DomainError.conflict(`Template ${id} is archived`);
    }
    return { template, latest: await this.versionOf(manager, template, template.currentVersion) };
  }

  private async versionOf(manager: EntityManager, template: Template, version: number): Promise<TemplateVersion> {
    const found = await manager.findOneBy(TemplateVersion, { templateId: template.id, version });
    if (!found) {
      throw DomainError.invalid(`version ${version}: template ${template.id} has no such version; its latest is ${template.currentVersion}`);
    }
    return found;
  }

  private async assertNameFree(manager: EntityManager, workspaceId: string, name: string, exceptId: string | null): Promise<void> {
    const clash = await manager
      .getRepository(Template)
      .createQueryBuilder('t')
      .where('t.workspace_id = :workspaceId AND lower(t.name) = lower(:name) AND t.archived_at IS NULL', { workspaceId, name })
      .andWhere(exceptId ? 't.id <> :exceptId' : 'TRUE', { exceptId })
      .getOne();
    if (clash) {
      throw DomainError.conflict(`A template named ${JSON.stringify(clash.name)} already exists (${clash.id})`);
    }
  }

  private async withVersions(manager: EntityManager, templates: Template[]): Promise<TemplateDetails[]> {
    if (templates.length === 0) {
      return [];
    }
    const ids = templates.map((t) => t.id);
    const versions = await manager
      .getRepository(TemplateVersion)
      .createQueryBuilder('v')
      .where('v.template_id = ANY(:ids)', { ids })
      .orderBy('v.version', 'DESC')
      .getMany();
    const decisions = await manager
      .getRepository(TemplateDecision)
      .createQueryBuilder('d')
      .where('d.template_id = ANY(:ids)', { ids })
      .orderBy('d.created_at', 'ASC')
      .getMany();
    const names = await this.memberNames(manager, templates[0].workspaceId, [...versions.map((v) => v.authorId), ...decisions.map((d) => d.approverId)]);
    return templates.map((template) => ({
      template,
      versions: versions.filter((v) => v.templateId === template.id),
      decisions: decisions.filter((d) => d.templateId === template.id),
      names,
    }));
  }

  /** So the console can say who wrote a version and who judged it: members' names are admin-only elsewhere. */
  private async memberNames(manager: EntityManager, workspaceId: string, ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) {
      return new Map();
    }
    const members = await manager.find(Member, { select: { id: true, name: true }, where: { workspaceId, id: In(unique) } });
    return new Map(members.map((m) => [m.id, m.name]));
  }
}

/** The content of a request, refused with every problem named when it breaks a rule. */
function checkedContent(body: string, rawVariants: Record<string, unknown> | undefined, placeholders: ReadonlyArray<Partial<PlaceholderDeclaration> & { name: string; description: string }>): TemplateContent {
  const { variants, problems } = parseVariants(rawVariants);
  const content: TemplateContent = {
    body,
    variants,
    placeholders: placeholders.map((p) => ({ name: p.name, description: p.description, required: p.required ?? true })),
  };
  problems.push(...contentProblems(content));
  if (problems.length > 0) {
    throw DomainError.invalid(problems.join('; '), problems);
  }
  return content;
}

function versionSummary(v: TemplateVersion): Record<string, unknown> {
  return { version: v.version, name: v.name, contentHash: v.contentHash, status: v.status, placeholders: v.placeholders.map((p) => p.name) };
}
