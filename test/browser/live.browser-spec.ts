// The console follows the service live: a crisis activated through the API on one instance reaches a
// console connected to another, and a console whose stream was cut shows what it missed once it is back.
import type { Browser } from 'playwright-core';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage } from '../support/browser';
import { TcpProxy } from '../support/tcp-proxy';
import type { Caller } from '../support/test-app';

jest.setTimeout(120_000);

describe('Live console', () => {
  let a: ConsoleApp;
  let b: ConsoleApp;
  let proxy: TcpProxy;
  let browser: Browser;
  let lead: Caller;

  beforeAll(async () => {
    [a, browser] = await Promise.all([ConsoleApp.start(), launchBrowser()]);
    b = await ConsoleApp.start({ sameDatabaseAs: a.app });
    proxy = await TcpProxy.start(b.port);
    lead = await a.app.member('crisis_lead');
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await b?.app.close();
    await a?.app.close();
  });

  it('shows an activation made on instance A to a console on instance B within 2 s, and after a cut stream, what it missed', async () => {
    const { page, context } = await signedInPage(browser, a, 'marketer', { baseUrl: proxy.url });
    const status = page.getByTestId('live-status');
    await status.filter({ hasText: /^Live$/ }).waitFor({ timeout: 15_000 });
    const banner = page.getByTestId('crisis-banner');
    expect(await banner.count()).toBe(0);

    await lead.post('/api/crisis/activate', { reason: 'Live console test', level: 1 }).expect(201);
    const answered = Date.now();
    await banner.waitFor({ state: 'visible', timeout: 2_000 });
    const tookMs = Date.now() - answered;
    expect(tookMs).toBeLessThanOrEqual(2_000);
    await screenshot(page, 'live-banner-on-second-instance');
    await checkA11y(page, 'live indicator with the crisis banner');

    // The stream drops mid-crisis: the header says so, and the crisis ends meanwhile.
    proxy.cut();
    await status.filter({ hasText: 'Reconnecting…' }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'live-reconnecting');
    await lead.post('/api/crisis/deactivate', { note: 'ended while the console was cut off' }).expect(200);
    expect(await banner.isVisible()).toBe(true); // nothing reached it yet

    proxy.restore();
    await status.filter({ hasText: /^Live$/ }).waitFor({ timeout: 20_000 });
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    await context.close();
  });
});
