// /metrics can be closed to the public: METRICS_TOKEN (a bearer token) and/or METRICS_PORT (a listen address of its own).
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { InvalidEnvError, validateEnv } from '../src/config/env';
import { freePort } from '../src/database/free-port';
import { TestApp } from './support/test-app';

describe('metrics protection', () => {
  const token = `metrics-${randomBytes(16).toString('hex')}`;

  describe('with METRICS_TOKEN', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await TestApp.start({ env: { METRICS_TOKEN: token } });
    });
    afterAll(() => t.close());

    it('answers 401 without the token, a wrong one, or an API key, and 200 with it', async () => {
      const none = await t.anonymous.get('/metrics').expect(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(none.body.message).toBe('Metrics require Authorization: Bearer <METRICS_TOKEN>');
      expect(none.text).not.toContain('holdfast_');
      await t.withKey(`${token}x`).get('/metrics').expect(401);
      await t.withKey(token.slice(0, -1)).get('/metrics').expect(401);
      await t.admin.get('/metrics').expect(401);
      await request(t.app.getHttpServer()).get('/metrics').set('Authorization', token).expect(401);
      const ok = await t.withKey(token).get('/metrics').expect(200);
      expect(ok.headers['content-type']).toContain('text/plain');
      expect(ok.text).toContain('holdfast_http_request_duration_seconds');
      // Health stays public for load balancers.
      await t.anonymous.get('/health').expect(200);
    });
  });

  describe('with METRICS_PORT', () => {
    let t: TestApp;
    let port: number;
    beforeAll(async () => {
      port = await freePort();
      t = await TestApp.start({ env: { METRICS_PORT: String(port), METRICS_TOKEN: token } });
    });
    afterAll(() => t.close());

    it('serves /metrics on that port only, still behind the token', async () => {
      await t.withKey(token).get('/metrics').expect(404);
      const metrics = `http://127.0.0.1:${port}`;
      expect((await fetch(`${metrics}/metrics`)).status).toBe(401);
      const ok = await fetch(`${metrics}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('holdfast_process_cpu_seconds_total');
      expect((await fetch(`${metrics}/api/members/me`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(404);
      // The API's port serves the API as before.
      await t.admin.get('/api/members/me').expect(200);
    });
  });

  it('refuses a token too short to be one, without echoing it', () => {
    expect(() => validateEnv({ METRICS_TOKEN: 'short' })).toThrow(InvalidEnvError);
    expect(() => validateEnv({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be 16 to 256 printable characters without spaces$/m);
    expect(() => validateEnv({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT must be an integer port/);
  });
});
