// Boots the real application on a fresh database, with helpers to act as members of given roles.
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import type { Role } from '../../src/common/roles';
import { Env, validateEnv } from '../../src/config/env';
import { createTestDatabase } from './test-database';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Someone calling the API with a key: `await marketer.get('/api/channels').expect(200)`. */
export class Caller {
  constructor(
    private readonly server: ReturnType<NestExpressApplication['getHttpServer']>,
    readonly key: string | undefined,
    readonly memberId: string,
    readonly workspaceId: string,
  ) {}

  get(path: string): request.Test {
    return this.call('get', path);
  }
  post(path: string, body?: object | string): request.Test {
    return this.send(this.call('post', path), body);
  }
  put(path: string, body?: object | string): request.Test {
    return this.send(this.call('put', path), body);
  }
  patch(path: string, body?: object | string): request.Test {
    return this.send(this.call('patch', path), body);
  }
  delete(path: string): request.Test {
    return this.call('delete', path);
  }

  call(method: Method, path: string): request.Test {
    const test = request(this.server)[method](path);
    return this.key ? test.set('Authorization', `Bearer ${this.key}`) : test;
  }

  private send(test: request.Test, body: object | string | undefined): request.Test {
    if (typeof body === 'string') {
      return test.set('Content-Type', 'application/json').send(body);
    }
    return body === undefined ? test : test.send(body);
  }
}

export interface TestAppOptions {
  /** Environment variables to set on top of the test defaults. */
  env?: Record<string, string>;
  /** Keep every log line in `logs` (LOG_LEVEL defaults to debug then). */
  captureLogs?: boolean;
  /** Another instance of the service on the same database (and secret key), like a scaled-out deployment. */
  sameDatabaseAs?: TestApp;
}

export class TestApp {
  readonly logs: string[] = [];
  private counter = 0;

  private constructor(
    readonly app: NestExpressApplication,
    readonly env: Env,
    /** The first admin of the operator workspace, created on first start. */
    readonly admin: Caller,
    /** Nobody: no API key. */
    readonly anonymous: Caller,
    private readonly cleanup: () => Promise<void>,
    logs: string[],
  ) {
    this.logs = logs;
  }

  static async start(options: TestAppOptions = {}): Promise<TestApp> {
    const shared = options.sameDatabaseAs;
    const database = shared
      ? { url: shared.env.DATABASE_URL!, drop: (): Promise<void> => Promise.resolve() }
      : await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'holdfast-app-'));
    const adminKey = shared?.admin.key ?? `hf_test_admin_${randomBytes(16).toString('hex')}`;
    const env = validateEnv({
      DATABASE_URL: database.url,
      HOLDFAST_DATA_DIR: dataDir,
      HOLDFAST_SECRET_KEY: shared?.env.HOLDFAST_SECRET_KEY ?? randomBytes(32).toString('hex'),
      HOLDFAST_ADMIN_KEY: adminKey,
      LOG_LEVEL: options.captureLogs ? 'debug' : 'silent',
      THROTTLE_PER_MINUTE: '100000',
      // The fakes listen on loopback; the network policy's own tests set it to false.
      ALLOW_PRIVATE_NETWORK: 'true',
      ...options.env,
    });
    const logs: string[] = [];
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done): void {
        logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const app = await createApp(env, { logDestination: options.captureLogs ? logDestination : undefined });
    const server = app.getHttpServer();
    const me = await request(server).get('/api/members/me').set('Authorization', `Bearer ${adminKey}`).expect(200);
    const body = me.body as { id: string; workspaceId: string };
    return new TestApp(
      app,
      env,
      new Caller(server, adminKey, body.id, body.workspaceId),
      new Caller(server, undefined, '', ''),
      async () => {
        await app.close();
        await database.drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
      logs,
    );
  }

  get dataSource(): DataSource {
    return this.app.get<DataSource>(getDataSourceToken());
  }

  /** Raw SQL against the app's database, for arranging and asserting what the API cannot show. */
  sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.dataSource.query(query, params);
  }

  /** A new member of the admin's workspace holding the given roles (or of another workspace's admin). */
  async member(roles: Role | Role[], by: Caller = this.admin): Promise<Caller> {
    const list = Array.isArray(roles) ? roles : [roles];
    const res = await by
      .post('/api/members', { name: `${list.join('+')} ${++this.counter}`, roles: list })
      .expect(201);
    const body = res.body as { member: { id: string; workspaceId: string }; apiKey: { key: string } };
    return new Caller(this.app.getHttpServer(), body.apiKey.key, body.member.id, body.member.workspaceId);
  }

  /** A second workspace with its own admin: for isolation tests. */
  async otherWorkspace(name = `Other ${++this.counter}`): Promise<Caller> {
    const res = await this.admin.post('/api/workspaces', { name, adminName: `${name} admin` }).expect(201);
    const body = res.body as { admin: { id: string }; workspace: { id: string }; apiKey: { key: string } };
    return new Caller(this.app.getHttpServer(), body.apiKey.key, body.admin.id, body.workspace.id);
  }

  /** A caller holding an arbitrary key, e.g. a made-up or revoked one. */
  withKey(key: string): Caller {
    return new Caller(this.app.getHttpServer(), key, '', '');
  }

  async close(): Promise<void> {
    await this.cleanup();
  }
}
