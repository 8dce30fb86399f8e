// Picks the publisher for a channel's platform from the adapters registered under PUBLISHERS.
import { Inject, Injectable } from '@nestjs/common';
import type { Platform } from '../channels/platform';
import { PUBLISHERS, type Publisher } from './publisher.port';

@Injectable()
export class PublisherRegistry {
  private readonly byPlatform: ReadonlyMap<Platform, Publisher>;

  constructor(@Inject(PUBLISHERS) publishers: Publisher[]) {
    const byPlatform = new Map<Platform, Publisher>();
    for (const publisher of publishers) {
      // Two adapters for one platform is a wiring mistake: fail at boot, not on some later send.
      if (byPlatform.has(publisher.platform)) {
        throw new Error(`Two publishers are registered for platform ${publisher.platform}`);
      }
      byPlatform.set(publisher.platform, publisher);
    }
    this.byPlatform = byPlatform;
  }

  has(platform: Platform): boolean {
    return this.byPlatform.has(platform);
  }

  get(platform: Platform): Publisher {
    const publisher = this.byPlatform.get(platform);
    if (!publisher) {
      throw new Error(`No publisher exists yet for platform ${platform}`);
    }
    return publisher;
  }
}
