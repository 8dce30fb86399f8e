// Builds the HTTP application exactly as it runs in production; main.ts and the tests both use it.
import { Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { AppModule, AppOptions } from './app.module';
import { SESSION_COOKIE } from './auth/session-cookie';
import { jsonBody } from './common/json-body';
import { AppLogger } from './common/app-logger';
import { assignRequestId, httpLoggerOptions, prettyDestination, resolveLogFormat } from './common/logging';
import { documentIdempotencyKey } from './idempotency/idempotency.openapi';
import { validationGroups } from './common/network-policy';
import type { Env } from './config/env';
import { Metrics } from './metrics/metrics';

export const PUBLIC_PATHS = ['health', 'metrics'];

export async function createApp(env: Env, options: AppOptions = {}): Promise<NestExpressApplication> {
  // A test's captured destination stays JSON; otherwise pretty on a terminal (or LOG_FORMAT=pretty), JSON elsewhere.
  const pretty = !options.logDestination && resolveLogFormat(env.LOG_FORMAT, process.stdout.isTTY) === 'pretty';
  const destination = pretty ? prettyDestination((text) => process.stdout.write(text), process.stdout.isTTY) : options.logDestination;
  const logger = new AppLogger(httpLoggerOptions(env.LOG_LEVEL), destination);
  // Before the modules are built: what they log while being configured goes through it too, not Nest's default printer.
  Logger.overrideLogger(logger);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), {
    bodyParser: false,
    logger,
  });
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.use(assignRequestId);
  app.use(logger.middleware);
  // upgrade-insecure-requests only where the console is reached over https: on a plain-http LAN address it would send
  // the browser to https for every asset, and the console would not load.
  const https = env.PUBLIC_URL?.startsWith('https:') ?? false;
  // Referrer-Policy same-origin, not helmet's no-referrer: under no-referrer a browser sends `Origin: null` even on
  // the console's own POSTs, and the CSRF check (an allowed Origin) would refuse every one of them.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: https ? [] : null } }, referrerPolicy: { policy: 'same-origin' } }));
  app.use(app.get(Metrics).httpTiming());
  app.use(jsonBody(env.BODY_LIMIT_BYTES));
  app.setGlobalPrefix('api', { exclude: PUBLIC_PATHS });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      stopAtFirstError: false,
      // The public-address checks of user-given URLs form a group, left out when ALLOW_PRIVATE_NETWORK=true.
      groups: validationGroups(env.ALLOW_PRIVATE_NETWORK === 'true'),
      always: true,
    }),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Holdfast')
      .setDescription('Social-media content scheduler with a crisis pause switch. Authenticate with `Authorization: Bearer <api key>`, or sign in for a `holdfast_session` cookie (changes then need `X-CSRF-Token`).')
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A Holdfast API key' })
      .addCookieAuth(SESSION_COOKIE, { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'A console session (POST /api/auth/sign-in); changes also need X-CSRF-Token' }, SESSION_COOKIE)
      .build(),
  );
  documentIdempotencyKey(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await app.init();
  return app;
}
