import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';

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
