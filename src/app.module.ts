import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { DestinationStream } from 'pino';
import { AdsModule } from './ads/ads.module';
import { ApprovalsModule } from './approvals/approvals.module';
import { AuditModule } from './audit/audit.module';
import { AccessGuard } from './auth/access.guard';
import { AuthModule } from './auth/auth.module';
import { CalendarModule } from './calendar/calendar.module';
import { MediaModule } from './media/media.module';
import { ChannelsModule } from './channels/channels.module';
import { ConnectModule } from './connect/connect.module';
import { CommonModule } from './common/common.module';
import { ConsoleModule } from './console/console.module';
import { CrisisModule } from './crisis/crisis.module';
import { GlobalExceptionFilter } from './common/exception.filter';
import { SlidingWindowThrottlerStorage } from './common/sliding-window-throttler-storage';
import type { Env } from './config/env';
import { DatabaseModule } from './database/database.module';
import { DispatchModule } from './dispatch/dispatch.module';
import { FailoverModule } from './failover/failover.module';
import { HealthModule } from './health/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { LiveModule } from './live/live.module';
import { MembersModule } from './members/members.module';
import { MetricsModule } from './metrics/metrics.module';
import { PlaybooksModule } from './playbooks/playbooks.module';
import { SecretsModule } from './secrets/secrets.module';
import { TemplatesModule } from './templates/templates.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WorkspacesModule } from './workspaces/workspaces.module';

export interface AppOptions {
  /** Where log lines go; stdout when absent. Tests pass a stream to read them. */
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  /** The validated environment is the only configuration: nothing else reads process.env. */
  static forRoot(env: Env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          ignoreEnvVars: true,
          skipProcessEnv: true,
          load: [() => ({ ...env })],
        }),
        ThrottlerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<Env, true>) => ({
            throttlers: [{ name: 'per-minute', ttl: 60_000, limit: config.get('THROTTLE_PER_MINUTE', { infer: true }) }],
            // Constant time and memory per client, where the library's default filters every hit in the window.
            storage: new SlidingWindowThrottlerStorage(),
          }),
        }),
        ScheduleModule.forRoot(),
        CommonModule,
        MetricsModule,
        DatabaseModule,
        SecretsModule,
        AuditModule,
        AuthModule,
        MembersModule,
        WorkspacesModule,
        LiveModule,
        ConnectModule,
        ChannelsModule,
        MediaModule,
        ApprovalsModule,
        CalendarModule,
        TemplatesModule,
        PlaybooksModule,
        DispatchModule,
        HealthModule,
        WebhooksModule,
        AdsModule,
        CrisisModule,
        FailoverModule,
        IdempotencyModule,
        ConsoleModule.forRoot(env),
      ],
      providers: [
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_GUARD, useExisting: AccessGuard },
        { provide: APP_FILTER, useClass: GlobalExceptionFilter },
      ],
    };
  }
}
