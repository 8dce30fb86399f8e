// Refreshes channel tokens ahead of their expiry, once per cluster, so that a send rarely meets an expired token.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Env } from '../config/env';
import { PublishError, refreshesAhead } from '../publishers/publisher.port';
import { PublisherRegistry } from '../publishers/publisher.registry';
import { markNeedsReauth } from './channel-status';
import { ChannelsService } from './channels.service';
import type { Platform } from './platform';

const EVERY_MS = 60_000;
/** Advisory lock key: one instance of the cluster runs the job at a time. */
const REFRESH_LOCK = 7_950_900;
/** Renewals in flight at once (each holds its channel's lock through the platform's answer). */
const CONCURRENCY = 4;

export interface RefreshOutcome {
  channelId: string;
  outcome: 'refreshed' | 'not_expiring' | 'needs_reauth' | 'retry_later';
}

@Injectable()
export class TokenRefresher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TokenRefresher.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Env, true>,
    private readonly channels: ChannelsService,
    private readonly publishers: PublisherRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'Could not refresh tokens ahead of their expiry'))
        .finally(() => (this.running = undefined));
    }, EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run of the job, unless another instance is running it (a session lock held on one connection meanwhile). */
  async runOnce(): Promise<RefreshOutcome[] | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [lock] = (await runner.query('SELECT pg_try_advisory_lock($1) AS ok', [REFRESH_LOCK])) as { ok: boolean }[];
      if (!lock.ok) {
        return null;
      }
      try {
        return await this.refreshExpiring();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [REFRESH_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  /** Every active channel whose credentials carry an expiry and a refresh token, renewed if they expire soon. */
  async refreshExpiring(): Promise<RefreshOutcome[]> {
    const rows = await this.dataSource.query<{ id: string; platform: Platform; handle: string }[]>(
      `SELECT id, platform, handle FROM channels
        WHERE deleted_at IS NULL AND status = 'active' AND credential_fields @> ARRAY['expiresAt', 'refreshToken']::text[]
        ORDER BY id`,
    );
    const outcomes: RefreshOutcome[] = [];
    const queue = [...rows];
    const worker = async (): Promise<void> => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        outcomes.push({ channelId: row.id, outcome: await this.refreshChannel(row) });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return outcomes;
  }

  /** One channel: through the same single-flight renewal a send uses, so the two never redeem one refresh token twice. */
  async refreshChannel(channel: { id: string; platform: Platform; handle: string }): Promise<RefreshOutcome['outcome']> {
    if (!this.publishers.has(channel.platform)) {
      return 'not_expiring';
    }
    const publisher = this.publishers.get(channel.platform);
    if (!refreshesAhead(publisher)) {
      return 'not_expiring';
    }
    try {
      const renewed = await publisher.refreshAhead({
        channel,
        credentials: await this.channels.credentialsOf(channel.id),
        withinMs: this.config.get('TOKEN_REFRESH_AHEAD_MINUTES', { infer: true }) * 60_000,
        renewCredentials: (renewal) => this.channels.renewCredentials(channel.id, renewal),
        signal: AbortSignal.timeout(30_000),
      });
      return renewed ? 'refreshed' : 'not_expiring';
    } catch (error) {
      if (error instanceof PublishError && error.failure.kind === 'auth_expired') {
        const reason = error.failure.reason;
        await this.dataSource.transaction((manager) => markNeedsReauth(manager, [{ channelId: channel.id, reason }]));
        this.logger.warn({ channelId: channel.id, platform: channel.platform }, 'The platform refused to refresh the token: the channel needs to be reconnected');
        return 'needs_reauth';
      }
      const reason = error instanceof PublishError ? error.failure.reason : error instanceof Error ? error.message : String(error);
      this.logger.warn({ channelId: channel.id, platform: channel.platform, reason }, 'Could not refresh a token ahead of its expiry; the next run or send tries again');
      return 'retry_later';
    }
  }
}
