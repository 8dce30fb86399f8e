import { ApiProperty } from '@nestjs/swagger';
import { AD_PLATFORMS, type AdPlatform } from '../ad-platform';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '../budget-policy';
import type { PauseOrderState, PauseOrderStatus } from '../pause-orders.service';

const STATES = ['pending', 'paused', 'resumed', 'failed'];

export class PauseOrderCampaignView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) adAccountId: string;
  @ApiProperty({ enum: AD_PLATFORMS }) platform: AdPlatform;
  @ApiProperty() platformCampaignId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: STATES, description: 'Where this campaign stands under the order' }) state: PauseOrderState;
  @ApiProperty({ enum: CAMPAIGN_STATUSES }) status: CampaignStatus;
  @ApiProperty({ type: String, nullable: true, description: "The platform's reason the last attempt failed" }) lastError: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) nextAttemptAt: Date | null;
  @ApiProperty() spendTodayMinor: number;
  @ApiProperty() spendLifetimeMinor: number;
  @ApiProperty({ example: 'EUR' }) currency: string;
}

export class PauseOrderView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'crisis:6f1c…', description: 'The tag every campaign it paused carries' }) reason: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The crisis that placed it, if a crisis did' }) crisisId: string | null;
  @ApiProperty({ enum: AD_PLATFORMS, isArray: true, nullable: true, description: 'Ad platforms in scope; null: all' }) platforms: AdPlatform[] | null;
  @ApiProperty({
    enum: STATES,
    description: 'pending: pauses (or, once lifted, resumes) not confirmed yet; paused: everything in scope confirmed paused; resumed: lifted and resumed; failed: the last attempt failed (retried)',
  })
  state: PauseOrderState;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt to enforce the order failed' }) lastError: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastAttemptAt: Date | null;
  @ApiProperty() createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) liftedAt: Date | null;
  @ApiProperty({ type: [PauseOrderCampaignView] }) campaigns: PauseOrderCampaignView[];

  static of({ order, state, campaigns }: PauseOrderStatus): PauseOrderView {
    const crisis = /^crisis:([0-9a-f-]{36})$/.exec(order.reason);
    return {
      id: order.id,
      reason: order.reason,
      crisisId: crisis ? crisis[1] : null,
      platforms: order.platforms.length > 0 ? order.platforms : null,
      state,
      lastError: order.lastError,
      lastAttemptAt: order.lastAttemptAt,
      createdBy: order.createdBy,
      createdAt: order.createdAt,
      liftedAt: order.liftedAt,
      campaigns: campaigns.map(({ campaign: c, state: s }) => ({
        id: c.id,
        adAccountId: c.adAccountId,
        platform: c.platform,
        platformCampaignId: c.platformCampaignId,
        name: c.name,
        state: s,
        status: c.status,
        lastError: c.lastError,
        nextAttemptAt: c.nextAttemptAt,
        spendTodayMinor: c.spendTodayMinor,
        spendLifetimeMinor: c.spendLifetimeMinor,
        currency: c.currency,
      })),
    };
  }
}
