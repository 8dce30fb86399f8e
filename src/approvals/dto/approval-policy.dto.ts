import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, ValidateBy, ValidateIf } from 'class-validator';

/**
 * One message per field: "approvalsRequired is required" when it is missing, else the range it must
 * be in (never both, never a list of range messages for a field not given).
 */
function IsCount(min: number, max: number): PropertyDecorator {
  return ValidateBy({
    name: 'isCount',
    constraints: [min, max],
    validator: {
      validate: (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max,
      defaultMessage: (args) => (args?.value === undefined ? `${args?.property} is required` : `${args?.property} must be an integer from ${min} to ${max}`),
    },
  });
}

/** In a partial update a field may be left out, never given as null. */
const IfGiven = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

const DESCRIPTIONS = {
  approvalsRequired: 'Approvals a post needs in normal mode (0: marketers schedule directly)',
  crisisLevel1: 'Approvals a post needs during a level 1 crisis',
  crisisLevel2: 'Approvals a post needs during a level 2 crisis',
  crisisLevel3: 'Approvals a post needs during a level 3 crisis',
  crisisApprovalsCarryOver: 'Whether approvals given during a crisis also count as normal-mode approvals after it ends',
};

/** The whole policy (PUT): every count is required. */
export class ApprovalPolicyDto {
  @ApiProperty({ minimum: 0, maximum: 5, description: DESCRIPTIONS.approvalsRequired })
  @IsCount(0, 5)
  approvalsRequired: number;

  @ApiProperty({ minimum: 1, maximum: 5, description: DESCRIPTIONS.crisisLevel1 })
  @IsCount(1, 5)
  crisisLevel1: number;

  @ApiProperty({ minimum: 1, maximum: 5, description: DESCRIPTIONS.crisisLevel2 })
  @IsCount(1, 5)
  crisisLevel2: number;

  @ApiProperty({ minimum: 1, maximum: 5, description: DESCRIPTIONS.crisisLevel3 })
  @IsCount(1, 5)
  crisisLevel3: number;

  @ApiPropertyOptional({ default: false, description: DESCRIPTIONS.crisisApprovalsCarryOver })
  @IsOptional()
  @IsBoolean({ message: 'crisisApprovalsCarryOver must be true or false' })
  crisisApprovalsCarryOver?: boolean;
}

/** Some fields of the policy (PATCH): those given are checked as PUT checks them, the others keep their values. */
export class ApprovalPolicyPatchDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 5, description: DESCRIPTIONS.approvalsRequired })
  @IfGiven()
  @IsCount(0, 5)
  approvalsRequired?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, description: DESCRIPTIONS.crisisLevel1 })
  @IfGiven()
  @IsCount(1, 5)
  crisisLevel1?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, description: DESCRIPTIONS.crisisLevel2 })
  @IfGiven()
  @IsCount(1, 5)
  crisisLevel2?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, description: DESCRIPTIONS.crisisLevel3 })
  @IfGiven()
  @IsCount(1, 5)
  crisisLevel3?: number;

  @ApiPropertyOptional({ description: DESCRIPTIONS.crisisApprovalsCarryOver })
  @IfGiven()
  @IsBoolean({ message: 'crisisApprovalsCarryOver must be true or false' })
  crisisApprovalsCarryOver?: boolean;
}
