// The audit trail in a real browser: an admin filters it (action, target, days), pages back with Older, reads a
// change as words and sees the chain check hold; a marketer has no link to it and the API refuses them.
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { waitFor } from '../support/wait';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage, type SignedIn } from '../support/browser';

jest.setTimeout(120_000);

describe('Audit trail', () => {
  let consoleApp: ConsoleApp;
  let browser: Browser;
  let admin: SignedIn;
  let webhookId: string;

  beforeAll(async () => {
    [consoleApp, browser] = await Promise.all([ConsoleApp.start({ env: { DISPATCH_ENABLED: 'false' } }), launchBrowser()]);
    admin = await signedInPage(browser, consoleApp, 'admin');
    const api = consoleApp.app.admin;
    const created = await api.post('/api/webhooks', { url: 'http://127.0.0.1:9/hooks/audit', eventTypes: ['crisis.activated'], description: 'Pager' }).expect(201);
    webhookId = created.body.id;
    // More than one page (50) of events, so Older has something to fetch.
    for (let i = 1; i <= 52; i++) {
      await api.patch(`/api/webhooks/${webhookId}`, { description: `Pager ${i}` }).expect(200);
    }
    await api.patch(`/api/webhooks/${webhookId}`, { active: false }).expect(200);
  });

  afterAll(async () => {
    await admin?.context.close();
    await browser?.close();
    await consoleApp?.close();
  });

  it('lets an admin filter the trail, page back and see the chain check hold', async () => {
    const page = admin.page;
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Audit trail' }).click();
    await page.getByRole('heading', { name: 'Audit trail', exact: true }).waitFor();

    const total = (await consoleApp.app.admin.get('/api/audit/verify').expect(200)).body.checked as number;
    expect(total).toBeGreaterThan(54);
    const check = page.getByTestId('chain-check');
    await check.getByText('Chain check: OK').waitFor();
    await check.getByText(`The chain holds: checked ${total.toLocaleString()} events, every link intact.`, { exact: false }).waitFor();

    // The first page holds 50; Older brings the rest, and then the trail's beginning is said.
    const rows = page.getByTestId('audit-event');
    const rowsAre = (count: number) => waitFor(`${count} audit events shown`, async () => (await rows.count()) === count);
    await rowsAre(50);
    await page.getByRole('button', { name: 'Older' }).click();
    await rowsAre(total);
    await page.getByText('The beginning of the trail.').waitFor();

    // One action: the switch-off, read as words.
    await page.getByLabel('Action').fill('webhook.updated');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await rowsAre(50);
    const switchedOff = rows.first();
    expect(await switchedOff.getAttribute('data-action')).toBe('webhook.updated');
    await switchedOff.getByText('yes', { exact: true }).waitFor();
    expect(await switchedOff.innerText()).toMatch(/active:\s*yes\s*→\s*no/);

    // Only the creation of that webhook: by target, within the days around today (whatever the workspace's zone).
    await page.getByLabel('Action').fill('webhook.created');
    await page.getByLabel('Target type').fill('webhook');
    await page.getByLabel('Target id').fill(webhookId);
    const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('From (day)').fill(day(-1));
    await page.getByLabel('To (day, included)').fill(day(1));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await rowsAre(1);
    expect(await rows.first().innerText()).toMatch(/description:\s*Pager/);
    await checkA11y(page, 'audit');
    await screenshot(page, 'audit');

    // Days before any event: nothing, said so.
    await page.getByLabel('From (day)').fill('2020-01-01');
    await page.getByLabel('To (day, included)').fill('2020-01-31');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No events match these filters').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    // Back to the whole trail, both pages already fetched.
    await rowsAre(total);
  });

  it('gives a marketer no link, only a sentence on /audit, and the API refuses them', async () => {
    const marketer = await signedInPage(browser, consoleApp, 'marketer');
    try {
      const nav = marketer.page.getByRole('navigation', { name: 'Sections' });
      await nav.getByRole('link', { name: 'Calendar' }).waitFor();
      expect(await nav.getByRole('link', { name: 'Audit trail' }).count()).toBe(0);
      await marketer.page.goto('/audit');
      await marketer.page.getByText('The audit trail is for admins').waitFor();
      const server = consoleApp.app.app.getHttpServer();
      const refused = await request(server).get('/api/audit').set('Authorization', `Bearer ${marketer.person.apiKey}`).expect(403);
      expect(refused.body.message).toEqual(expect.any(String));
      await request(server).get('/api/audit/verify').set('Authorization', `Bearer ${marketer.person.apiKey}`).expect(403);
    } finally {
      await marketer.context.close();
    }
  });
});
