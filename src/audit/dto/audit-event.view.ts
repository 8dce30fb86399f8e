import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AuditEvent } from '../audit-event.entity';

export class AuditEventView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Position in the workspace chain, from 1' }) seq: number;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'The member who acted; null for the system' })
  actorId: string | null;
  @ApiProperty({ description: "The actor's name at the time" }) actorLabel: string;
  @ApiProperty({ example: 'channel.created' }) action: string;
  @ApiProperty({ example: 'channel' }) targetType: string;
  @ApiProperty() targetId: string;
  @ApiPropertyOptional({ type: 'object', nullable: true, additionalProperties: true, description: 'Summary before the change' })
  before: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: 'object', nullable: true, additionalProperties: true, description: 'Summary after the change' })
  after: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt: Date;
  @ApiProperty({ description: 'Hash of the previous event (64 zeros for the first)' }) prevHash: string;
  @ApiProperty({ description: 'SHA-256 over this event and prevHash' }) hash: string;

  static of(event: AuditEvent): AuditEventView {
    const { workspaceId: _workspaceId, ...view } = event;
    return view;
  }
}

export class AuditPageView {
  @ApiProperty({ type: [AuditEventView], description: 'Newest first' }) items: AuditEventView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next (older) page; null at the end' })
  nextCursor: string | null;
}

export class BrokenLinkView {
  @ApiProperty() seq: number;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ enum: ['sequence_gap', 'previous_hash_mismatch', 'content_hash_mismatch'] }) reason: string;
}

class ChainHeadView {
  @ApiProperty() seq: number;
  @ApiProperty() hash: string;
}

export class ChainVerificationView {
  @ApiProperty({ description: 'True when every link holds' }) ok: boolean;
  @ApiProperty({ description: 'Events checked before the first broken link (all when ok)' }) checked: number;
  @ApiProperty({ type: ChainHeadView, nullable: true }) head: ChainHeadView | null;
  @ApiProperty({ type: BrokenLinkView, nullable: true }) firstBrokenLink: BrokenLinkView | null;
}
