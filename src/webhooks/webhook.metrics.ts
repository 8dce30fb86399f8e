// What operators watch: how webhook attempts end, how long receivers take, and what waits to be sent.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { Metrics } from '../metrics/metrics';

export type WebhookAttemptResult = 'delivered' | 'retried' | 'failed' | 'gone';

@Injectable()
export class WebhookMetrics {
  readonly attempts: Counter<'outcome'>;
  readonly duration: Histogram;
  readonly inFlight: Gauge;
  readonly recordBatch: Histogram;

  constructor(metrics: Metrics, @InjectDataSource() dataSource: DataSource) {
    this.attempts = metrics.counter(
      'holdfast_webhook_deliveries_total',
      'Webhook attempts by outcome: delivered, retried (will try again), failed (for good), gone (410: webhook disabled)',
      ['outcome'],
    );
    this.inFlight = metrics.gauge('holdfast_webhook_sends_in_flight', 'Webhook requests in flight in this instance');
    this.duration = new Histogram({
      name: 'holdfast_webhook_request_duration_seconds',
      help: 'Time from sending a webhook request to its answer or failure',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics.registry],
    });
    this.recordBatch = new Histogram({
      name: 'holdfast_webhook_attempt_batch_size',
      help: 'Webhook attempts recorded per statement (those finishing while the previous batch was written go in the next)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 500],
      registers: [metrics.registry],
    });
    new Gauge({
      name: 'holdfast_webhook_deliveries',
      help: 'Webhook deliveries waiting (pending) or being sent (sending), read from the database at scrape time',
      labelNames: ['state'],
      registers: [metrics.registry],
      async collect(): Promise<void> {
        const rows = await dataSource.query<{ state: string; n: string }[]>(`SELECT s.state, (SELECT count(*) FROM webhook_deliveries d WHERE d.state = s.state) AS n
             FROM unnest(ARRAY['pending', 'sending']) AS s(state)`);
        this.reset();
        for (const row of rows) {
          this.set({ state: row.state }, Number(row.n));
        }
      },
    });
  }
}
