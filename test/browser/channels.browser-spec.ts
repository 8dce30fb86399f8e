// The Channels screen in a real browser against the local X fake: an admin verifies a channel and sees it connected,
// sees one the platform refuses marked as needing reconnecting, adds a channel through the form (field errors under
// the fields), sets it as another's fallback, removes one after confirming; a marketer sees the list without actions
// and the API refuses a verify anyway.
import type { Browser, Locator, Page } from 'playwright-core';
import { FakeXApi } from '../fakes/x-api';
import { waitFor } from '../support/wait';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage, type SignedIn } from '../support/browser';

jest.setTimeout(120_000);

/** Waits until the locator shows the text (a substring). */
async function shows(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}

/** Waits until nothing matches the locator. */
async function none(locator: Locator): Promise<void> {
  await waitFor(`no ${String(locator)}`, async () => (await locator.count()) === 0);
}

describe('Channels screen', () => {
  let x: FakeXApi;
  let consoleApp: ConsoleApp;
  let browser: Browser;
  let admin: SignedIn;
  let brandId: string;
  let brandCredentials: Record<string, string>;
  let staleId: string;

  async function connect(name: string, credentials: Record<string, string>): Promise<string> {
    const res = await consoleApp.app.admin.post('/api/channels', { platform: 'x', name, handle: '@holdfast_test', credentials }).expect(201);
    return (res.body as { id: string }).id;
  }

  async function openChannels(page: Page): Promise<void> {
    await page.goto('/channels');
    await page.getByRole('heading', { name: 'Channels', exact: true }).waitFor();
    await page.getByTestId('channel-row').first().waitFor();
  }

  const row = (page: Page, name: string) => page.getByTestId('channel-row').filter({ has: page.getByText(name, { exact: true }) });

  beforeAll(async () => {
    x = await FakeXApi.start();
    [consoleApp, browser] = await Promise.all([ConsoleApp.start({ env: { X_API_URL: x.url } }), launchBrowser()]);
    brandCredentials = x.oauth2Credentials();
    brandId = await connect('Brand on X', brandCredentials);
    staleId = await connect('Old X account', { authType: 'oauth2', accessToken: 'revoked-access-token' });
    admin = await signedInPage(browser, consoleApp, 'admin');
  });

  afterAll(async () => {
    await admin?.context.close();
    await browser?.close();
    await consoleApp?.close();
    await x?.close();
  });

  it('lists channels with platform, status, platform health and when each was last verified', async () => {
    const page = admin.page;
    await openChannels(page);
    const brand = row(page, 'Brand on X');
    await shows(brand.getByTestId('channel-status'), 'Active');
    await shows(brand.getByTestId('platform-health'), 'Healthy');
    await brand.getByRole('cell', { name: 'never' }).waitFor();
    await brand.getByRole('cell', { name: 'X', exact: true }).waitFor();
  });

  it("shows the platform's health: degraded while X's circuit breaker is open, healthy again once it recovers", async () => {
    // Arranged in the table the dispatcher keeps (tripping the breaker for real takes a run of failed sends); the
    // screen reads it through GET /api/platforms/health like any other state.
    await consoleApp.app.sql(
      `INSERT INTO platform_health (scope, platform, state, opened_at, retry_at, consecutive_failures, trips)
       VALUES ('platform:x', 'x', 'open', now() - interval '5 minutes', now() + interval '1 hour', 5, 1)`,
    );
    try {
      const page = admin.page;
      await openChannels(page);
      await shows(row(page, 'Brand on X').getByTestId('platform-health'), 'Degraded');
      await shows(row(page, 'Brand on X'), 'since ');
      await checkA11y(page, 'channels-degraded');
    } finally {
      await consoleApp.app.sql(`UPDATE platform_health SET state = 'closed', opened_at = NULL, retry_at = NULL WHERE scope = 'platform:x'`);
    }
    await openChannels(admin.page);
    await shows(row(admin.page, 'Brand on X').getByTestId('platform-health'), 'Healthy');
  });

  it('verifies a channel: the account it reaches in words, the last-verified time filled in', async () => {
    const page = admin.page;
    await openChannels(page);
    await page.getByRole('button', { name: 'Verify Brand on X' }).click();

    await shows(page.getByTestId('verify-outcome'), `Brand on X is connected: the credentials reach ${x.user.name} (@${x.user.username}).`);
    await none(row(page, 'Brand on X').getByRole('cell', { name: 'never' }));
    expect(x.requestsTo('GET /2/users/me').length).toBeGreaterThanOrEqual(1);
    const body = (await consoleApp.app.admin.get(`/api/channels/${brandId}`).expect(200)).body as { lastVerifiedAt: string | null };
    expect(body.lastVerifiedAt).not.toBeNull();
  });

  it('shows a channel the platform refuses as needing reconnecting, with the reason', async () => {
    const page = admin.page;
    await openChannels(page);
    await page.getByRole('button', { name: 'Verify Old X account' }).click();

    await shows(page.getByTestId('verify-outcome'), 'Old X account needs reconnecting: the platform refused the credentials');
    const stale = row(page, 'Old X account');
    await shows(stale.getByTestId('channel-status'), 'Needs reconnecting');
    await shows(stale, 'Unauthorized');
    const body = (await consoleApp.app.admin.get(`/api/channels/${staleId}`).expect(200)).body as { status: string };
    expect(body.status).toBe('needs_reauth');
  });

  it('adds a channel through the form, showing the service’s field errors under the fields first', async () => {
    const page = admin.page;
    await openChannels(page);
    await page.getByRole('button', { name: 'Add with tokens' }).click();
    const form = page.getByRole('form', { name: 'Add a channel with tokens' });
    await form.getByRole('combobox', { name: /^Platform/ }).click();
    await page.getByRole('option', { name: 'Facebook' }).click();
    await form.getByLabel(/^Name/).fill('Bakery page');
    await form.getByLabel(/^Handle/).fill('@bakery');
    await form.getByLabel(/^Page ID/).fill('not-a-number');
    await form.getByLabel(/^Page access token/).fill('some-token');
    await form.getByRole('button', { name: 'Add the channel' }).click();
    await form.getByText('pageId must be the numeric id of the Facebook Page').waitFor();
    await shows(form.getByRole('alert').first(), 'Some fields need attention');

    await form.getByRole('combobox', { name: /^Platform/ }).click();
    await page.getByRole('option', { name: 'X', exact: true }).click();
    await page.getByTestId('oauth-connect-slot').waitFor({ state: 'attached' });
    await form.getByLabel(/^Name/).fill('Backup X');
    const { accessToken } = x.oauth2Credentials();
    await form.getByLabel(/^Access token/).fill(accessToken);
    await form.getByRole('button', { name: 'Add the channel' }).click();

    await form.waitFor({ state: 'hidden' });
    await shows(row(page, 'Backup X').getByTestId('channel-status'), 'Active');
    const listed = (await consoleApp.app.admin.get('/api/channels').expect(200)).body as { name: string; credentialFields: string[] }[];
    expect(listed.find((c) => c.name === 'Backup X')).toMatchObject({ credentialFields: ['accessToken', 'authType'] });
  });

  it('edits a channel: credentials show as stored, never their values; a fallback is added and listed', async () => {
    const page = admin.page;
    await openChannels(page);
    await page.getByRole('button', { name: 'Edit Brand on X' }).click();
    const form = page.getByRole('form', { name: 'Edit Brand on X' });
    await shows(form.getByTestId('credentials-stored'), 'Stored: accessToken');
    expect(await form.getByLabel(/^Access token/).inputValue()).toBe('');
    expect(await form.getByLabel(/^Access token/).getAttribute('placeholder')).toBe('stored (unchanged)');
    expect(await page.content()).not.toContain(brandCredentials.accessToken);

    await form.getByRole('combobox', { name: /^Fallback channels/ }).click();
    await page.getByRole('option', { name: 'Backup X (X)' }).click();
    await page.keyboard.press('Escape');
    await form.getByRole('combobox', { name: /^Failover/ }).click();
    await page.getByRole('option', { name: /^Manual/ }).click();
    await form.getByRole('button', { name: 'Save' }).click();

    await form.waitFor({ state: 'hidden' });
    await shows(row(page, 'Brand on X').getByTestId('channel-fallbacks'), 'Backup X · failover manual');
    const body = (await consoleApp.app.admin.get(`/api/channels/${brandId}`).expect(200)).body as { fallbackChannelIds: string[]; failoverPolicy: string; credentialFields: string[] };
    expect(body).toMatchObject({ failoverPolicy: 'manual', credentialFields: expect.arrayContaining(['accessToken', 'refreshToken']) });
    expect(body.fallbackChannelIds).toHaveLength(1);

    await checkA11y(page, 'channels');
    await screenshot(page, 'channels');
  });

  it('removes a channel only after confirming', async () => {
    const page = admin.page;
    await openChannels(page);
    await page.getByRole('button', { name: 'Remove Old X account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove Old X account?' });
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).first().click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await row(page, 'Old X account').count()).toBe(1);

    await page.getByRole('button', { name: 'Remove Old X account' }).click();
    await page.getByRole('dialog', { name: 'Remove Old X account?' }).getByRole('button', { name: 'Remove the channel' }).click();
    await none(row(page, 'Old X account'));
    await consoleApp.app.admin.get(`/api/channels/${staleId}`).expect(404);
  });

  it('shows a marketer the channels without actions, and the API refuses what the page would send', async () => {
    const marketer = await signedInPage(browser, consoleApp, 'marketer');
    try {
      const page = marketer.page;
      await none(page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Channels' }));
      await openChannels(page);
      await shows(row(page, 'Brand on X').getByTestId('channel-status'), 'Active');
      await none(page.getByRole('button', { name: /^Verify / }));
      await none(page.getByRole('button', { name: 'Add with tokens' }));
      await none(page.getByRole('button', { name: 'Connect an account' }));
      const status = await page.evaluate(async (id) => {
        const csrf = await (await fetch('/api/auth/session')).json() as { csrfToken?: string };
        const res = await fetch(`/api/channels/${id}/verify`, { method: 'POST', headers: { 'X-CSRF-Token': csrf.csrfToken ?? '' } });
        return res.status;
      }, brandId);
      expect(status).toBe(403);
    } finally {
      await marketer.context.close();
    }
  });
});
