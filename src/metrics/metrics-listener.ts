// METRICS_PORT: /metrics on a listen address of its own (kept off the public ingress), instead of the API's port.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createServer, type Server } from 'node:http';
import type { Env } from '../config/env';
import { Metrics } from './metrics';
import { METRICS_CHALLENGE, METRICS_REFUSAL, mayScrape } from './metrics-access';

@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsListener.name);
  private server?: Server;

  constructor(
    private readonly metrics: Metrics,
    private readonly config: ConfigService<Env, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.get('METRICS_PORT', { infer: true });
    if (port === undefined) {
      return;
    }
    const token = this.config.get('METRICS_TOKEN', { infer: true });
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method !== 'GET' || path !== '/metrics') {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ statusCode: 404, error: 'not_found', message: 'Only GET /metrics is served here' }));
        return;
      }
      if (!mayScrape(req.headers.authorization, token)) {
        res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': METRICS_CHALLENGE }).end(JSON.stringify({ statusCode: 401, error: 'unauthenticated', message: METRICS_REFUSAL }));
        return;
      }
      this.metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
        (error: unknown) => {
          this.logger.error({ err: error }, 'Metrics could not be collected');
          res.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => resolve());
    });
    this.server = server;
    this.logger.log(`Metrics served on port ${port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
