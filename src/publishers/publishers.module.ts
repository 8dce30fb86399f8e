import { Module } from '@nestjs/common';
import { PUBLISHERS, type Publisher } from './publisher.port';
import { PublisherRegistry } from './publisher.registry';
import { MastodonPublisher } from './mastodon/mastodon.publisher';
import { XPublisher } from './x/x.publisher';
import { LinkedInPublisher } from './linkedin/linkedin.publisher';
import { FacebookPublisher } from './facebook/facebook.publisher';
import { InstagramPublisher } from './instagram/instagram.publisher';

@Module({
  providers: [
    XPublisher,
    MastodonPublisher,
    FacebookPublisher,
    InstagramPublisher,
    LinkedInPublisher,
    // Each new adapter is added here, in the provider list and in `inject`.
    { provide: PUBLISHERS, inject: [XPublisher, MastodonPublisher, FacebookPublisher, InstagramPublisher, LinkedInPublisher], useFactory: (...publishers: Publisher[]): Publisher[] => publishers },
    PublisherRegistry,
  ],
  exports: [PublisherRegistry],
})
export class PublishersModule {}
