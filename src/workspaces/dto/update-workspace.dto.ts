import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, MaxLength, ValidateIf } from 'class-validator';

/** Leave a field out to keep it; null is not a value for either (IsOptional would let null through to the database). */
const given = (_dto: object, value: unknown): boolean => value !== undefined;

/** What an admin may change about their workspace; at least one field. */
export class UpdateWorkspaceDto {
  @ApiPropertyOptional({ example: 'Acme Coffee EU', maxLength: 100 })
  @ValidateIf(given)
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ example: 'Europe/Madrid', description: "IANA time zone the console's calendar opens in" })
  @ValidateIf(given)
  @IsString()
  @MaxLength(64)
  timeZone?: string;
}
