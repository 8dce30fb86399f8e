import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { WEBHOOK_DELIVERY_STATES } from '../webhook-delivery.entity';
import type { WebhookDeliveryState } from '../webhook-delivery.entity';

export class WebhookDeliveriesQueryDto {
  @ApiPropertyOptional({ enum: WEBHOOK_DELIVERY_STATES, description: 'Only deliveries in this state' })
  @IsOptional()
  @IsIn(WEBHOOK_DELIVERY_STATES, { message: `state must be one of ${WEBHOOK_DELIVERY_STATES.join(', ')}` })
  state?: WebhookDeliveryState;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
