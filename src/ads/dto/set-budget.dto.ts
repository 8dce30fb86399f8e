import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional, IsString } from 'class-validator';

export class SetBudgetDto {
  @ApiProperty({ example: 'EUR', description: "Must be the campaign's account currency: amounts are never converted" })
  @IsString({ message: 'currency is required (the account currency, e.g. EUR)' })
  currency: string;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 50000, description: 'Daily cap in minor units (50000 = 500.00 EUR); null removes it' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'dailyCapMinor must be a number of minor units or null' })
  dailyCapMinor?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 1000000, description: 'Lifetime cap in minor units; null removes it' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'lifetimeCapMinor must be a number of minor units or null' })
  lifetimeCapMinor?: number | null;
}
