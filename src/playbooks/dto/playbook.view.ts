import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS } from '../../channels/platform';
import type { Platform } from '../../channels/platform';
import { PLAYBOOK_CATEGORIES } from '../playbook.entity';
import type { Playbook, PlaybookCategory } from '../playbook.entity';
import type { PlannedMessage, PlaybookPlan } from '../playbooks.service';

export class ContactView {
  @ApiProperty() name: string;
  @ApiProperty() role: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) chat: string | null;
}

export class PlaybookMessageView {
  @ApiProperty({ format: 'uuid' }) templateId: string;
  @ApiProperty() templateVersion: number;
  @ApiProperty({ type: [String], format: 'uuid' }) channelIds: string[];
  @ApiProperty({ description: 'Minutes after activation' }) offsetMinutes: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Placeholder values decided in advance' })
  values: Record<string, string>;
  @ApiProperty({ type: [String], description: 'Placeholders asked at activation' }) prompts: string[];
}

export class PlaybookView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PLAYBOOK_CATEGORIES }) category: PlaybookCategory;
  @ApiProperty({ enum: [1, 2, 3] }) level: number;
  @ApiProperty({ type: [ContactView] }) contacts: ContactView[];
  @ApiProperty({ enum: PLATFORMS, isArray: true, nullable: true, description: 'Platforms to hold; null: every platform' }) platforms: Platform[] | null;
  @ApiProperty() pauseAds: boolean;
  @ApiProperty({ type: [PlaybookMessageView] }) messages: PlaybookMessageView[];
  @ApiProperty({ nullable: true, type: Number, description: 'Crisis approvals per post; null follows the policy for the level' })
  approvalsRequired: number | null;
  @ApiProperty({ description: 'Bumped by every edit; the audit trail keeps each one' }) revision: number;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty({ format: 'uuid' }) lastEditorId: string;
  @ApiProperty({ format: 'date-time', nullable: true }) archivedAt: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;

  static of(p: Playbook): PlaybookView {
    return {
      id: p.id,
      name: p.name,
      category: p.category,
      level: p.level,
      contacts: p.contacts,
      platforms: p.platforms,
      pauseAds: p.pauseAds,
      messages: p.messages,
      approvalsRequired: p.approvalsRequired,
      revision: p.revision,
      authorId: p.authorId,
      lastEditorId: p.lastEditorId,
      archivedAt: p.archivedAt,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    };
  }
}

export class PlannedMessageView implements PlannedMessage {
  @ApiProperty({ format: 'uuid' }) templateId: string;
  @ApiProperty() templateVersion: number;
  @ApiProperty({ type: [String], format: 'uuid' }) channelIds: string[];
  @ApiProperty() offsetMinutes: number;
  @ApiProperty({ description: 'The filled body' }) text: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'The filled variant of each targeted platform that has one' })
  platformText: Partial<Record<Platform, string>>;
}

export class PlaybookPlanView implements PlaybookPlan {
  @ApiProperty({ format: 'uuid' }) playbookId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PLAYBOOK_CATEGORIES }) category: string;
  @ApiProperty({ enum: [1, 2, 3] }) level: 1 | 2 | 3;
  @ApiProperty({ enum: PLATFORMS, isArray: true, nullable: true }) platforms: Platform[] | null;
  @ApiProperty() pauseAds: boolean;
  @ApiProperty({ nullable: true, type: Number }) approvalsRequired: number | null;
  @ApiProperty({ type: [ContactView] }) contacts: ContactView[];
  @ApiProperty({ type: [PlannedMessageView] }) messages: PlannedMessageView[];
}
