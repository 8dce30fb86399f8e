import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Env } from '../config/env';
import { MediaBlob, MediaItem } from './media-item.entity';
import { MediaLibrary } from './media-library.service';
import { MediaSource } from './media-source';
import { MediaStore, PostgresMediaStore } from './media-store';
import { MediaController } from './media.controller';

@Module({
  imports: [TypeOrmModule.forFeature([MediaItem, MediaBlob])],
  controllers: [MediaController],
  providers: [
    {
      provide: MediaStore,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Env, true>): MediaStore => {
        if (config.get('MEDIA_STORE', { infer: true }) === 's3') {
          throw new Error('MEDIA_STORE=s3: the S3-compatible media store is not in this version yet; use MEDIA_STORE=postgres (the default)');
        }
        return new PostgresMediaStore();
      },
    },
    MediaLibrary,
    { provide: MediaSource, useExisting: MediaLibrary },
  ],
  exports: [MediaLibrary, MediaSource],
})
export class MediaModule {}
