import { ApiProperty } from '@nestjs/swagger';
import { AD_PLATFORMS, type AdPlatform } from '../ad-platform';
import type { AdAccount } from '../ad-account.entity';

export class AdAccountView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: AD_PLATFORMS }) platform: AdPlatform;
  @ApiProperty() platformAccountId: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ type: [String], description: 'Names of the credential fields that are set; values are never returned' })
  credentialFields: string[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastSyncedAt: Date | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the last sync failed' }) lastSyncError: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;

  static of(account: AdAccount): AdAccountView {
    return {
      id: account.id,
      platform: account.platform,
      platformAccountId: account.platformAccountId,
      name: account.name,
      currency: account.currency,
      credentialFields: account.credentialFields,
      lastSyncedAt: account.lastSyncedAt,
      lastSyncError: account.lastSyncError,
      createdAt: account.createdAt,
    };
  }
}
