import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Env } from '../config/env';
import { Clock } from './clock';
import { NetworkPolicy } from './network-policy';

@Global()
@Module({
  providers: [
    Clock,
    {
      provide: NetworkPolicy,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Env, true>) => new NetworkPolicy({ allowPrivate: config.get('ALLOW_PRIVATE_NETWORK', { infer: true }) === 'true' }),
    },
  ],
  exports: [Clock, NetworkPolicy],
})
export class CommonModule {}
