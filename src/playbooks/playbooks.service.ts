// Playbooks: the response matrix, checked whole at every save, and the plan the crisis switch runs at activation.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Channel } from '../channels/channel.entity';
import type { Platform } from '../channels/platform';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { own, resolveValues, valueShapeProblems, type PlaceholderDeclaration } from '../templates/placeholders';
import { filledLimitViolations, fillTemplate, FilledTemplate, TemplateContent } from '../templates/template-content';
import { TemplatesService } from '../templates/templates.service';
import type { CreatePlaybookDto } from './dto/create-playbook.dto';
import type { PlaybookMessageDto } from './dto/playbook-message.dto';
import type { UpdatePlaybookDto } from './dto/update-playbook.dto';
import { answersFor, messagePlaceholderProblems } from './playbook-message';
import { CrisisLevel, Playbook, PlaybookCategory, PlaybookContact, PlaybookMessage } from './playbook.entity';

export interface PlannedMessage {
  templateId: string;
  templateVersion: number;
  channelIds: string[];
  offsetMinutes: number;
  /** The filled body: what every platform without a variant receives. */
  text: string;
  /** The filled variant of each targeted platform that has one: that platform receives it instead of `text`. */
  platformText: Partial<Record<Platform, string>>;
}

export interface PlaybookPlan {
  playbookId: string;
  name: string;
  category: string;
  level: 1 | 2 | 3;
  platforms: Platform[] | null;
  pauseAds: boolean;
  approvalsRequired: number | null;
  contacts: Array<{ name: string; role: string; email: string | null; phone: string | null; chat: string | null }>;
  messages: PlannedMessage[];
}

/** A message staged without some of its placeholder answers: a draft that says what it misses. */
export interface DraftMessage extends PlannedMessage {
  /** The message's position in the playbook. */
  index: number;
  /** The values known (decided in advance or answered): the missing ones stay in the text as {{name}}. */
  values: Record<string, string>;
  missing: Array<{ name: string; description: string }>;
}

/** A message (or some of its channels) the switch could not stage, and why. */
export interface UnstagedMessage {
  index: number;
  templateId: string;
  templateVersion: number;
  channelIds: string[];
  reason: string;
}

/** What the crisis switch stages: the messages ready for sign-off, the drafts, and what it could not stage. */
export interface StagingPlan extends PlaybookPlan {
  drafts: DraftMessage[];
  notStaged: UnstagedMessage[];
  /** Answers that were not used: not asked by the playbook, or not plain text. */
  warnings: string[];
  /** Everything that keeps the plan from running as written (what a strict plan refuses). */
  problems: string[];
}

/** The name placeholder answers go by, in rehearsal and activation alike. */
const ANSWERS = 'placeholderValues';

/** Everything a playbook says, as saved. */
interface PlaybookFields {
  name: string;
  category: PlaybookCategory;
  level: CrisisLevel;
  contacts: PlaybookContact[];
  platforms: Platform[] | null;
  pauseAds: boolean;
  messages: PlaybookMessage[];
  approvalsRequired: number | null;
}

