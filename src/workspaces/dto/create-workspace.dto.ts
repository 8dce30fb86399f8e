import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length } from 'class-validator';

export class CreateWorkspaceDto {
  @ApiProperty({ example: 'Acme Coffee', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ description: "Name of the new workspace's first admin", example: 'Ada Admin', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  adminName: string;

  @ApiPropertyOptional({ example: 'ada@acme.example' })
  @IsOptional()
  @IsEmail({}, { message: 'adminEmail must be an e-mail address' })
  adminEmail?: string;
}
