// The Ads screen in a real browser against the local Meta Marketing API fake: campaigns with spend against their caps
// in the account currency, who or what paused them; a marketer sets caps, pauses and resumes (the fake platform sees
// both); an admin syncs and connects accounts (field errors under the fields); a viewer reads without actions and the
// API refuses a pause anyway.
import type { Browser, Locator, Page } from 'playwright-core';
import { FakeMetaMarketingApi } from '../fakes/ads/meta-marketing-api';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage, type SignedIn } from '../support/browser';
import { waitFor } from '../support/wait';

jest.setTimeout(120_000);

async function shows(locator: Locator, text: string | RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}

async function none(locator: Locator): Promise<void> {
  await waitFor(`no ${String(locator)}`, async () => (await locator.count()) === 0);
}

describe('Ads screen', () => {
  let meta: FakeMetaMarketingApi;
  let consoleApp: ConsoleApp;
  let browser: Browser;
  let marketer: SignedIn;
  let springId: string;
  let springFakeId: string;

  const row = (page: Page, name: string) => page.getByTestId('campaign-row').filter({ has: page.getByText(name, { exact: true }) });

  async function openAds(page: Page): Promise<void> {
    await page.goto('/ads');
    await page.getByRole('heading', { name: 'Ads', exact: true }).waitFor();
    await page.getByTestId('campaign-row').first().waitFor();
  }

  beforeAll(async () => {
    meta = await FakeMetaMarketingApi.start();
    [consoleApp, browser] = await Promise.all([
      ConsoleApp.start({ env: { META_GRAPH_URL: meta.url, ADS_SYNC_INTERVAL_MS: '86400000', ADS_RECONCILE_INTERVAL_MS: '3600000', ADS_RETRY_INTERVAL_MS: '200' } }),
      launchBrowser(),
    ]);
    const admin = consoleApp.app.admin;
    const account = await admin.post('/api/ad-accounts', { platform: 'meta', platformAccountId: 'act_1001', name: 'Brand EU', currency: 'EUR', credentials: { accessToken: 'meta-ads-token' } }).expect(201);
    const accountId = (account.body as { id: string }).id;
    springFakeId = meta.campaigns.add('1001', { name: 'Spring sale', dailyBudgetMinor: 5000, spendTodayMinor: 1234, spendLifetimeMinor: 98765 }).id;
    meta.campaigns.add('1001', { name: 'Cap me', spendTodayMinor: 1500, spendLifetimeMinor: 20000 });
    await admin.post(`/api/ad-accounts/${accountId}/sync`).expect(200);
    const campaigns = (await admin.get('/api/campaigns').expect(200)).body as { id: string; name: string }[];
    springId = campaigns.find((c) => c.name === 'Spring sale')!.id;
    const capMe = campaigns.find((c) => c.name === 'Cap me')!.id;
    marketer = await signedInPage(browser, consoleApp, 'marketer');
    const key = consoleApp.app.withKey(marketer.person.apiKey);
    await key.put(`/api/campaigns/${capMe}/budget`, { currency: 'EUR', dailyCapMinor: 1000 }).expect(200);
  });

  afterAll(async () => {
    await marketer?.context.close();
    await browser?.close();
    await consoleApp?.close();
    await meta?.close();
  });

  it('shows spend against the caps in the account currency, and a campaign a budget cap paused', async () => {
    const page = marketer.page;
    await openAds(page);
    await shows(row(page, 'Spring sale'), '€12.34');
    await shows(row(page, 'Spring sale'), '€987.65');
    await shows(row(page, 'Spring sale').getByTestId('campaign-status'), 'Running');
    await shows(row(page, 'Cap me'), '€15.00 of €10.00');
    await shows(row(page, 'Cap me').getByTestId('campaign-paused-by'), 'a budget cap was reached');
    await shows(page.getByTestId('ad-account-row'), 'Brand EU');
  });

  it('lets a marketer set a daily cap in major units; the service stores minor units', async () => {
    const page = marketer.page;
    await openAds(page);
    await page.getByRole('button', { name: 'Budget caps of Spring sale…' }).click();
    const form = page.getByRole('form', { name: 'Budget caps of Spring sale' });
    await form.getByLabel('Daily cap (EUR)').fill('100.001');
    await form.getByRole('button', { name: 'Save the caps' }).click();
    await form.getByText('EUR has 2 decimals at most').waitFor();
    await form.getByLabel('Daily cap (EUR)').fill('100.5');
    await form.getByRole('button', { name: 'Save the caps' }).click();
    await form.waitFor({ state: 'hidden' });

    await shows(row(page, 'Spring sale'), '€12.34 of €100.50');
    const body = (await consoleApp.app.admin.get(`/api/campaigns/${springId}`).expect(200)).body as { dailyCapMinor: number };
    expect(body.dailyCapMinor).toBe(10050);
    await checkA11y(page, 'ads');
    await screenshot(page, 'ads');
  });

  it('lets a marketer pause and resume a campaign after confirming; the platform sees both', async () => {
    const page = marketer.page;
    await openAds(page);
    await page.getByRole('button', { name: 'Pause Spring sale…' }).click();
    const pause = page.getByRole('form', { name: 'Pause Spring sale' });
    await pause.getByRole('button', { name: 'Pause the campaign' }).click();
    await pause.getByText('reason must be 1 to 500 characters').waitFor();
    await pause.getByLabel(/^Why/).fill('Tone-deaf after the news this morning');
    await pause.getByRole('button', { name: 'Pause the campaign' }).click();
    await pause.waitFor({ state: 'hidden' });
    await shows(page.getByRole('alert').or(page.locator('.mantine-Notification-root')), /Pause requested/);

    await waitFor('the fake platform to see the pause', () => meta.campaigns.changes.some((c) => c.id === springFakeId && c.status === 'paused'));
    await shows(row(page, 'Spring sale').getByTestId('campaign-paused-by'), `paused by ${marketer.person.name}`);
    await shows(row(page, 'Spring sale'), '“Tone-deaf after the news this morning”');
    await checkA11y(page, 'ads-paused');

    await row(page, 'Spring sale').getByRole('button', { name: 'Resume Spring sale…' }).click();
    const resume = page.getByRole('form', { name: 'Resume Spring sale' });
    await resume.getByRole('checkbox', { name: `paused by ${marketer.person.name}` }).waitFor();
    await resume.getByLabel(/^Why/).fill('Checked with comms: fine again');
    await resume.getByRole('button', { name: 'Resume the campaign' }).click();
    await resume.waitFor({ state: 'hidden' });

    await waitFor('the fake platform to see the resume', () => meta.campaigns.changes.some((c, i) => i > 0 && c.id === springFakeId && c.status === 'active'));
    await none(row(page, 'Spring sale').getByTestId('campaign-paused-by'));
  });

  it('shows a viewer the campaigns without pause, resume or caps, and the API refuses a pause', async () => {
    const viewer = await signedInPage(browser, consoleApp, 'viewer');
    try {
      const page = viewer.page;
      await openAds(page);
      await shows(row(page, 'Spring sale'), '€12.34');
      await none(page.getByRole('button', { name: /^(Pause|Resume|Budget caps of) / }));
      await none(page.getByRole('button', { name: /^Sync / }));
      await none(page.getByRole('button', { name: 'Add an ad account' }));
      const changesBefore = meta.campaigns.changes.length;
      const status = await page.evaluate(async (id) => {
        const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken?: string };
        const res = await fetch(`/api/campaigns/${id}/pause`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken ?? '' },
          body: JSON.stringify({ reason: 'not mine to pause' }),
        });
        return res.status;
      }, springId);
      expect(status).toBe(403);
      expect(meta.campaigns.changes).toHaveLength(changesBefore);
      expect((await consoleApp.app.admin.get(`/api/campaigns/${springId}`).expect(200)).body).toMatchObject({ pauseReasons: [] });
    } finally {
      await viewer.context.close();
    }
  });

  it('lets an admin sync now, set the monthly cap, connect an ad account (field errors under the fields), edit and remove it', async () => {
    const admin = await signedInPage(browser, consoleApp, 'admin');
    try {
      const page = admin.page;
      await openAds(page);
      await page.getByRole('button', { name: 'Sync Brand EU now' }).click();
      await shows(page.locator('.mantine-Notification-root'), 'Brand EU: 2 campaigns read');

      await page.getByRole('button', { name: 'Monthly cap…' }).click();
      const capForm = page.getByRole('form', { name: 'Monthly cap across all ad accounts' });
      await capForm.getByLabel(/^Monthly cap/).fill('1,000');
      await capForm.getByRole('button', { name: 'Save the monthly cap' }).click();
      await capForm.waitFor({ state: 'hidden' });
      await shows(page.getByTestId('monthly-cap'), 'of the monthly cap €1,000.00 across all ad accounts');
      expect((await consoleApp.app.admin.get('/api/ad-spend-cap').expect(200)).body).toMatchObject({ monthlyCapMinor: 100000, currency: 'EUR' });

      await page.getByRole('button', { name: 'Add an ad account' }).click();
      const form = page.getByRole('form', { name: 'Add an ad account' });
      await form.getByLabel(/^Account ID/).fill('not an id');
      await form.getByLabel(/^Name/).fill('Brand US');
      await form.getByLabel(/^Currency/).fill('USD');
      await form.getByLabel(/^Access token/).fill('another-meta-token');
      await form.getByRole('button', { name: 'Add the ad account' }).click();
      await shows(form, 'Some fields need attention');
      await form.getByText(/^platformAccountId must be/).waitFor();
      await form.getByLabel(/^Account ID/).fill('act_2002');
      await form.getByRole('button', { name: 'Add the ad account' }).click();
      // Checked once the id is right: nothing is converted, so the account must be in the monthly cap's currency.
      await form.getByText('currency must be EUR while the workspace has a monthly cap in EUR').waitFor();
      await form.getByLabel(/^Currency/).fill('EUR');
      await form.getByRole('button', { name: 'Add the ad account' }).click();
      await form.waitFor({ state: 'hidden' });
      await shows(page.getByTestId('ad-account-row'), 'Brand US');
      expect(await page.content()).not.toContain('another-meta-token');

      // Edit: the credentials are only named as stored; a rename keeps them.
      await page.getByRole('button', { name: 'Edit Brand US' }).click();
      const edit = page.getByRole('form', { name: 'Edit Brand US' });
      await shows(edit, 'Stored: accessToken');
      expect(await edit.getByLabel(/^Access token/).inputValue()).toBe('');
      await edit.getByLabel(/^Name/).fill('Brand Americas');
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.waitFor({ state: 'hidden' });
      await shows(page.getByTestId('ad-account-row'), 'Brand Americas');
      const accounts = (await consoleApp.app.admin.get('/api/ad-accounts').expect(200)).body as { name: string; credentialFields: string[] }[];
      expect(accounts.find((a) => a.name === 'Brand Americas')?.credentialFields).toEqual(['accessToken']);

      // Remove, after confirming.
      await page.getByRole('button', { name: 'Remove Brand Americas' }).click();
      await page.getByRole('dialog', { name: 'Remove Brand Americas?' }).getByRole('button', { name: 'Remove the ad account' }).click();
      await none(page.getByTestId('ad-account-row').filter({ hasText: 'Brand Americas' }));
      expect(((await consoleApp.app.admin.get('/api/ad-accounts').expect(200)).body as { name: string }[]).map((a) => a.name)).toEqual(['Brand EU']);
    } finally {
      await admin.context.close();
    }
  });
  it('names a crisis as what paused a campaign, with its pause order and a link to the crisis', async () => {
    const lead = await consoleApp.app.member('crisis_lead');
    const activation = await lead.post('/api/crisis/activate', { reason: 'Storm damage at the plant', level: 2, pauseAds: true }).expect(201);
    const crisisId = (activation.body as { crisis: { id: string } }).crisis.id;
    try {
      await waitFor('the crisis pause to reach Meta', () => meta.campaigns.find('1001', springFakeId)?.status === 'paused', 30_000);
      const page = marketer.page;
      await openAds(page);
      await shows(row(page, 'Spring sale').getByTestId('campaign-paused-by'), 'Held paused: the crisis pause');
      await row(page, 'Spring sale').getByRole('link', { name: 'The crisis that paused it' }).waitFor();
      const order = page.getByTestId('pause-order');
      await shows(order, /^Crisis pause:/);
      await order.getByRole('link', { name: 'The crisis report' }).waitFor();
      expect(await order.getByRole('link', { name: 'The crisis report' }).getAttribute('href')).toBe(`/crises/${crisisId}/report`);
      await checkA11y(page, 'ads-crisis');
    } finally {
      await lead.post('/api/crisis/deactivate', { note: 'Over', resumeCampaigns: true }).expect(200);
    }
  });
});
