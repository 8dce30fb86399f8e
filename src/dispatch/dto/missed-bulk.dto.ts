import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsISO8601, IsUUID } from 'class-validator';
import { DeliveryView } from '../../calendar/dto/post.view';
import { PLATFORMS } from '../../channels/platform';
import type { Platform } from '../../channels/platform';

/** At most this many deliveries per bulk action: one transaction, one audit event each. */
export const MAX_BULK_DELIVERIES = 500;

export class CancelMissedDto {
  @ApiProperty({ type: [String], format: 'uuid', maxItems: MAX_BULK_DELIVERIES, description: 'Missed deliveries: all are changed, or none' })
  @IsArray({ message: 'deliveryIds must be a list of delivery ids' })
  @ArrayMinSize(1, { message: 'deliveryIds must name at least one delivery' })
  @ArrayMaxSize(MAX_BULK_DELIVERIES, { message: `deliveryIds may name at most ${MAX_BULK_DELIVERIES} deliveries` })
  @ArrayUnique({ message: 'deliveryIds must not repeat a delivery' })
  @IsUUID('all', { each: true, message: 'each of deliveryIds must be a UUID' })
  deliveryIds: string[];
}

export class RescheduleMissedDto extends CancelMissedDto {
  @ApiProperty({ format: 'date-time', example: '2026-12-04T09:00:00Z', description: 'The new time, in the future; with its offset or Z' })
  @IsISO8601({ strict: true }, { message: 'scheduledAt must be an ISO 8601 date-time, e.g. 2026-12-04T09:00:00Z' })
  scheduledAt: string;
}

export class BulkMissedView {
  @ApiProperty({ type: [DeliveryView], description: 'The deliveries as they are now (held when an active crisis covers them)' })
  deliveries: DeliveryView[];
}

/** A missed delivery as the list of missed deliveries shows it. */
export class MissedDeliveryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) postId: string;
  @ApiProperty({ description: "The post's text, cut at 280 characters" }) text: string;
  @ApiProperty({ format: 'uuid' }) channelId: string;
  @ApiProperty() channelName: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty({ format: 'date-time', description: 'The time it was due when crisis mode held it' }) dueAt: Date;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The crisis that held it' }) heldByCrisisId: string | null;
}
