import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS, type Platform } from '../../channels/platform';
import { FAILOVER_POLICIES, type FailoverPolicy } from '../../channels/failover-policies';
import type { FallbackChoice } from '../failover-policy';
import type { FailoverCandidate, FailoverResult } from '../failover.service';

export class FallbackChoiceView {
  @ApiProperty({ format: 'uuid' }) channelId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty({ description: 'Whether this fallback can take the post now' }) usable: boolean;
  @ApiProperty({ type: String, nullable: true, description: "Why it cannot (its platform's limit, degraded too, already targeted…)" })
  refusal: string | null;

  static of(choice: FallbackChoice): FallbackChoiceView {
    return { ...choice, usable: choice.refusal === null };
  }
}

export class FailoverCandidateView {
  @ApiProperty({ format: 'uuid', description: 'The delivery waiting on the degraded platform' }) deliveryId: string;
  @ApiProperty({ format: 'uuid' }) postId: string;
  @ApiProperty({ format: 'uuid' }) channelId: string;
  @ApiProperty() channelName: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty({ enum: FAILOVER_POLICIES }) policy: FailoverPolicy;
  @ApiProperty({ format: 'date-time' }) scheduledAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'auto policy: when it fails over by itself' })
  autoAt: Date | null;
  @ApiProperty({ type: [String], example: ['platform:facebook'], description: 'The circuit breakers keeping it waiting' })
  degradedScopes: string[];
  @ApiProperty({ type: [FallbackChoiceView] }) fallbacks: FallbackChoiceView[];

  static of(candidate: FailoverCandidate): FailoverCandidateView {
    return { ...candidate, fallbacks: candidate.fallbacks.map((f) => FallbackChoiceView.of(f)) };
  }
}

export class CreatedFallbackView {
  @ApiProperty({ format: 'uuid', description: 'The new delivery, linked to the original' }) deliveryId: string;
  @ApiProperty({ format: 'uuid' }) channelId: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
}

export class SkippedFallbackView {
  @ApiProperty({ format: 'uuid' }) channelId: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty() reason: string;
}

export class FailoverView {
  @ApiProperty({ format: 'uuid', description: 'The original delivery, now failed_over' }) originalId: string;
  @ApiProperty({ enum: ['auto', 'manual'] }) trigger: 'auto' | 'manual';
  @ApiProperty({ type: [CreatedFallbackView], description: 'One scheduled delivery per fallback, subject to approvals and the crisis switch like any other' })
  fallbacks: CreatedFallbackView[];
  @ApiProperty({ type: [SkippedFallbackView], description: 'Fallbacks that could not take the post, and why' })
  skipped: SkippedFallbackView[];

  static of(result: FailoverResult): FailoverView {
    return { originalId: result.originalId, trigger: result.trigger, fallbacks: result.fallbacks, skipped: result.skipped };
  }
}
