import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length } from 'class-validator';

/** The platform, account id and currency are fixed once connected: connect another account instead. */
export class UpdateAdAccountDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Replaces the credentials whole' })
  @IsOptional()
  @IsObject({ message: 'credentials must be an object' })
  credentials?: Record<string, unknown>;
}