@Injectable()
export class PlaybooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly templates: TemplatesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  create(principal: Principal, dto: CreatePlaybookDto): Promise<Playbook> {
    const fields: PlaybookFields = {
      name: dto.name,
      category: dto.category,
      level: dto.level,
      contacts: checkedContacts(dto.contacts),
      platforms: dto.platforms ?? null,
      pauseAds: dto.pauseAds ?? false,
      messages: (dto.messages ?? []).map(messageOf),
      approvalsRequired: dto.approvalsRequired ?? null,
    };
    return this.dataSource.transaction(async (manager) => {
      await this.assertValid(manager, principal.workspaceId, fields);
      await this.assertNameFree(manager, principal.workspaceId, fields.name, null);
      const playbook = manager.create(Playbook, {
        workspaceId: principal.workspaceId,
        ...fields,
        revision: 1,
        authorId: principal.memberId,
        lastEditorId: principal.memberId,
        archivedAt: null,
      });
      await manager.save(playbook);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'playbook.created',
        targetType: 'playbook',
        targetId: playbook.id,
        after: snapshot(playbook),
      });
      return playbook;
    });
  }

  list(principal: Principal, includeArchived: boolean): Promise<Playbook[]> {
    return this.dataSource.getRepository(Playbook).find({
      where: includeArchived ? { workspaceId: principal.workspaceId } : { workspaceId: principal.workspaceId, archivedAt: IsNull() },
      order: { name: 'ASC', id: 'ASC' },
    });
  }

  async get(principal: Principal, id: string): Promise<Playbook> {
    const playbook = await this.dataSource.getRepository(Playbook).findOneBy({ id, workspaceId: principal.workspaceId });
    if (!playbook) {
      throw DomainError.notFound('Playbook', id);
    }
    return playbook;
  }

  /** Edits in place: the playbook as it will be is checked whole; the audit event keeps the before and after. */
  update(principal: Principal, id: string, dto: UpdatePlaybookDto): Promise<Playbook> {
    return this.dataSource.transaction(async (manager) => {
      const playbook = await this.lockLive(manager, principal.workspaceId, id);
      const before = snapshot(playbook);
      const fields: PlaybookFields = {
        name: dto.name ?? playbook.name,
        category: dto.category ?? playbook.category,
        level: dto.level ?? playbook.level,
        contacts: dto.contacts == null ? playbook.contacts : checkedContacts(dto.contacts),
        platforms: dto.platforms === undefined ? playbook.platforms : dto.platforms,
        pauseAds: dto.pauseAds ?? playbook.pauseAds,
        messages: dto.messages == null ? playbook.messages : dto.messages.map(messageOf),
        approvalsRequired: dto.approvalsRequired === undefined ? playbook.approvalsRequired : dto.approvalsRequired,
      };
      await this.assertValid(manager, principal.workspaceId, fields);
      if (fields.name.toLowerCase() !== playbook.name.toLowerCase()) {
        await this.assertNameFree(manager, principal.workspaceId, fields.name, playbook.id);
      }
      Object.assign(playbook, fields, { revision: playbook.revision + 1, lastEditorId: principal.memberId });
      await manager.save(playbook);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'playbook.updated',
        targetType: 'playbook',
        targetId: playbook.id,
        before,
        after: snapshot(playbook),
        reason: dto.reason,
      });
      return playbook;
    });
  }

  archive(principal: Principal, id: string): Promise<Playbook> {
    return this.dataSource.transaction(async (manager) => {
      const playbook = await this.lockLive(manager, principal.workspaceId, id);
      playbook.archivedAt = this.clock.now();
      await manager.save(playbook);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'playbook.archived',
        targetType: 'playbook',
        targetId: playbook.id,
        before: { archivedAt: null, revision: playbook.revision },
        after: { archivedAt: playbook.archivedAt, revision: playbook.revision },
      });
      return playbook;
    });
  }

  /**
   * The platforms a playbook holds, read before the crisis switch closes their gates (404 for another
   * workspace's playbook). Activation re-reads the playbook under lock inside the close and refuses a
   * plan whose scope changed meanwhile.
   */
  async platformsOf(workspaceId: string, playbookId: string): Promise<Platform[] | null> {
    const playbook = await this.dataSource.getRepository(Playbook).findOne({ where: { id: playbookId, workspaceId }, select: { id: true, platforms: true } });
    if (!playbook) {
      throw DomainError.notFound('Playbook', playbookId);
    }
    return playbook.platforms;
  }

  /** planFor in a transaction of its own that changes nothing: what activation would create, now. */
  rehearse(principal: Principal, id: string, values: Record<string, unknown>): Promise<PlaybookPlan> {
    return this.dataSource.transaction((manager) => this.planFor(manager, principal.workspaceId, id, values as Record<string, string>));
  }

  /**
   * The plan, strict: the staging plan when every message can be staged as written, else a 400 DomainError naming every
   * problem (an unknown or malformed answer, an archived playbook, a missing prompt, a template version no longer
   * approved, a channel no longer connected, a filled text over a platform's limit). What a rehearsal answers.
   */
  async planFor(manager: EntityManager, workspaceId: string, playbookId: string, values: Record<string, string>): Promise<PlaybookPlan> {
    const staging = await this.stagingPlanFor(manager, workspaceId, playbookId, values);
    if (staging.problems.length > 0) {
      throw DomainError.invalid(staging.problems.join('; '), staging.problems);
    }
    const { drafts: _drafts, notStaged: _notStaged, warnings: _warnings, problems: _problems, ...plan } = staging;
    return plan;
  }

  /**
   * What the crisis switch stages, never refused for its copy (the halt must not wait on it): every message is filled
   * from its approved template version with the stored values plus `values` (answers to prompts, keyed by placeholder
   * name; one answer serves every message prompting for that name). A message missing a required answer becomes a
   * draft saying what it misses; a message that cannot run (the playbook archived, its template version no longer
   * approved, a channel no longer connected, a filled text over a platform's limit) is left out on those channels with
   * the reason, and staged on the others. Only another workspace's (or no) playbook throws: 404.
   * Holds the playbook and its templates with shared locks until the caller commits, so an edit, an archive or a
   * withdrawn approval cannot slip in between the plan and its use. Call it before the transaction's first
   * audit.record(): row locks come before the audit chain's lock (see AuditService.record).
   */
  async stagingPlanFor(manager: EntityManager, workspaceId: string, playbookId: string, values: Record<string, string>): Promise<StagingPlan> {
    const playbook = await manager.findOne(Playbook, { where: { id: playbookId, workspaceId }, lock: { mode: 'pessimistic_read' } });
    if (!playbook) {
      throw DomainError.notFound('Playbook', playbookId);
    }
    const plan: StagingPlan = {
      playbookId: playbook.id,
      name: playbook.name,
      category: playbook.category,
      level: playbook.level,
      platforms: playbook.platforms,
      pauseAds: playbook.pauseAds,
      approvalsRequired: playbook.approvalsRequired,
      contacts: playbook.contacts.map((c) => ({ ...c })),
      messages: [],
      drafts: [],
      notStaged: [],
      warnings: [],
      problems: [],
    };
    const asked = [...new Set(playbook.messages.flatMap((m) => m.prompts))];
    const answers: Record<string, string> = {};
    for (const [key, value] of Object.entries(values)) {
      const field = `${ANSWERS}.${key}`;
      const shape = asked.includes(key) ? valueShapeProblems(field, value) : [];
      if (!asked.includes(key)) {
        plan.warnings.push(`${field} is not asked by playbook ${playbook.name}; it asks for ${asked.length > 0 ? asked.join(', ') : 'nothing'}`);
      } else if (shape.length > 0) {
        plan.warnings.push(...shape);
      } else {
        answers[key] = value;
      }
    }
    // The switch goes on without the answers it could not use (the messages needing them become drafts).
    plan.problems.push(...plan.warnings);
    if (playbook.archivedAt) {
      const reason = `playbook ${playbookId} (${playbook.name}) is archived`;
      plan.problems.push(reason);
      plan.notStaged.push(...playbook.messages.map((m, index) => unstaged(index, m, m.channelIds, reason)));
      return plan;
    }
    const channels = await this.channelsOf(manager, workspaceId, playbook.messages);
    for (const [index, message] of playbook.messages.entries()) {
      const field = `messages[${index}]`;
      const usability = await this.templates.usableVersion(manager, workspaceId, message.templateId, message.templateVersion, true);
      if (!usability.usable) {
        plan.problems.push(`${field}: ${usability.problem}`);
        plan.notStaged.push(unstaged(index, message, message.channelIds, usability.problem));
        continue;
      }
      const version = usability.version;
      const gone = message.channelIds.filter((cid) => !channels.has(cid));
      if (gone.length > 0) {
        plan.problems.push(`${field}: channel ${gone.join(', ')} is no longer connected`);
        plan.notStaged.push(unstaged(index, message, gone, `channel ${gone.join(', ')} is no longer connected`));
      }
      const live = message.channelIds.filter((cid) => channels.has(cid)).map((cid) => channels.get(cid)!);
      if (live.length === 0) {
        continue;
      }
      const given = answersFor(message, answers);
      const missing = version.placeholders.filter((p) => p.required && isBlank(own(given, p.name)));
      const known: Record<string, string> = {};
      for (const placeholder of version.placeholders) {
        const value = own(given, placeholder.name);
        if (typeof value === 'string' && !missing.includes(placeholder)) {
          known[placeholder.name] = value;
        }
      }
      if (missing.length > 0) {
        plan.problems.push(...missing.map((p) => `${field}: ${ANSWERS}.${p.name} is required (${p.description})`));
        const partial = fillTemplate(version, { ...resolveValues(version.placeholders.filter((p) => !missing.includes(p)), known, ANSWERS), ...asPlaceholders(missing) });
        plan.drafts.push({
          index,
          templateId: message.templateId,
          templateVersion: message.templateVersion,
          channelIds: live.map((c) => c.id),
          offsetMinutes: message.offsetMinutes,
          text: partial.text,
          platformText: variantsFor(live, partial),
          values: known,
          missing: missing.map((p) => ({ name: p.name, description: p.description })),
        });
        continue;
      }
      const filled = fillTemplate(version, resolveValues(version.placeholders, known, ANSWERS));
      const fitting: Channel[] = [];
      for (const channel of live) {
        const problems = limitProblems(field, [channel], filled);
        if (problems.length > 0) {
          plan.problems.push(...problems);
          plan.notStaged.push(unstaged(index, message, [channel.id], problems.map((p) => p.slice(field.length + 2)).join('; ')));
        } else {
          fitting.push(channel);
        }
      }
      if (fitting.length === 0) {
        continue;
      }
      plan.messages.push({
        templateId: message.templateId,
        templateVersion: message.templateVersion,
        channelIds: fitting.map((c) => c.id),
        offsetMinutes: message.offsetMinutes,
        text: filled.text,
        platformText: variantsFor(fitting, filled),
      });
    }
    return plan;
  }

  /** Refuses a playbook that could not run as written, naming every problem. */
  private async assertValid(manager: EntityManager, workspaceId: string, fields: PlaybookFields): Promise<void> {
    const problems: string[] = [];
    const channels = await this.channelsOf(manager, workspaceId, fields.messages);
    for (const [i, message] of fields.messages.entries()) {
      const field = `messages[${i}]`;
      const missing = message.channelIds.filter((id) => !channels.has(id));
      if (missing.length > 0) {
        problems.push(`${field}.channelIds names channels that do not exist in this workspace: ${missing.join(', ')}`);
      }
      const usability = await this.templates.usableVersion(manager, workspaceId, message.templateId, message.templateVersion, true);
      if (!usability.usable) {
        problems.push(`${field}.templateVersion: ${usability.problem}`);
        continue;
      }
      const version = usability.version;
      const placeholderProblems = messagePlaceholderProblems(field, message, version.placeholders);
      problems.push(...placeholderProblems);
      if (placeholderProblems.length > 0 || missing.length > 0) {
        continue;
      }
      const targets = message.channelIds.map((id) => channels.get(id)!);
      if (message.prompts.length === 0) {
        problems.push(...limitProblems(field, targets, fillTemplate(version, resolveValues(version.placeholders, message.values))));
      } else {
        // Answers come at activation; a text over the limit with every prompt still empty is too long whatever they are.
        const floor = fillTemplate(version, { ...emptyValues(version), ...message.values });
        problems.push(...limitProblems(`${field} (with its prompts still unanswered)`, targets, floor, ['text_required']));
      }
    }
    if (problems.length > 0) {
      throw DomainError.invalid(problems.join('; '), problems);
    }
  }

  private async channelsOf(manager: EntityManager, workspaceId: string, messages: PlaybookMessage[]): Promise<Map<string, Channel>> {
    const ids = [...new Set(messages.flatMap((m) => m.channelIds))];
    if (ids.length === 0) {
      return new Map();
    }
    const found = await manager.findBy(Channel, { id: In(ids), workspaceId, deletedAt: IsNull() });
    return new Map(found.map((c) => [c.id, c]));
  }

  private async lockLive(manager: EntityManager, workspaceId: string, id: string): Promise<Playbook> {
    const playbook = await manager.findOne(Playbook, { where: { id, workspaceId }, lock: { mode: 'pessimistic_write' } });
    if (!playbook) {
      throw DomainError.notFound('Playbook', id);
    }
    if (playbook.archivedAt) {
      throw DomainError.conflict(`Playbook ${id} is archived`);
    }
    return playbook;
  }

  private async assertNameFree(manager: EntityManager, workspaceId: string, name: string, exceptId: string | null): Promise<void> {
    const clash = await manager
      .getRepository(Playbook)
      .createQueryBuilder('p')
      .where('p.workspace_id = :workspaceId AND lower(p.name) = lower(:name) AND p.archived_at IS NULL', { workspaceId, name })
      .andWhere(exceptId ? 'p.id <> :exceptId' : 'TRUE', { exceptId })
      .getOne();
    if (clash) {
      throw DomainError.conflict(`A playbook named ${JSON.stringify(clash.name)} already exists (${clash.id})`);
    }
  }
}

