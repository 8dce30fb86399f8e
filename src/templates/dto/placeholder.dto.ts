import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PLACEHOLDER_NAME } from '../placeholders';

/** A placeholder the template's text uses: `{{name}}`. */
export class PlaceholderDto {
  @ApiProperty({ example: 'service', description: 'Letters, digits and _, starting with a letter (at most 64)' })
  @IsString()
  @Matches(PLACEHOLDER_NAME, { message: 'placeholder name must be letters, digits and _, starting with a letter, at most 64 characters' })
  name: string;

  @ApiProperty({ example: 'The service that is down, as customers call it', maxLength: 500 })
  @IsString()
  @Length(1, 500)
  description: string;

  @ApiPropertyOptional({ default: true, description: 'Whether filling needs a value; an optional placeholder left out is filled with nothing' })
  @IsOptional()
  @IsBoolean()
  required?: boolean;
}
