import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';

/** What an admin may change about their workspace; at least one field. */
export class UpdateWorkspaceDto {
  @ApiPropertyOptional({ example: 'Acme Coffee EU', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ example: 'Europe/Madrid', description: "IANA time zone the console's calendar opens in" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;
}
