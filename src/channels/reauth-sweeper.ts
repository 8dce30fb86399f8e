// The once-per-cluster sweep of deliveries that wait for their channel to be reconnected (reconnect.ts).
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Env } from '../config/env';
import { sweepWaiting } from './reconnect';

/** Often enough that a delivery is listed as missed within a minute of its grace window's end. */
const SWEEP_MS = 30_000;
/** Advisory lock key: one instance of the cluster sweeps at a time. */
const SWEEP_LOCK = 7_950_800;

@Injectable()
export class ReauthSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReauthSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Env, true>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'Could not sweep the deliveries waiting for a reconnect'))
        .finally(() => (this.running = undefined));
    }, SWEEP_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep, unless another instance is sweeping; answers what it marked waiting and missed, by workspace. */
  sweep(): Promise<{ workspaceId: string; waiting: number; missed: number }[]> {
    return this.dataSource.transaction(async (manager) => {
      const [lock] = await manager.query<{ ok: boolean }[]>('SELECT pg_try_advisory_xact_lock($1) AS ok', [SWEEP_LOCK]);
      if (!lock.ok) {
        return [];
      }
      const swept = await sweepWaiting(manager, this.config.get('REAUTH_GRACE_MINUTES', { infer: true }));
      for (const entry of swept.filter((e) => e.missed > 0)) {
        this.logger.warn(entry, 'Deliveries missed: their channel was not reconnected within the grace window');
      }
      return swept;
    });
  }
}
