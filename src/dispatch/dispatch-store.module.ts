import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeliveriesRepository } from './deliveries.repository';
import { Delivery } from './delivery.entity';

/** The deliveries table and its repository, shared by the calendar, approvals and the engine. */
@Module({
  imports: [TypeOrmModule.forFeature([Delivery])],
  providers: [DeliveriesRepository],
  exports: [DeliveriesRepository],
})
export class DispatchStoreModule {}
