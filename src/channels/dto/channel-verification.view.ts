import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { PublishFailure, VerifiedAccount } from '../../publishers/publisher.port';

const FAILURE_KINDS: PublishFailure['kind'][] = ['retryable', 'unknown', 'rate_limited', 'permanent', 'duplicate', 'auth_expired'];

export class VerifiedAccountView {
  @ApiProperty({ description: "The platform's id for the account (or the author URN on LinkedIn)" }) accountId: string;
  @ApiProperty({ example: '@holdfast' }) handle: string;
  @ApiProperty({ type: String, nullable: true }) displayName: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Public profile URL, when the platform gives one' }) url: string | null;
}

/** The answer of a connection check: 200 either way, `ok` says whether the platform accepted the credentials. */
export class ChannelVerificationView {
  @ApiProperty() ok: boolean;
  @ApiPropertyOptional({ type: VerifiedAccountView, description: 'When ok: the account the credentials reach' })
  account?: VerifiedAccountView;
  @ApiPropertyOptional({ description: "When not ok: why, in the platform's words (secrets redacted)" })
  reason?: string;
  @ApiPropertyOptional({ enum: FAILURE_KINDS, description: 'When not ok: auth_expired means reconnect (the channel is marked needs_reauth); retryable, rate_limited and unknown mean try later' })
  kind?: PublishFailure['kind'];

  static ok(account: VerifiedAccount): ChannelVerificationView {
    return { ok: true, account };
  }

  static failed(failure: PublishFailure): ChannelVerificationView {
    return { ok: false, reason: failure.reason, kind: failure.kind };
  }
}
