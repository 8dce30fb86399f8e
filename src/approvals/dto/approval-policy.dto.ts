import { ApiProperty } from '@nestjs/swagger';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

export class ApprovalPolicyDto {
  @ApiProperty({ minimum: 0, maximum: 5, description: 'Approvals a post needs in normal mode (0: marketers schedule directly)' })
  @IsInt()
  @Min(0)
  @Max(5)
  approvalsRequired: number;

  @ApiProperty({ minimum: 1, maximum: 5, description: 'Approvals a post needs during a level 1 crisis' })
  @IsInt()
  @Min(1)
  @Max(5)
  crisisLevel1: number;

  @ApiProperty({ minimum: 1, maximum: 5, description: 'Approvals a post needs during a level 2 crisis' })
  @IsInt()
  @Min(1)
  @Max(5)
  crisisLevel2: number;

  @ApiProperty({ minimum: 1, maximum: 5, description: 'Approvals a post needs during a level 3 crisis' })
  @IsInt()
  @Min(1)
  @Max(5)
  crisisLevel3: number;

  @ApiPropertyOptional({
    default: false,
    description: 'Whether approvals given during a crisis also count as normal-mode approvals after it ends',
  })
  @IsOptional()
  @IsBoolean()
  crisisApprovalsCarryOver?: boolean;
}
