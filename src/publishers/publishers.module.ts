import { Module } from '@nestjs/common';
import { PUBLISHERS, type Publisher } from './publisher.port';
import { PublisherRegistry } from './publisher.registry';
import { BlueskyPublisher } from './bluesky/bluesky.publisher';
import { MastodonPublisher } from './mastodon/mastodon.publisher';
import { TelegramPublisher } from './telegram/telegram.publisher';
import { XPublisher } from './x/x.publisher';
import { FacebookPublisher } from './facebook/facebook.publisher';
import { InstagramPublisher } from './instagram/instagram.publisher';
import { LinkedInPublisher } from './linkedin/linkedin.publisher';

@Module({
  providers: [
    XPublisher,
    MastodonPublisher,
    TelegramPublisher,
    BlueskyPublisher,
    FacebookPublisher,
    InstagramPublisher,
    LinkedInPublisher,
    // Each new adapter is added here, in the provider list and in `inject`.
    { provide: PUBLISHERS, inject: [XPublisher, MastodonPublisher, TelegramPublisher, BlueskyPublisher, FacebookPublisher, InstagramPublisher, LinkedInPublisher], useFactory: (...publishers: Publisher[]): Publisher[] => publishers },
    PublisherRegistry,
  ],
  exports: [PublisherRegistry],
})
export class PublishersModule {}
