// What operators and integrators see: health, metrics, API docs, request ids, hardening, bad input.
import request from 'supertest';
import { declaredRoutes } from './support/routes';
import { TestApp } from './support/test-app';
import { testDatabaseInfo, withAdminClient } from './support/test-database';

describe('operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ env: { BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(() => t.close());

  it('reports health with the database, without a key', async () => {
    const res = await t.anonymous.get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('answers 503 on /health when the database refuses connections', async () => {
    const broken = await TestApp.start();
    const name = new URL(broken.env.DATABASE_URL!).pathname.slice(1);
    const admin = (sql: string): Promise<unknown> => withAdminClient(testDatabaseInfo().adminUrl, (c) => c.query(sql));
    try {
      await admin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
      const res = await broken.anonymous.get('/health');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    } finally {
      await admin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await broken.close().catch(() => undefined);
    }
  });

  it('exposes Prometheus metrics with the HTTP latency histogram and domain metrics', async () => {
    await t.admin.get('/api/channels').expect(200);
    const res = await t.anonymous.get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(/holdfast_http_request_duration_seconds_bucket\{[^}]*route="\/api\/channels"[^}]*\}/);
    expect(res.text).toContain('holdfast_audit_events_total');
    expect(res.text).toMatch(/holdfast_api_key_authentications_total\{outcome="accepted"\} \d+/);
    expect(res.text).toContain('holdfast_process_cpu_seconds_total');
  });

  it('documents every route and every DTO field in OpenAPI at /docs', async () => {
    await t.anonymous.get('/docs').expect(200);
    const res = await t.anonymous.get('/docs-json').expect(200);
    const doc = res.body as {
      paths: Record<string, Record<string, { summary?: string; security?: unknown[]; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
    };
    for (const route of declaredRoutes(t.app)) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      expect({ route: `${route.method} ${route.path}`, documented: Boolean(operation?.summary) }).toEqual({
        route: `${route.method} ${route.path}`,
        documented: true,
      });
      if (!route.isPublic) {
        // Either credential: an API key, or a console session's cookie.
        expect(operation.security).toEqual([{ bearer: [] }, { holdfast_session: [] }]);
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
      }
    }
    for (const [schema, { properties }] of Object.entries(doc.components.schemas)) {
      for (const [field, definition] of Object.entries(properties ?? {})) {
        const typed = ['type', '$ref', 'allOf', 'oneOf', 'enum'].some((k) => k in definition);
        expect({ field: `${schema}.${field}`, typed }).toEqual({ field: `${schema}.${field}`, typed: true });
      }
    }
    expect(doc.components.schemas.CreateChannelDto.properties).toHaveProperty('credentials');
  });

  it('tags each answer and log line with a request id, keeping a sane one from the caller', async () => {
    const generated = await t.anonymous.get('/health').expect(200);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await t.anonymous.get('/health').set('X-Request-Id', 'trace-123').expect(200);
    expect(kept.headers['x-request-id']).toBe('trace-123');
    const hostile = await t.anonymous.get('/health').set('X-Request-Id', 'a b <script>').expect(200);
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends hardening headers (helmet)', async () => {
    const res = await t.anonymous.get('/health').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // The console's policy: its own scripts only (no inline or injected ones), no plugins, never framed by
    // another site (clickjacking), forms posting only back to the service, images from itself or data URLs.
    const directives = Object.fromEntries(
      String(res.headers['content-security-policy'])
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name, ...sources]) => [name, sources]),
    );
    expect(directives).toEqual({
      'default-src': ["'self'"],
      'base-uri': ["'self'"],
      'font-src': ["'self'", 'https:', 'data:'],
      'form-action': ["'self'"],
      'frame-ancestors': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'object-src': ["'none'"],
      'script-src': ["'self'"],
      'script-src-attr': ["'none'"],
      'style-src': ["'self'", 'https:', "'unsafe-inline'"],
      'upgrade-insecure-requests': [],
    });
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  describe('bad input gets a clear 4xx, never a 5xx', () => {
    it('malformed JSON', async () => {
      const res = await t.admin.post('/api/members', '{"name": "Ana", roles: [').expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, message: 'Malformed JSON body', requestId: res.headers['x-request-id'] });
    });

    it('a body over the size limit', async () => {
      const res = await t.admin.post('/api/members', { name: 'x'.repeat(4000), roles: ['viewer'] }).expect(413);
      expect(res.body.message).toBe('Body larger than the limit of 2048 bytes');
    });

    it('a JSON array or scalar instead of an object', async () => {
      await t.admin.post('/api/members', '[{"name":"a","roles":["viewer"]}]').expect(400);
      await t.admin.post('/api/members', '"hello"').expect(400);
    });

    it('unknown fields, wrong types, bad enums', async () => {
      const unknown = await t.admin.post('/api/members', { name: 'A', roles: ['viewer'], isAdmin: true }).expect(400);
      expect(unknown.body.message).toContain('property isAdmin should not exist');
      const wrongType = await t.admin.post('/api/members', { name: ['A'], roles: 'viewer' }).expect(400);
      expect(wrongType.body.message).toMatch(/name must be a string/);
      expect(wrongType.body.message).toMatch(/roles must be an array/);
      const badRole = await t.admin.post('/api/members', { name: 'A', roles: ['owner'] }).expect(400);
      expect(badRole.body.message).toContain('each of roles must be one of admin, marketer, approver, crisis_lead, viewer');
      const prototype = await t.admin.post('/api/members', '{"name":"A","roles":["viewer"],"__proto__":{"roles":["admin"]}}');
      expect(prototype.status).toBeLessThan(500);
      if (prototype.status === 201) {
        expect(prototype.body.member.roles).toEqual(['viewer']);
      }
    });

    it('invalid UUIDs in paths', async () => {
      const res = await t.admin.get('/api/members/not-a-uuid').expect(400);
      expect(res.body.message).toBe('id must be a UUID');
      await t.admin.delete("/api/channels/1' OR '1'='1").expect(400);
    });

    it('unknown routes', async () => {
      const res = await t.admin.get('/api/nothing-here').expect(404);
      expect(res.body.statusCode).toBe(404);
    });
  });
});

describe('request throttling', () => {
  it('answers 429 past the per-minute limit, but never on health', async () => {
    const t = await TestApp.start({ env: { THROTTLE_PER_MINUTE: '5' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        statuses.push((await t.admin.get('/api/members/me')).status);
      }
      expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
      expect(statuses.slice(-1)).toEqual([429]);
      const limited = await request(t.app.getHttpServer()).get('/api/members/me');
      expect(limited.status).toBe(429);
      expect(limited.body.message).toMatch(/Too many requests/);
      await t.anonymous.get('/health').expect(200);
    } finally {
      await t.close();
    }
  });
});
