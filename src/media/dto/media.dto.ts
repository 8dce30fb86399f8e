import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import type { MediaItem } from '../media-item.entity';

export class MediaItemView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['image', 'video'] }) kind: 'image' | 'video';
  @ApiProperty({ example: 'image/png', description: "Decided from the file's bytes" }) mimeType: string;
  @ApiProperty() byteSize: number;
  @ApiProperty({ type: Number, nullable: true }) width: number | null;
  @ApiProperty({ type: Number, nullable: true }) height: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'The image description sent where the platform takes one (X, Mastodon, Bluesky, LinkedIn, Facebook)' })
  altText: string | null;
  @ApiProperty({ example: 'autumn-menu.png' }) name: string;
  @ApiProperty({ example: '/api/media/…/content' }) contentUrl: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;

  static of(item: MediaItem): MediaItemView {
    return {
      id: item.id,
      kind: item.kind,
      mimeType: item.mimeType,
      byteSize: item.byteSize,
      width: item.width,
      height: item.height,
      altText: item.altText,
      name: item.originalName,
      contentUrl: `/api/media/${item.id}/content`,
      createdAt: item.createdAt,
    };
  }
}

/** The multipart form's text fields (the file itself is read by multer). */
export class UploadMediaFieldsDto {
  @ApiPropertyOptional({ maxLength: 1500, description: 'Alt text: what the image shows, for people who cannot see it' })
  @IsOptional()
  @IsString({ message: 'altText must be text' })
  @MaxLength(10_000)
  altText?: string;
}

/** The multipart form of an upload, as OpenAPI documents it. */
export class UploadMediaDto extends UploadMediaFieldsDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'JPEG, PNG, WebP, GIF or MP4; the type is read from the content' })
  file: unknown;
}

export class UpdateMediaDto {
  @ApiProperty({ type: String, nullable: true, maxLength: 1500, description: 'The new alt text; null or empty removes it' })
  @ValidateIf((_dto: object, value: unknown) => value !== null)
  @IsString({ message: 'altText must be text or null' })
  @MaxLength(10_000)
  altText: string | null;
}

export class MediaQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
