import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';

export class SignInDto {
  @ApiProperty({ example: 'mia@example.com' })
  @IsString({ message: 'email must be an e-mail address' })
  @Length(1, 254, { message: 'email must be an e-mail address' })
  email: string;

  @ApiProperty({ format: 'password' })
  @IsString({ message: 'password must be a string' })
  @Length(1, 1024, { message: 'password must not be empty' })
  password: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Needed only when the answer was 409 choose_workspace' })
  @IsOptional()
  @IsUUID('all', { message: 'workspaceId must be a UUID' })
  workspaceId?: string;
}

export class AcceptInviteDto {
  @ApiProperty({ format: 'password', minLength: 12, description: 'At least 12 characters, not a common password, without your name or e-mail' })
  @IsString({ message: 'password must be a string' })
  @MaxLength(1024, { message: 'password must be at most 1024 characters' })
  password: string;

  @ApiPropertyOptional({ example: 'mia@example.com', description: 'Required when the member has no e-mail address yet (the first admin)' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @Length(3, 254, { message: 'email must be an e-mail address' })
  email?: string;
}
