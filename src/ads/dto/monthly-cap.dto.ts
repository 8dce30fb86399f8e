import { ApiProperty } from '@nestjs/swagger';
import { IsNumber, IsOptional, IsString } from 'class-validator';

export class SetMonthlyCapDto {
  @ApiProperty({ type: Number, nullable: true, example: 5000000, description: 'Cap on the month-to-date spend (UTC months) across all ad accounts, minor units; null removes it' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'monthlyCapMinor must be a number of minor units or null' })
  monthlyCapMinor: number | null;

  @ApiProperty({ example: 'EUR', description: 'Every ad account of the workspace must be in this currency' })
  @IsString({ message: 'currency is required, e.g. EUR' })
  currency: string;
}

export class MonthlyCapView {
  @ApiProperty({ type: Number, nullable: true }) monthlyCapMinor: number | null;
  @ApiProperty({ type: String, nullable: true }) currency: string | null;
  @ApiProperty({ description: 'Spend synced so far this month (UTC), in the cap currency' }) spentThisMonthMinor: number;
}
