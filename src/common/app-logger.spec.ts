import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { AppLogger } from './app-logger';
import { assignRequestId, httpLoggerOptions } from './logging';

describe('AppLogger', () => {
  let lines: Record<string, unknown>[];
  let logger: AppLogger;
  let server: Server;

  beforeEach(async () => {
    lines = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done): void {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>));
        done();
      },
    });
    logger = new AppLogger(httpLoggerOptions('debug'), destination);
    server = createServer((req, res) =>
      assignRequestId(req as Parameters<typeof assignRequestId>[0], res, () =>
        logger.middleware(req, res, () => {
          // As a service would, through Nest's Logger: (object, message, context) and (message, context).
          logger.warn({ deliveryId: 'd-1', channel: { accessToken: 'secret-token' } }, 'Send refused', 'DispatchService');
          setImmediate(() => {
            logger.log('Later in the same request', 'PostsService');
            res.end('ok');
          });
        }),
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("writes each line a request causes with that request's id, its context and fields, secrets redacted", async () => {
    const { port } = server.address() as AddressInfo;
    await fetch(`http://127.0.0.1:${port}/api/posts?token=abc`, { headers: { 'x-request-id': 'trace-42' } });

    expect(lines).toEqual([
      expect.objectContaining({ level: 40, reqId: 'trace-42', context: 'DispatchService', deliveryId: 'd-1', channel: { accessToken: '[redacted]' }, msg: 'Send refused' }),
      expect.objectContaining({ level: 30, reqId: 'trace-42', context: 'PostsService', msg: 'Later in the same request' }),
      expect.objectContaining({ level: 30, reqId: 'trace-42', req: expect.objectContaining({ id: 'trace-42', method: 'GET', path: '/api/posts' }), res: { statusCode: 200 } }),
    ]);
  });

  it('writes lines outside a request without a request id, and an error with its stack', () => {
    logger.error(new Error('Tick failed'), 'Dispatcher');
    logger.error('Unhandled', 'Error: boom\n    at somewhere (file.ts:1:1)', 'ExceptionsHandler');
    logger.debug('Quiet detail');

    expect(lines).toEqual([
      expect.objectContaining({ level: 50, context: 'Dispatcher', err: expect.objectContaining({ message: 'Tick failed', stack: expect.stringContaining('Error: Tick failed') }) }),
      expect.objectContaining({ level: 50, context: 'ExceptionsHandler', err: expect.objectContaining({ message: 'Unhandled', stack: 'Error: boom\n    at somewhere (file.ts:1:1)' }) }),
      expect.objectContaining({ level: 20, msg: 'Quiet detail' }),
    ]);
    expect(lines.every((line) => !('reqId' in line))).toBe(true);
  });
});
