import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class UpdateWorkspaceDto {
  @ApiProperty({ example: 'Acme Coffee EU', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name: string;
}
