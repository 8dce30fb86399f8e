import { ApiProperty } from '@nestjs/swagger';
import type { ApiKey } from '../api-key.entity';

export class ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) memberId: string;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ description: 'The first characters of the key, to recognise it', example: 'hf_Ab12Cd34' }) prefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time', nullable: true, description: 'Last use, to the minute' }) lastUsedAt: Date | null;
  @ApiProperty({ format: 'date-time', nullable: true }) revokedAt: Date | null;

  static of(apiKey: ApiKey): ApiKeyView {
    return {
      id: apiKey.id,
      memberId: apiKey.memberId,
      name: apiKey.name,
      prefix: apiKey.prefix,
      createdAt: apiKey.createdAt,
      lastUsedAt: apiKey.lastUsedAt,
      revokedAt: apiKey.revokedAt,
    };
  }
}

export class IssuedApiKeyView extends ApiKeyView {
  @ApiProperty({ description: 'The API key. Shown this once; only its hash is stored.' }) key: string;

  static issued(apiKey: ApiKey, key: string): IssuedApiKeyView {
    return { ...ApiKeyView.of(apiKey), key };
  }
}
