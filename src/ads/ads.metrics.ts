// What operators watch of paid media: pauses not yet confirmed by the platform, cap pauses, platform calls.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { Metrics } from '../metrics/metrics';

@Injectable()
export class AdsMetrics {
  readonly capPauses: Counter<'platform' | 'cap'>;
  readonly platformCalls: Counter<'platform' | 'outcome'>;
  readonly driftRepauses: Counter<'platform'>;

  constructor(metrics: Metrics, @InjectDataSource() dataSource: DataSource) {
    this.capPauses = metrics.counter('holdfast_ad_cap_pauses_total', 'Campaigns paused because a budget cap was reached', ['platform', 'cap']);
    this.platformCalls = metrics.counter('holdfast_ad_status_changes_total', 'Pause and resume attempts on ad platforms by outcome', ['platform', 'outcome']);
    this.driftRepauses = metrics.counter('holdfast_ad_drift_repauses_total', 'Campaigns found active on the platform while held paused, and re-paused', ['platform']);
    new Gauge({
      name: 'holdfast_ad_pauses_unconfirmed',
      help: 'Campaigns whose pause the platform has not confirmed by a read-back yet (read from the database at scrape time)',
      labelNames: ['platform'],
      registers: [metrics.registry],
      async collect(): Promise<void> {
        const rows = await dataSource.query<{ platform: string; n: string }[]>(
          `SELECT platform, count(*) AS n FROM campaigns WHERE target_status = 'paused' GROUP BY platform`,
        );
        this.reset();
        for (const row of rows) {
          this.set({ platform: row.platform }, Number(row.n));
        }
      },
    });
  }
}
