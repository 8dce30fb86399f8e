// The service's log: pino JSON lines through Nest's LoggerService, each line a request causes carrying that request's id.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import type { DestinationStream, Logger as Pino } from 'pino';
import { pinoHttp, type HttpLogger, type Options } from 'pino-http';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's own start-up chatter: a line per module initialised and per route mapped (some 200 in all) says nothing
 * a person starting the service needs, so it is debug; its warnings and errors keep their level.
 */
const FRAMEWORK_CHATTER = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * What nestjs-pino did for us, in the few lines we use (its v5 requires Node 22.12, we run on 20.19):
 * one pino-http instance logs every answered request and gives each request a child logger bound to
 * its id; calls through Nest's Logger made while serving the request write through that child.
 */
export class AppLogger implements LoggerService {
  private readonly http: HttpLogger;
  private readonly current = new AsyncLocalStorage<Pino>();

  constructor(options: Options, destination?: DestinationStream) {
    this.http = destination ? pinoHttp(options, destination) : pinoHttp(options);
  }

  /** Express middleware: logs the request once answered; the rest of its handling logs through its logger. */
  readonly middleware = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    this.http(req, res);
    this.current.run((req as IncomingMessage & { log: Pino }).log, next);
  };

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /**
   * Nest's Logger passes the context (the class name) last: `logger.error({ err, deliveryId }, 'why')`
   * arrives as (object, 'why', 'FailoverService'). Nest's own exception handlers pass a stack as a string.
   */
  private write(given: Level, message: unknown, params: unknown[]): void {
    const logger = this.current.getStore() ?? this.http.logger;
    const fields: Record<string, unknown> = {};
    let rest = params;
    if (params.length > 0) {
      fields.context = params[params.length - 1];
      rest = params.slice(0, -1);
    }
    const level = given === 'info' && FRAMEWORK_CHATTER.has(fields.context as string) ? 'debug' : given;
    if (message instanceof Error) {
      logger[level]({ ...fields, err: message }, ...(rest as [string?]));
    } else if (typeof message === 'object' && message !== null) {
      logger[level]({ ...fields, ...message }, ...(rest as [string?]));
    } else if (level === 'error' && rest.length === 1 && typeof rest[0] === 'string' && /\n\s*at /.test(rest[0])) {
      const err = new Error(String(message));
      err.stack = rest[0];
      logger[level]({ ...fields, err });
    } else {
      logger[level](fields, String(message), ...rest);
    }
  }
}
