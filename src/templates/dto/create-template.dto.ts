import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { PlaceholderDto } from './placeholder.dto';

export class CreateTemplateDto {
  @ApiProperty({ example: 'Outage holding statement', maxLength: 200, description: 'Unique among the live templates of the workspace' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: '{{service}} is down. We are on it and will update you by {{eta}}.', maxLength: 10000 })
  @IsString()
  @Length(1, 10000)
  body: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Text to use instead of the body on a platform, with the same placeholders, e.g. {"x": "{{service}} is down"}',
    example: { x: '{{service}} is down; update by {{eta}}' },
  })
  @IsOptional()
  @IsObject({ message: 'variants must be an object keyed by platform' })
  variants?: Record<string, unknown>;

  @ApiProperty({
    type: [PlaceholderDto],
    description: 'Every placeholder the body and variants use, and only those: an undeclared or an unused one is refused',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PlaceholderDto)
  placeholders: PlaceholderDto[];
}
