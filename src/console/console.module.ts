// Serves the web console (dist/web, built by `npm run build:web`) at /, with a history fallback to index.html
// that never answers for the API, the docs, health or metrics. Hashed assets are cached for a year, index.html never,
// so a new release is picked up on the next navigation.
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Env } from '../config/env';

/** Paths the console's fallback must leave to the service (path-to-regexp 8 syntax). */
export const CONSOLE_EXCLUDED = [
  '/api',
  '/api/{*rest}',
  '/docs',
  '/docs/{*rest}',
  '/docs-json',
  '/health',
  '/health/{*rest}',
  '/metrics',
  // A chunk that is not there must be a 404, not index.html parsed as JavaScript.
  '/assets/{*rest}',
];

export function consoleDirectory(env: Pick<Env, 'CONSOLE_DIR'>): string {
  return resolve(env.CONSOLE_DIR);
}

export function cacheHeaders(res: Response, path: string): void {
  const assets = `${sep}assets${sep}`;
  res.setHeader('Cache-Control', path.includes(assets) ? 'public, max-age=31536000, immutable' : 'no-cache');
}

@Module({})
export class ConsoleModule {
  static forRoot(env: Env): DynamicModule {
    const rootPath = consoleDirectory(env);
    if (!existsSync(join(rootPath, 'index.html'))) {
      new Logger('Console').warn(`The web console is not built (no ${join(rootPath, 'index.html')}): run npm run build:web`);
      return { module: ConsoleModule };
    }
    return {
      module: ConsoleModule,
      imports: [
        ServeStaticModule.forRoot({
          rootPath,
          exclude: CONSOLE_EXCLUDED,
          serveStaticOptions: { index: false, fallthrough: true, setHeaders: cacheHeaders },
        }),
      ],
    };
  }
}
