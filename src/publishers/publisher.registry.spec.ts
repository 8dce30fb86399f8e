import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { CommonModule } from '../common/common.module';
import { validateEnv } from '../config/env';
import type { Publisher } from './publisher.port';
import { PublisherRegistry } from './publisher.registry';
import { PublishersModule } from './publishers.module';
import { XPublisher } from './x/x.publisher';

const adapter = (platform: Publisher['platform']): Publisher => ({
  platform,
  idempotentSends: false,
  publish: () => Promise.reject(new Error('not in this test')),
  verify: () => Promise.reject(new Error('not in this test')),
});

describe('PublisherRegistry', () => {
  it('gives the adapter registered for a platform', () => {
    const mastodon = adapter('mastodon');
    const registry = new PublisherRegistry([adapter('x'), mastodon]);

    expect(registry.get('mastodon')).toBe(mastodon);
    expect(registry.has('mastodon')).toBe(true);
  });

  it('says clearly when a platform has no adapter yet', () => {
    const registry = new PublisherRegistry([adapter('x')]);

    expect(registry.has('telegram')).toBe(false);
    expect(() => registry.get('telegram')).toThrow('No publisher exists yet for platform telegram');
  });

  it('refuses two adapters for one platform', () => {
    expect(() => new PublisherRegistry([adapter('x'), adapter('x')])).toThrow('Two publishers are registered for platform x');
  });

  it('is wired by PublishersModule with the X adapter', async () => {
    const env = validateEnv({ X_API_URL: 'http://127.0.0.1:9' });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, ignoreEnvVars: true, skipProcessEnv: true, load: [() => ({ ...env })] }),
        CommonModule,
        PublishersModule,
      ],
    }).compile();

    expect(moduleRef.get(PublisherRegistry).get('x')).toBeInstanceOf(XPublisher);
    await moduleRef.close();
  });
});
