import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiForbiddenResponse, ApiGoneResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/decorators';
import { IdParam } from '../common/id-param';
import { MediaLibrary } from './media-library.service';

/** Library bytes behind a signed, expiring URL, for platforms that fetch images themselves (Instagram). No session, no key. */
@ApiTags('media')
@Controller('media/public')
export class MediaPublicController {
  constructor(private readonly library: MediaLibrary) {}

  @Get(':id')
  @Public()
  @ApiProduces('image/jpeg', 'image/png', 'image/webp', 'image/gif', 'video/mp4')
  @ApiQuery({ name: 'exp', description: 'Unix seconds the link stops working at (one hour after it was made)' })
  @ApiQuery({ name: 'sig', description: 'HMAC-SHA256 of the id and exp, in hex' })
  @ApiForbiddenResponse({ description: 'The signature does not match the id and exp' })
  @ApiGoneResponse({ description: 'The link has expired' })
  @ApiOperation({ summary: "A library item's bytes through a signed link Holdfast gave a platform (valid one hour)" })
  async content(@IdParam() id: string, @Query('exp') exp: unknown, @Query('sig') sig: unknown, @Res() response: Response): Promise<void> {
    const { item, bytes } = await this.library.publicContent(id, exp, sig);
    response.setHeader('Content-Type', item.mimeType);
    response.setHeader('Content-Length', String(bytes.length));
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'private, max-age=3600');
    response.end(bytes);
  }
}
