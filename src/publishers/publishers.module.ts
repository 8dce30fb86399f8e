import { Module } from '@nestjs/common';
import { PUBLISHERS, type Publisher } from './publisher.port';
import { PublisherRegistry } from './publisher.registry';
import { XPublisher } from './x/x.publisher';

@Module({
  providers: [
    XPublisher,
    // Each new adapter is added here, in the provider list and in `inject`.
    { provide: PUBLISHERS, inject: [XPublisher], useFactory: (...publishers: Publisher[]): Publisher[] => publishers },
    PublisherRegistry,
  ],
  exports: [PublisherRegistry],
})
export class PublishersModule {}
