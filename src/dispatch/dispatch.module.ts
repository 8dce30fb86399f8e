import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { MediaModule } from '../media/media.module';
import { PublishersModule } from '../publishers/publishers.module';
import { BreakersService } from './breakers.service';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';
import { DispatchGate } from './dispatch-gate';
import { DispatchMetrics } from './dispatch.metrics';
import { DispatchStoreModule } from './dispatch-store.module';
import { Dispatcher } from './dispatcher';
import { MissedDeliveriesService } from './missed-deliveries.service';

@Module({
  imports: [DispatchStoreModule, ChannelsModule, PublishersModule, MediaModule],
  controllers: [DeliveriesController],
  providers: [Dispatcher, DispatchGate, DispatchMetrics, DeliveriesService, BreakersService, MissedDeliveriesService],
  exports: [Dispatcher, DispatchGate, BreakersService],
})
export class DispatchModule {}
