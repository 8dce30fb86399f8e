import { Global, Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Env } from '../config/env';
import { CredentialVault } from './credential-vault';
import { resolveSecretKey, SECRET_KEY } from './secret-key';

@Global()
@Module({
  providers: [
    {
      provide: SECRET_KEY,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Env, true>): Buffer =>
        resolveSecretKey({
          configured: config.get('HOLDFAST_SECRET_KEY', { infer: true }),
          dataDir: config.get('HOLDFAST_DATA_DIR', { infer: true }),
          warn: (message) => new Logger('SecretKey').warn(message),
        }),
    },
    CredentialVault,
  ],
  // SECRET_KEY for what derives keys of its own from it (the media URL signer); the vault for everything else.
  exports: [CredentialVault, SECRET_KEY],
})
export class SecretsModule {}
