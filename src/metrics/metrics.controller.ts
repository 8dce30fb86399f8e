import { Controller, Get, Headers, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { Public } from '../common/decorators';
import type { Env } from '../config/env';
import { Metrics } from './metrics';
import { METRICS_CHALLENGE, METRICS_REFUSAL, mayScrape } from './metrics-access';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  private readonly token: string | undefined;
  /** With METRICS_PORT, metrics live on that port only. */
  private readonly elsewhere: boolean;

  constructor(
    private readonly metrics: Metrics,
    config: ConfigService<Env, true>,
  ) {
    this.token = config.get('METRICS_TOKEN', { infer: true });
    this.elsewhere = config.get('METRICS_PORT', { infer: true }) !== undefined;
  }

  @Get()
  @Public()
  @SkipThrottle()
  @ApiOperation({ summary: 'Prometheus metrics', description: 'Public unless METRICS_TOKEN is set: then `Authorization: Bearer <METRICS_TOKEN>`.' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Metrics in the Prometheus text format', schema: { type: 'string' } })
  @ApiUnauthorizedResponse({ description: 'METRICS_TOKEN is set and the request does not carry it' })
  scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: Response): Promise<string> {
    if (this.elsewhere) {
      throw new NotFoundException('Metrics are served on METRICS_PORT');
    }
    if (!mayScrape(authorization, this.token)) {
      res.setHeader('WWW-Authenticate', METRICS_CHALLENGE);
      throw new UnauthorizedException(METRICS_REFUSAL);
    }
    // Set here rather than with @Header, which would also label a refusal's JSON as text.
    res.setHeader('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
    return this.metrics.registry.metrics();
  }
}
