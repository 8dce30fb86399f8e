import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { Platform, PLATFORMS } from '../../channels/platform';
import { PLAYBOOK_CATEGORIES } from '../playbook.entity';
import type { CrisisLevel, PlaybookCategory } from '../playbook.entity';
import { ContactDto } from './contact.dto';
import { PlaybookMessageDto } from './playbook-message.dto';

export class CreatePlaybookDto {
  @ApiProperty({ example: 'Checkout outage', maxLength: 200, description: 'The scenario; unique among the live playbooks of the workspace' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: PLAYBOOK_CATEGORIES })
  @IsIn(PLAYBOOK_CATEGORIES, { message: `category must be one of ${PLAYBOOK_CATEGORIES.join(', ')}` })
  category: PlaybookCategory;

  @ApiProperty({ minimum: 1, maximum: 3, description: 'Crisis level this scenario activates' })
  @IsInt({ message: 'level must be 1, 2 or 3' })
  @Min(1, { message: 'level must be 1, 2 or 3' })
  @Max(3, { message: 'level must be 1, 2 or 3' })
  level: CrisisLevel;

  @ApiProperty({ type: [ContactDto], description: 'Who is responsible and how to reach them' })
  @IsArray()
  @ArrayMinSize(1, { message: 'contacts must name at least one responsible person' })
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ContactDto)
  contacts: ContactDto[];

  @ApiPropertyOptional({ enum: PLATFORMS, isArray: true, nullable: true, description: 'Platforms to hold; null or left out holds every platform' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'platforms must name at least one platform, or be null for all' })
  @ArrayUnique({ message: 'platforms must not repeat a platform' })
  @IsIn(PLATFORMS, { each: true, message: `each of platforms must be one of ${PLATFORMS.join(', ')}` })
  platforms?: Platform[] | null;

  @ApiPropertyOptional({ default: false, description: 'Pause the paid campaigns in scope at activation' })
  @IsOptional()
  @IsBoolean()
  pauseAds?: boolean;

  @ApiPropertyOptional({ type: [PlaybookMessageDto], description: 'Replacement messages created at activation, waiting for crisis sign-off' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PlaybookMessageDto)
  messages?: PlaybookMessageDto[];

  @ApiPropertyOptional({ minimum: 1, maximum: 5, nullable: true, type: Number, description: "Crisis approvals each post needs; null follows the policy for the level" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  approvalsRequired?: number | null;
}
