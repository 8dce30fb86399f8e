import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS, type Platform } from '../../channels/platform';
import { BREAKER_STATES, type BreakerState } from '../../dispatch/circuit-breaker';
import type { BreakerRow } from '../../dispatch/breakers.service';

class BreakerView {
  @ApiProperty({ enum: BREAKER_STATES, description: 'closed: sending; open: sends wait until nextProbeAt; half_open: one probe is being sent' })
  state: BreakerState;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When this spell of trouble began' })
  degradedSince: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'open: the earliest probe' })
  nextProbeAt: Date | null;
  @ApiProperty({ description: 'Retryable failures in a row' }) consecutiveFailures: number;
  @ApiProperty({ description: 'Sends in the current error-rate window' }) windowSends: number;
  @ApiProperty({ description: 'Failures in the current error-rate window' }) windowFailures: number;
  @ApiProperty({ description: 'Failed probes in this spell (each doubles the wait)' }) trips: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updatedAt: Date | null;
}

export class PlatformHealthItemView extends BreakerView {
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;

  static of(platform: Platform, row: BreakerRow | undefined): PlatformHealthItemView {
    return { platform, ...breaker(row) };
  }
}

export class ChannelHealthItemView extends BreakerView {
  @ApiProperty({ format: 'uuid' }) channelId: string;
  @ApiProperty({ enum: PLATFORMS }) platform: Platform;
  @ApiProperty({ type: String, nullable: true, description: "The last retryable failure, in the platform's words" })
  lastError: string | null;

  static of(row: BreakerRow): ChannelHealthItemView {
    return { channelId: row.channelId!, platform: row.platform, lastError: row.lastError, ...breaker(row) };
  }
}

export class PlatformHealthView {
  @ApiProperty({ type: [PlatformHealthItemView], description: 'Every platform, shared by all workspaces' })
  platforms: PlatformHealthItemView[];
  @ApiProperty({ type: [ChannelHealthItemView], description: "This workspace's channels that have sent anything" })
  channels: ChannelHealthItemView[];
}

function breaker(row: BreakerRow | undefined): BreakerView {
  return {
    state: row?.state ?? 'closed',
    degradedSince: row?.openedAt ?? null,
    nextProbeAt: row?.state === 'open' ? row.retryAt : null,
    consecutiveFailures: row?.consecutiveFailures ?? 0,
    windowSends: row?.windowRequests ?? 0,
    windowFailures: row?.windowFailures ?? 0,
    trips: row?.trips ?? 0,
    updatedAt: row?.updatedAt ?? null,
  };
}
