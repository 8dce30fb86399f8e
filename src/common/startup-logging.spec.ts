import { Writable } from 'node:stream';
import { validateEnv } from '../config/env';
import { AppLogger } from './app-logger';
import { databaseLocation, httpLoggerOptions, prettyDestination, resolveLogFormat, startupLines } from './logging';

describe('start-up logging', () => {
  it('is pretty on a terminal and JSON elsewhere, unless LOG_FORMAT says', () => {
    expect(resolveLogFormat(undefined, true)).toBe('pretty');
    expect(resolveLogFormat(undefined, false)).toBe('json');
    expect(resolveLogFormat(undefined, undefined)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
    expect(validateEnv({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(validateEnv({ LOG_FORMAT: '' }).LOG_FORMAT).toBeUndefined();
    expect(() => validateEnv({ LOG_FORMAT: 'colour' })).toThrow('LOG_FORMAT must be one of pretty, json (unset: pretty on a terminal, json otherwise) (got "colour")');
  });

  it('names an external database by host, port and name, never its user or password', () => {
    expect(databaseLocation('postgres://holdfast:s3cret@db.example.com:5432/holdfast?sslmode=require&password=x')).toBe('db.example.com:5432/holdfast');
    const lines = startupLines(validateEnv({ DATABASE_URL: 'postgres://holdfast:s3cret@db.example.com:5432/holdfast', HOLDFAST_SECRET_KEY: 'ab'.repeat(32) }), false);
    const text = JSON.stringify(lines);
    expect(text).toContain('Data: PostgreSQL at db.example.com:5432/holdfast');
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('ab'.repeat(32));
    expect(lines.length).toBeLessThanOrEqual(4);
  });

  it("moves Nest's module and route chatter to debug, keeping its warnings", () => {
    const lines: { level: number; msg: string }[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done): void {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string }));
        done();
      },
    });
    const logger = new AppLogger(httpLoggerOptions('info'), destination);
    logger.log('Mapped {/api/posts, POST} route', 'RouterExplorer');
    logger.log('PostsModule dependencies initialized', 'InstanceLoader');
    logger.warn('Something Nest wants said', 'NestApplication');
    logger.log('Listening on port 3000', 'Holdfast');
    expect(lines.map((line) => line.msg)).toEqual(['Something Nest wants said', 'Listening on port 3000']);
  });

  it('writes one short line an entry when pretty', () => {
    let out = '';
    const logger = new AppLogger(httpLoggerOptions('info'), prettyDestination((text) => (out += text), false));
    logger.log({ start: { port: 3000 } }, 'Listening on port 3000', 'Holdfast');
    logger.warn({ deliveryId: 'd-1' }, 'Send refused', 'DispatchService');
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: \[Holdfast\] Listening on port 3000\n\[\d\d:\d\d:\d\d\] WARN: \[DispatchService\] Send refused \{"deliveryId":"d-1"\}\n$/);
  });
});