function limitProblems(field: string, channels: Channel[], filled: FilledTemplate, ignore: string[] = []): string[] {
  return channels.flatMap((channel) =>
    filledLimitViolations(channel.platform, filled)
      .filter((v) => !ignore.includes(v.rule))
      .map((v) => `${field}: channel ${channel.name} (${channel.id}): ${v.message}`),
  );
}

function unstaged(index: number, message: PlaybookMessage, channelIds: string[], reason: string): UnstagedMessage {
  return { index, templateId: message.templateId, templateVersion: message.templateVersion, channelIds: [...channelIds], reason };
}

function isBlank(value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** Missing placeholders filled with themselves: the draft's text shows what is still to be given. */
function asPlaceholders(missing: readonly PlaceholderDeclaration[]): Record<string, string> {
  return Object.fromEntries(missing.map((p) => [p.name, `{{${p.name}}}`]));
}

/** The filled variant of each targeted platform that has one: that platform receives it instead of the body. */
function variantsFor(channels: Channel[], filled: FilledTemplate): Partial<Record<Platform, string>> {
  const platformText: Partial<Record<Platform, string>> = {};
  for (const channel of channels) {
    const variant = filled.platformText[channel.platform];
    if (variant !== undefined) {
      platformText[channel.platform] = variant;
    }
  }
  return platformText;
}

function emptyValues(content: TemplateContent): Record<string, string> {
  return Object.fromEntries(content.placeholders.map((p) => [p.name, '']));
}

function messageOf(dto: PlaybookMessageDto): PlaybookMessage {
  return {
    templateId: dto.templateId,
    templateVersion: dto.templateVersion,
    channelIds: dto.channelIds,
    offsetMinutes: dto.offsetMinutes,
    values: (dto.values ?? {}) as Record<string, string>,
    prompts: dto.prompts ?? [],
  };
}

function checkedContacts(contacts: CreatePlaybookDto['contacts']): PlaybookContact[] {
  const problems: string[] = [];
  const result = contacts.map((c, i) => {
    if (!c.email && !c.phone && !c.chat) {
      problems.push(`contacts[${i}] (${c.name}) needs a way to reach them: email, phone or chat`);
    }
    return { name: c.name, role: c.role, email: c.email ?? null, phone: c.phone ?? null, chat: c.chat ?? null };
  });
  if (problems.length > 0) {
    throw DomainError.invalid(problems.join('; '), problems);
  }
  return result;
}

function snapshot(p: Playbook): Record<string, unknown> {
  return {
    revision: p.revision,
    name: p.name,
    category: p.category,
    level: p.level,
    contacts: p.contacts,
    platforms: p.platforms,
    pauseAds: p.pauseAds,
    messages: p.messages,
    approvalsRequired: p.approvalsRequired,
  };
}
