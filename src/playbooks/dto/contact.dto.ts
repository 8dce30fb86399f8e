import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

/** Someone responsible in this scenario, and how to reach them (at least one way). */
export class ContactDto {
  @ApiProperty({ example: 'Ana Ruiz', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ example: 'Head of communications', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  role: string;

  @ApiPropertyOptional({ example: 'ana@example.com', nullable: true, type: String })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ example: '+34 600 123 456', nullable: true, type: String, description: 'Digits with an optional leading +, spaces, dashes, dots or brackets' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9][0-9 ().-]{4,29}$/, { message: 'phone must be a phone number such as +34 600 123 456' })
  phone?: string | null;

  @ApiPropertyOptional({ example: 'slack:@ana', nullable: true, type: String, description: 'A chat handle, e.g. slack:@ana or @ana on Signal' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  chat?: string | null;
}
