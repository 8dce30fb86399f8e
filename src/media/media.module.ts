import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Env } from '../config/env';
import { SECRET_KEY } from '../secrets/secret-key';
import { MediaBlob, MediaItem } from './media-item.entity';
import { MediaLibrary } from './media-library.service';
import { MediaSource } from './media-source';
import { MediaStore, PostgresMediaStore } from './media-store';
import { MediaPublicController } from './media-public.controller';
import { MediaUrlSigner } from './media-url';
import { MediaController } from './media.controller';

@Module({
  imports: [TypeOrmModule.forFeature([MediaItem, MediaBlob])],
  controllers: [MediaController, MediaPublicController],
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
    {
      // The URL signer derives a key of its own from the service's secret key.
      provide: MediaUrlSigner,
      inject: [SECRET_KEY, ConfigService],
      useFactory: (key: Buffer, config: ConfigService<Env, true>): MediaUrlSigner =>
        new MediaUrlSigner(key, config.get('PUBLIC_URL', { infer: true }) ?? `http://localhost:${config.get('PORT', { infer: true })}`),
    },
    MediaLibrary,
    { provide: MediaSource, useExisting: MediaLibrary },
  ],
  exports: [MediaLibrary, MediaSource],
})
export class MediaModule {}
