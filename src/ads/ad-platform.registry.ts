// Picks the adapter for an ad platform from those registered under AD_PLATFORM_ADAPTERS.
import { Inject, Injectable } from '@nestjs/common';
import type { AdPlatform } from './ad-platform';
import { AD_PLATFORM_ADAPTERS, type AdPlatformAdapter } from './ad-platform.port';

@Injectable()
export class AdPlatformRegistry {
  private readonly byPlatform = new Map<AdPlatform, AdPlatformAdapter>();

  constructor(@Inject(AD_PLATFORM_ADAPTERS) adapters: AdPlatformAdapter[]) {
    for (const adapter of adapters) {
      if (this.byPlatform.has(adapter.platform)) {
        throw new Error(`Two ad adapters are registered for platform ${adapter.platform}`);
      }
      this.byPlatform.set(adapter.platform, adapter);
    }
  }

  get(platform: AdPlatform): AdPlatformAdapter {
    const adapter = this.byPlatform.get(platform);
    if (!adapter) {
      throw new Error(`No ad adapter is registered for platform ${platform}`);
    }
    return adapter;
  }
}
