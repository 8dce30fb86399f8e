import { Module } from '@nestjs/common';
import { DispatchModule } from '../dispatch/dispatch.module';
import { DispatchStoreModule } from '../dispatch/dispatch-store.module';
import { FailoverController } from './failover.controller';
import { FailoverService } from './failover.service';

/** Outages: platform health (the dispatch engine's circuit breakers) and failover to the fallbacks decided in advance. */
@Module({
  imports: [DispatchModule, DispatchStoreModule],
  controllers: [FailoverController],
  providers: [FailoverService],
})
export class FailoverModule {}
