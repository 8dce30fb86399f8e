import { Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Env } from '../config/env';
import { resolveSecretKey } from '../secrets/secret-key';
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
      // The same key SecretsModule resolves (HOLDFAST_SECRET_KEY, or the one kept in the data dir), from which the
      // URL signer derives a key of its own; SecretsModule does not export SECRET_KEY.
      provide: MediaUrlSigner,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Env, true>): MediaUrlSigner =>
        new MediaUrlSigner(
          resolveSecretKey({
            configured: config.get('HOLDFAST_SECRET_KEY', { infer: true }),
            dataDir: config.get('HOLDFAST_DATA_DIR', { infer: true }),
            warn: (message) => new Logger('SecretKey').warn(message),
          }),
          config.get('PUBLIC_URL', { infer: true }) ?? `http://localhost:${config.get('PORT', { infer: true })}`,
        ),
    },
    MediaLibrary,
    { provide: MediaSource, useExisting: MediaLibrary },
  ],
  exports: [MediaLibrary, MediaSource],
})
export class MediaModule {}
