// The service serves the console: at / on any host name over plain http, deep links fall back to index.html,
// hashed assets are cached for a year and index.html never, and the API, docs, health and metrics stay the service's.
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { checkA11y, ConsoleApp, launchBrowser, screenshot } from '../support/browser';
import { TestApp } from '../support/test-app';

describe('The console as the service serves it', () => {
  let consoleApp: ConsoleApp;
  let browser: Browser;

  beforeAll(async () => {
    [consoleApp, browser] = await Promise.all([ConsoleApp.start(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await consoleApp?.close();
  });

  it('opens on the sign-in page over http on a LAN name, loading every asset over http', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requested: string[] = [];
    const failed: string[] = [];
    page.on('request', (req) => requested.push(req.url()));
    page.on('requestfailed', (req) => failed.push(`${req.url()} ${req.failure()?.errorText ?? ''}`));
    await page.goto(`${consoleApp.lanUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to Holdfast' }).waitFor();
    expect(page.url()).toBe(`${consoleApp.lanUrl}/sign-in`);
    expect(failed).toEqual([]);
    expect(requested.filter((url) => url.startsWith('https:'))).toEqual([]);
    expect(requested.some((url) => /\/assets\/.+\.js$/.test(url))).toBe(true);
    await checkA11y(page, 'sign-in');
    await screenshot(page, 'sign-in');
    await context.close();
  });

  it('answers deep links with the console and leaves /api, /docs, /health and /metrics to the service', async () => {
    const server = consoleApp.app.app.getHttpServer();
    const deep = await request(server).get('/calendar?view=month').expect(200);
    expect(deep.headers['content-type']).toMatch(/text\/html/);
    expect(deep.text).toContain('<div id="root"></div>');
    expect(deep.headers['cache-control']).toBe('no-cache');

    const missing = await request(server).get('/api/no-such-route').expect(404);
    expect(missing.headers['content-type']).toMatch(/application\/json/);
    expect(missing.body.message).toMatch(/no-such-route/);
    await request(server).get('/api').expect(404);
    const docs = await request(server).get('/docs-json').expect(200);
    expect(docs.body.openapi).toBeDefined();
    const health = await request(server).get('/health').expect(200);
    expect(health.body.status).toBe('ok');
    const metrics = await request(server).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^# HELP/m);
  });

  it('caches hashed assets for a year and index.html not at all', async () => {
    const server = consoleApp.app.app.getHttpServer();
    const index = await request(server).get('/').expect(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index.text)?.[1];
    expect(asset).toBeDefined();
    const script = await request(server).get(asset!).expect(200);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(script.headers['content-type']).toMatch(/javascript/);
    await request(server).get('/assets/not-a-real-chunk.js').expect(404);
  });

  it('asks the browser to upgrade insecure requests only when PUBLIC_URL is https', async () => {
    const plain = await request(consoleApp.app.app.getHttpServer()).get('/').expect(200);
    expect(plain.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    expect(plain.headers['content-security-policy']).toMatch(/script-src 'self'/);
    const secure = await TestApp.start({ env: { PUBLIC_URL: 'https://holdfast.example.com' } });
    try {
      const answer = await request(secure.app.getHttpServer()).get('/').expect(200);
      expect(answer.headers['content-security-policy']).toMatch(/upgrade-insecure-requests/);
    } finally {
      await secure.close();
    }
  });
});
