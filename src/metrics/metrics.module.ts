import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { Metrics } from './metrics';
import { MetricsListener } from './metrics-listener';

@Global()
@Module({ controllers: [MetricsController], providers: [Metrics, MetricsListener], exports: [Metrics] })
export class MetricsModule {}
