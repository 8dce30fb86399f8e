import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS } from '../../channels/platform';
import type { Platform } from '../../channels/platform';
import type { TemplateDecision } from '../template-decision.entity';
import type { TemplateVersion, VersionStatus } from '../template-version.entity';
import { VERSION_STATUSES } from '../template-version.entity';
import type { Template } from '../template.entity';

export class PlaceholderView {
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty() required: boolean;
}

export class TemplateDecisionView {
  @ApiProperty({ format: 'uuid' }) approverId: string;
  @ApiProperty({ nullable: true, type: String, description: 'Their name; null for a former member' }) approverName: string | null;
  @ApiProperty({ enum: ['approved', 'rejected'] }) decision: 'approved' | 'rejected';
  @ApiProperty({ description: 'Hash of the content judged' }) contentHash: string;
  @ApiProperty({ nullable: true, type: String }) comment: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;

  static of(d: TemplateDecision, names: ReadonlyMap<string, string>): TemplateDecisionView {
    return { approverId: d.approverId, approverName: names.get(d.approverId) ?? null, decision: d.decision, contentHash: d.contentHash, comment: d.comment, createdAt: d.createdAt };
  }
}

export class TemplateVersionView {
  @ApiProperty() version: number;
  @ApiProperty() name: string;
  @ApiProperty() body: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) variants: Partial<Record<Platform, string>>;
  @ApiProperty({ type: [PlaceholderView] }) placeholders: PlaceholderView[];
  @ApiProperty({ description: 'SHA-256 of the body, variants and placeholders: what an approval is bound to' }) contentHash: string;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty({ nullable: true, type: String, description: "The author's name; null for a former member" }) authorName: string | null;
  @ApiProperty({ enum: VERSION_STATUSES, description: 'Only an approved version of a live template can be used' }) status: VersionStatus;
  @ApiProperty({ type: [TemplateDecisionView], description: 'Decisions on this version, oldest first' }) decisions: TemplateDecisionView[];
  @ApiProperty({ format: 'date-time' }) createdAt: Date;

  static of(v: TemplateVersion, decisions: TemplateDecision[], names: ReadonlyMap<string, string>): TemplateVersionView {
    return {
      version: v.version,
      name: v.name,
      body: v.body,
      variants: v.variants,
      placeholders: v.placeholders,
      contentHash: v.contentHash,
      authorId: v.authorId,
      authorName: names.get(v.authorId) ?? null,
      status: v.status,
      decisions: decisions.filter((d) => d.version === v.version).map((d) => TemplateDecisionView.of(d, names)),
      createdAt: v.createdAt,
    };
  }
}

export class TemplateView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: "The latest version's name" }) name: string;
  @ApiProperty({ description: 'The latest version' }) currentVersion: number;
  @ApiProperty({ type: [Number], description: 'Versions that can be used (none once archived)' }) approvedVersions: number[];
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty({ format: 'date-time', nullable: true }) archivedAt: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;
  @ApiProperty({ type: [TemplateVersionView], description: 'Every version, newest first' }) versions: TemplateVersionView[];

  static of(t: Template, versions: TemplateVersion[], decisions: TemplateDecision[], names: ReadonlyMap<string, string> = new Map()): TemplateView {
    const newestFirst = [...versions].sort((a, b) => b.version - a.version);
    return {
      id: t.id,
      name: t.name,
      currentVersion: t.currentVersion,
      approvedVersions: t.archivedAt ? [] : newestFirst.filter((v) => v.status === 'approved').map((v) => v.version),
      authorId: t.authorId,
      archivedAt: t.archivedAt,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
      versions: newestFirst.map((v) => TemplateVersionView.of(v, decisions, names)),
    };
  }
}

export class PlatformPreviewView {
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty({ description: 'The filled text this platform receives' }) text: string;
  @ApiProperty({ description: 'Its length as the platform counts it' }) length: number;
  @ApiProperty() limit: number;
  @ApiProperty({ example: 'weighted characters' }) unit: string;
}

export class TemplatePreviewView {
  @ApiProperty({ format: 'uuid' }) templateId: string;
  @ApiProperty() version: number;
  @ApiProperty({ enum: VERSION_STATUSES }) status: VersionStatus;
  @ApiProperty({ description: 'Whether this version can be used in a playbook' }) usable: boolean;
  @ApiProperty({ description: 'The filled body' }) text: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'The filled variants' })
  platformText: Partial<Record<Platform, string>>;
  @ApiProperty({ type: [PlatformPreviewView] }) platforms: PlatformPreviewView[];
}
