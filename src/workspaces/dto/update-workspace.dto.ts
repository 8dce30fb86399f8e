import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, MaxLength, Min, ValidateIf } from 'class-validator';

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

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 10080,
    example: 120,
    description:
      'How long (minutes) a delivery waits past its planned time for its channel to be reconnected before it is missed; null: the service default (REAUTH_GRACE_MINUTES)',
  })
  @ValidateIf((_dto: object, value: unknown) => value !== undefined && value !== null)
  @IsInt({ message: 'reauthGraceMinutes must be a whole number of minutes between 0 and 10080, or null for the default' })
  @Min(0, { message: 'reauthGraceMinutes must be a whole number of minutes between 0 and 10080, or null for the default' })
  @Max(10_080, { message: 'reauthGraceMinutes must be a whole number of minutes between 0 and 10080, or null for the default' })
  reauthGraceMinutes?: number | null;
}
