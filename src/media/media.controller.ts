import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { memoryStorage } from 'multer';
import { ANY_MEMBER, Authorize, CurrentPrincipal } from '../common/decorators';
import { IdParam } from '../common/id-param';
import type { Principal } from '../common/principal';
import { MediaItemView, MediaQueryDto, UpdateMediaDto, UploadMediaDto, UploadMediaFieldsDto } from './dto/media.dto';
import { MediaLibrary, type Upload } from './media-library.service';

/** The largest upload: MP4 video (images are checked against each platform's smaller limits when a post uses them). */
export const UPLOAD_MAX_BYTES = 100 * 1024 * 1024;

@ApiTags('media')
@Controller('media')
export class MediaController {
  constructor(private readonly library: MediaLibrary) {}

  @Post()
  @Authorize('marketer', 'crisis_lead')
  @UseInterceptors(FileInterceptor('file', { storage: memoryStorage(), limits: { fileSize: UPLOAD_MAX_BYTES, files: 1, fields: 4, fieldSize: 16_384 } }))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadMediaDto })
  @ApiOperation({
    summary: 'Upload an image or video to the library (multipart field "file", optional "altText")',
    description: "The type comes from the file's bytes (JPEG, PNG, WebP, GIF, MP4; anything else is a 415). Each platform's limits are checked when a post uses the item; Bluesky's 1 MB is met by resizing.",
  })
  @ApiCreatedResponse({ type: MediaItemView })
  async upload(@CurrentPrincipal() principal: Principal, @UploadedFile() file: Upload | undefined, @Body() dto: UploadMediaFieldsDto): Promise<MediaItemView> {
    return MediaItemView.of(await this.library.upload(principal, file, dto.altText));
  }

  @Get()
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: "The workspace's library, newest first" })
  @ApiOkResponse({ type: [MediaItemView] })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: MediaQueryDto): Promise<MediaItemView[]> {
    return (await this.library.list(principal, query.limit ?? 50)).map((item) => MediaItemView.of(item));
  }

  @Get(':id')
  @Authorize(ANY_MEMBER)
  @ApiOperation({ summary: 'One library item' })
  @ApiOkResponse({ type: MediaItemView })
  async get(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<MediaItemView> {
    return MediaItemView.of(await this.library.get(principal, id));
  }

  @Get(':id/content')
  @Authorize(ANY_MEMBER)
  @ApiProduces('image/jpeg', 'image/png', 'image/webp', 'image/gif', 'video/mp4')
  @ApiOperation({ summary: "The item's bytes as uploaded" })
  async content(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Res() response: Response): Promise<void> {
    const { item, bytes } = await this.library.content(principal, id);
    response.setHeader('Content-Type', item.mimeType);
    response.setHeader('Content-Length', String(bytes.length));
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(item.originalName)}`);
    response.setHeader('Cache-Control', 'private, max-age=3600');
    response.end(bytes);
  }

  @Patch(':id')
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({ summary: "Change an item's alt text" })
  @ApiOkResponse({ type: MediaItemView })
  async update(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() dto: UpdateMediaDto): Promise<MediaItemView> {
    return MediaItemView.of(await this.library.updateAltText(principal, id, dto.altText));
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('marketer', 'crisis_lead')
  @ApiOperation({ summary: 'Delete an item; refused (409) while a post still to go out uses it' })
  async remove(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<void> {
    await this.library.remove(principal, id);
  }
}
