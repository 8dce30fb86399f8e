// The scheduled work of the controller: sync and caps, the reconciler of pause orders, retries of unconfirmed changes.
// Each runs once per cluster: a run takes pg_try_advisory_lock and an instance that cannot get it skips its turn.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { Clock } from '../common/clock';
import type { Env } from '../config/env';
import { AdAccount } from './ad-account.entity';
import { BudgetCapsService } from './budget-caps.service';
import { CampaignControlService } from './campaign-control.service';
import { CampaignSyncService } from './campaign-sync.service';
import { StatusEnforcer } from './status-enforcer';

/** Lock class for pg_try_advisory_lock(class, hashtext(job)). */
const ADS_JOB_LOCK_CLASS = 7_061_004;
/** How long a job waits for confirmations before leaving them to the retry job. */
const JOB_CONFIRM_MS = 10_000;

export type AdsJob = 'ads-sync' | 'ads-reconcile' | 'ads-retry';

@Injectable()
export class AdsJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AdsJobs.name);
  private readonly running = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Env, true>,
    private readonly scheduler: SchedulerRegistry,
    private readonly sync: CampaignSyncService,
    private readonly caps: BudgetCapsService,
    private readonly control: CampaignControlService,
    private readonly enforcer: StatusEnforcer,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const every = (job: AdsJob, ms: number, run: () => Promise<boolean>): void => {
      this.scheduler.addInterval(job, setInterval(() => this.track(run()), ms));
    };
    every('ads-sync', this.config.get('ADS_SYNC_INTERVAL_MS', { infer: true }), () => this.syncAll());
    every('ads-reconcile', this.config.get('ADS_RECONCILE_INTERVAL_MS', { infer: true }), () => this.reconcile());
    every('ads-retry', this.config.get('ADS_RETRY_INTERVAL_MS', { infer: true }), () => this.retryPending());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const job of ['ads-sync', 'ads-reconcile', 'ads-retry'] as const) {
      if (this.scheduler.doesExist('interval', job)) {
        this.scheduler.deleteInterval(job);
      }
    }
    await Promise.allSettled([...this.running]);
  }

  /** Syncs every connected account, then pauses what is over a cap and re-pauses what drifted. */
  syncAll(): Promise<boolean> {
    return this.exclusive('ads-sync', async () => {
      const accounts = await this.dataSource.getRepository(AdAccount).find({ where: { deletedAt: IsNull() }, order: { id: 'ASC' } });
      const toDrive: string[] = [];
      for (const account of accounts) {
        toDrive.push(...(await this.sync.syncAccount(account.id)).drifted);
      }
      for (const workspaceId of new Set(accounts.map((a) => a.workspaceId))) {
        toDrive.push(...(await this.caps.enforce(workspaceId)));
      }
      await this.enforcer.drive(toDrive, this.clock.now().getTime() + JOB_CONFIRM_MS);
    });
  }

  /**
   * One reconciler cycle: for each live pause order, reads its scope's campaigns from the platforms,
   * re-pauses those found running (drift, audited) and pauses untagged ones that run in scope.
   */
  reconcile(): Promise<boolean> {
    return this.exclusive('ads-reconcile', async () => {
      const orders = await this.control.liveOrders();
      const toDrive: string[] = [];
      const synced = new Map<string, string | null>();
      for (const order of orders) {
        // One order whose platform is down must not keep the others from being enforced: each is tried on its own,
        // and what stopped it is kept on the order (GET /api/pause-orders) until an attempt succeeds.
        try {
          const accounts = await this.dataSource.getRepository(AdAccount).find({ where: { workspaceId: order.workspaceId, deletedAt: IsNull() } });
          const problems: string[] = [];
          for (const account of accounts.filter((a) => order.platforms.length === 0 || order.platforms.includes(a.platform))) {
            if (!synced.has(account.id)) {
              const result = await this.sync.syncAccount(account.id);
              toDrive.push(...result.drifted);
              synced.set(account.id, result.error);
            }
            const problem = synced.get(account.id);
            if (problem) {
              problems.push(`${account.platform} ad account ${account.name}: ${problem}`);
            }
          }
          toDrive.push(...(await this.control.enforceOrder(order)));
          await this.control.noteAttempt(order.workspaceId, order.reason, problems.length > 0 ? problems.join('; ') : null);
        } catch (error) {
          this.logger.warn({ err: error, pauseOrderId: order.id }, 'Enforcing a pause order failed; retried next cycle');
          await this.control.noteAttempt(order.workspaceId, order.reason, error instanceof Error ? error.message : String(error));
        }
      }
      await this.enforcer.drive([...new Set(toDrive)], this.clock.now().getTime() + JOB_CONFIRM_MS);
    });
  }

  /** One attempt at every unconfirmed pause or resume whose retry is due. */
  retryPending(): Promise<boolean> {
    return this.exclusive('ads-retry', async () => {
      const due = await this.enforcer.due();
      if (due.length > 0) {
        await this.enforcer.drive(due, this.clock.now().getTime());
      }
    });
  }

  /** Runs `work` if no instance of the cluster is running this job; answers whether it ran. */
  private async exclusive(job: AdsJob, work: () => Promise<void>): Promise<boolean> {
    if (this.stopping) {
      return false;
    }
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const rows = (await runner.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [ADS_JOB_LOCK_CLASS, job])) as { locked: boolean }[];
      const locked = rows[0]?.locked === true;
      if (!locked) {
        return false;
      }
      try {
        await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, hashtext($2))', [ADS_JOB_LOCK_CLASS, job]);
      }
      return true;
    } catch (error) {
      this.logger.error({ err: error }, `Ads job ${job} failed`);
      return false;
    } finally {
      await runner.release();
    }
  }

  private track(run: Promise<unknown>): void {
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }
}
