// Connecting accounts from the Channels screen in a real browser, against local fakes of X's and a Mastodon
// instance's consent pages: the admin clicks Connect, signs in on the platform, comes back to the channel
// connected; a denied consent says so; a channel that needs reconnecting is reconnected from its row; a platform
// this service is not configured for says what to set; a marketer sees none of it.
import type { Browser, Locator, Page } from 'playwright-core';
import { FakeLinkedInApi } from '../fakes/linkedin-api';
import { FakeMastodonApi } from '../fakes/mastodon-api';
import { FakeXApi } from '../fakes/x-api';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage, type SignedIn } from '../support/browser';
import { waitFor } from '../support/wait';

jest.setTimeout(120_000);

const X_APP = { clientId: 'holdfast-browser-x-client', clientSecret: 'browser-x-client-secret-0001' };

async function shows(locator: Locator, text: string | RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}

describe('Connecting accounts in the console', () => {
  let x: FakeXApi;
  let mastodon: FakeMastodonApi;
  let linkedin: FakeLinkedInApi;
  let consoleApp: ConsoleApp;
  let browser: Browser;
  let admin: SignedIn;

  beforeAll(async () => {
    [x, mastodon, linkedin] = await Promise.all([FakeXApi.start(), FakeMastodonApi.start(), FakeLinkedInApi.start()]);
    x.rateLimit = 1_000_000;
    // LinkedIn's app gets its callback URL once the service's port is known.
    const linkedinApp = linkedin.registerApp([]);
    [consoleApp, browser] = await Promise.all([
      ConsoleApp.start({
        publicUrl: true,
        env: {
          X_API_URL: x.url,
          X_OAUTH_URL: x.url,
          X_CLIENT_ID: X_APP.clientId,
          X_CLIENT_SECRET: X_APP.clientSecret,
          LINKEDIN_OAUTH_URL: linkedin.url,
          LINKEDIN_API_URL: linkedin.url,
          LINKEDIN_CLIENT_ID: linkedinApp.clientId,
          LINKEDIN_CLIENT_SECRET: linkedinApp.clientSecret,
        },
      }),
      launchBrowser(),
    ]);
    x.registerApp({ ...X_APP, redirectUris: [`${consoleApp.url}/api/oauth/x/callback`] });
    linkedin.app!.redirectUris.push(`${consoleApp.url}/api/oauth/linkedin/callback`);
    admin = await signedInPage(browser, consoleApp, 'admin');
  });
  afterAll(async () => {
    await admin?.context.close();
    await browser?.close();
    await consoleApp?.close();
    await Promise.all([x?.close(), mastodon?.close(), linkedin?.close()]);
  });
  afterEach(() => {
    x.consent = 'approve';
  });

  const row = (page: Page, name: string): Locator => page.getByTestId('channel-row').filter({ has: page.getByText(name, { exact: true }) });

  async function openConnect(page: Page): Promise<Locator> {
    await page.goto('/channels');
    await page.getByRole('heading', { name: 'Channels', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Connect an account' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Connect an account' });
    await dialog.getByTestId('connect-platform').first().waitFor();
    return dialog;
  }

  it('connects an X account: Connect, sign in on X, back on Channels with the account connected', async () => {
    const page = admin.page;
    const dialog = await openConnect(page);
    // Facebook has no app configured here: the card says what an operator sets instead of a button.
    await shows(dialog.locator('[data-platform="facebook"]').getByTestId('not-configured'), /Not configured on this service: an operator sets META_APP_ID, META_APP_SECRET and restarts it/);
    await checkA11y(page, 'connect-platforms');
    await screenshot(page, 'connect-platforms');
    await dialog.getByRole('button', { name: 'Connect X' }).click();
    await page.getByRole('button', { name: 'Continue to X' }).click();

    const outcome = page.getByTestId('connect-outcome');
    await shows(outcome, 'Channel connected');
    await shows(outcome, 'Holdfast Test (@holdfast_test) on X is connected and ready to post.');
    // The outcome is taken off the address: a reload does not show it again.
    await waitFor('the query to be cleared', () => new URL(page.url()).search === '' || undefined);
    await shows(row(page, 'Holdfast Test').getByTestId('channel-status'), 'Active');
    await checkA11y(page, 'connect-x-connected');
    await screenshot(page, 'connect-x-connected');
    expect(x.requestsTo('POST /2/oauth2/token')).toHaveLength(1);
  });

  it('says so when access is denied on X, and connects nothing', async () => {
    const page = admin.page;
    const before = (await consoleApp.app.admin.get('/api/channels').expect(200)).body.length;
    x.consent = 'deny';
    const dialog = await openConnect(page);
    await dialog.getByRole('button', { name: 'Connect X' }).click();
    await page.getByRole('button', { name: 'Continue to X' }).click();
    const outcome = page.getByTestId('connect-outcome');
    await shows(outcome, 'Access was not granted');
    await shows(outcome, 'nothing was connected');
    await screenshot(page, 'connect-x-denied');
    expect((await consoleApp.app.admin.get('/api/channels').expect(200)).body.length).toBe(before);
  });

  it('connects a Mastodon account on the instance the admin names', async () => {
    const page = admin.page;
    const dialog = await openConnect(page);
    await dialog.getByRole('button', { name: 'Connect Mastodon' }).click();
    const instance = page.getByRole('textbox', { name: 'Your Mastodon instance' });
    // A URL with a path is refused under the field, before the browser leaves.
    await instance.fill(`${mastodon.url}/about`);
    await page.getByRole('button', { name: 'Continue to Mastodon' }).click();
    await shows(page.getByRole('dialog'), 'the instance alone');
    await instance.fill(mastodon.url);
    await screenshot(page, 'connect-mastodon-instance');
    await page.getByRole('button', { name: 'Continue to Mastodon' }).click();
    const host = new URL(mastodon.url).host;
    await shows(page.getByTestId('connect-outcome'), `Brand Official (@brand@${host}) on Mastodon is connected and ready to post.`);
    await row(page, 'Brand Official').waitFor();
    expect(mastodon.apps.size).toBe(1);
  });

  it('connects the LinkedIn pages an admin chooses among those the sign-in reached', async () => {
    const page = admin.page;
    const mia = linkedin.addMember('Mia Marketer');
    linkedin.addOrganization(mia.memberId, 'Holdfast Cafe', 'holdfast-cafe');
    linkedin.signedInMember = mia.memberId;
    const dialog = await openConnect(page);
    await dialog.getByRole('button', { name: 'Connect LinkedIn' }).click();
    await page.getByRole('button', { name: 'Continue to LinkedIn' }).click();
    const choice = page.getByRole('dialog', { name: 'Choose the accounts to connect' });
    await shows(choice, 'The sign-in reached these LinkedIn accounts');
    await choice.getByTestId('connect-accounts').getByText('Holdfast Cafe').waitFor();
    const connect = choice.getByRole('button', { name: 'Connect', exact: true });
    expect(await connect.isDisabled()).toBe(true);
    await choice.getByRole('checkbox', { name: /Holdfast Bakery/ }).check();
    await choice.getByRole('checkbox', { name: /Holdfast Cafe/ }).check();
    await checkA11y(page, 'connect-linkedin-choose');
    await screenshot(page, 'connect-linkedin-choose');
    await choice.getByRole('button', { name: 'Connect 2 accounts' }).click();
    await shows(page.getByTestId('connect-outcome'), '2 channels connected');
    await row(page, 'Holdfast Bakery').waitFor();
    await row(page, 'Holdfast Cafe').waitFor();
    expect(await page.getByTestId('channel-row').filter({ hasText: 'Mia Marketer' }).count()).toBe(0);
  });

  it('reconnects a channel that needs it from its row', async () => {
    const page = admin.page;
    const [{ id }] = await consoleApp.app.sql<{ id: string }>(`SELECT id FROM channels WHERE platform = 'x' AND account_id = $1`, [x.user.id]);
    await consoleApp.app.sql(`UPDATE channels SET status = 'needs_reauth', status_reason = 'X said the token was revoked' WHERE id = $1`, [id]);
    await page.goto('/channels');
    const stale = row(page, 'Holdfast Test');
    await shows(stale.getByTestId('channel-status'), 'Needs reconnecting');
    await stale.getByRole('button', { name: 'Reconnect Holdfast Test' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reconnect Holdfast Test' });
    await shows(dialog, 'Sign in as @holdfast_test on X');
    await screenshot(page, 'connect-x-reconnect');
    await dialog.getByRole('button', { name: 'Continue to X' }).click();
    await shows(page.getByTestId('connect-outcome'), 'Channel reconnected');
    await shows(row(page, 'Holdfast Test').getByTestId('channel-status'), 'Active');
    expect((await consoleApp.app.admin.get('/api/channels').expect(200)).body.filter((c: { platform: string }) => c.platform === 'x')).toHaveLength(1);
  });

  it('shows a marketer no way to connect, and the API refuses them anyway', async () => {
    const marketer = await signedInPage(browser, consoleApp, 'marketer');
    try {
      await marketer.page.goto('/channels');
      await row(marketer.page, 'Holdfast Test').waitFor();
      expect(await marketer.page.getByRole('button', { name: 'Connect an account' }).count()).toBe(0);
      const refused = await consoleApp.app.withKey(marketer.person.apiKey).post('/api/channels/connect/x', {}).expect(403);
      expect(refused.body.message).toBe('Requires the role admin');
    } finally {
      await marketer.context.close();
    }
  });
});
