// What operators watch: how late sends are, how they end, and how many deliveries sit in each state.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { Metrics } from '../metrics/metrics';

@Injectable()
export class DispatchMetrics {
  readonly lateness: Histogram<'platform'>;
  readonly sends: Counter<'platform' | 'outcome'>;
  readonly inFlight: Gauge;
  readonly held: Counter;

  constructor(metrics: Metrics, @InjectDataSource() dataSource: DataSource) {
    this.lateness = new Histogram({
      name: 'holdfast_dispatch_lateness_seconds',
      help: 'Time from a delivery being due to its first send starting',
      labelNames: ['platform'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [metrics.registry],
    });
    this.sends = metrics.counter('holdfast_sends_total', 'Send attempts by platform and outcome', ['platform', 'outcome']);
    this.inFlight = metrics.gauge('holdfast_sends_in_flight', 'Sends in flight in this instance');
    this.held = metrics.counter('holdfast_deliveries_held_total', 'Deliveries that fell due during a crisis and were held');
    new Gauge({
      name: 'holdfast_deliveries',
      help: 'Deliveries by state (read from the database at scrape time)',
      labelNames: ['state'],
      registers: [metrics.registry],
      async collect(): Promise<void> {
        const rows = await dataSource.query<{ state: string; n: string }[]>('SELECT state, count(*) AS n FROM deliveries GROUP BY state');
        this.reset();
        for (const row of rows) {
          this.set({ state: row.state }, Number(row.n));
        }
      },
    });
  }
}
