import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsObject, IsString, Length } from 'class-validator';
import { AD_PLATFORMS, type AdPlatform } from '../ad-platform';

export class CreateAdAccountDto {
  @ApiProperty({ enum: AD_PLATFORMS, example: 'meta' })
  @IsIn(AD_PLATFORMS, { message: `platform must be one of ${AD_PLATFORMS.join(', ')}` })
  platform: AdPlatform;

  @ApiProperty({
    example: 'act_1234567890',
    description:
      "The platform's account id: meta digits or act_<digits>; x letters and digits (18ce54d4x5t); linkedin digits; google 10 digits (123-456-7890 accepted); tiktok digits",
  })
  @IsString({ message: 'platformAccountId must be a string' })
  @Length(1, 40, { message: 'platformAccountId must be 1 to 40 characters' })
  platformAccountId: string;

  @ApiProperty({ example: 'Brand EU', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code of the account currency; caps and spend are in its minor units' })
  @IsString({ message: 'currency must be an ISO 4217 code such as EUR' })
  currency: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Encrypted at rest, never returned. meta: {accessToken}; x: {consumerKey, consumerSecret, accessToken, accessTokenSecret}; ' +
      'linkedin: {accessToken}; google: {developerToken, accessToken, loginCustomerId?}; tiktok: {accessToken}',
    example: { accessToken: '…' },
  })
  @IsObject({ message: 'credentials must be an object' })
  credentials: Record<string, unknown>;
}
