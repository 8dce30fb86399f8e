// Webhooks in a real browser: an admin adds one to a local receiver (secret shown once), sends a test that arrives,
// sees a failed delivery in the log while the receiver fails, and re-sends it once the receiver is fixed.
import type { Browser } from 'playwright-core';
import { FakeWebhookReceiver } from '../fakes/webhook-receiver';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage, type SignedIn } from '../support/browser';
import { waitFor } from '../support/wait';

jest.setTimeout(120_000);

describe('Webhooks', () => {
  let consoleApp: ConsoleApp;
  let browser: Browser;
  let admin: SignedIn;
  let receiver: FakeWebhookReceiver;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    [consoleApp, browser] = await Promise.all([
      // One attempt per delivery: a receiver failure makes a failed delivery at once.
      ConsoleApp.start({ env: { WEBHOOK_TICK_MS: '200', WEBHOOK_MAX_ATTEMPTS: '1', WEBHOOK_TIMEOUT_MS: '2000' } }),
      launchBrowser(),
    ]);
    admin = await signedInPage(browser, consoleApp, 'admin');
  });

  afterAll(async () => {
    await admin?.context.close();
    await browser?.close();
    await consoleApp?.close();
    await receiver?.close();
  });

  it('adds a webhook, test-sends to the receiver, shows a failure and re-sends it delivered', async () => {
    const page = admin.page;
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByText('No webhooks yet').waitFor();
    await page.getByRole('button', { name: 'Add a webhook' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add a webhook' });
    await dialog.getByRole('textbox', { name: /^URL/ }).fill(receiver.endpoint('console'));
    await dialog.getByRole('checkbox', { name: /Crisis mode switched on/ }).check();
    await dialog.getByRole('button', { name: 'Add and get the secret' }).click();
    const added = page.getByRole('dialog', { name: 'The webhook is added' });
    const secret = await added.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    await added.getByRole('link', { name: 'Open the webhook' }).click();
    await page.getByRole('heading', { name: receiver.endpoint('console') }).waitFor();
    expect(await page.content()).not.toContain(secret);

    await page.getByRole('button', { name: 'Send a test' }).click();
    await waitFor('the test at the receiver', () => receiver.received('console').length === 1);
    expect(FakeWebhookReceiver.verifies(receiver.received('console')[0], secret)).toBe(true);
    const rows = page.getByTestId('delivery-row');
    await rows.first().getByText('Delivered', { exact: true }).waitFor();

    receiver.failNextHooks({ status: 500, body: 'receiver down' });
    await page.getByRole('button', { name: 'Send a test' }).click();
    const failed = page.locator('[data-testid="delivery-row"][data-state="failed"]');
    await failed.getByText('the receiver answered 500').waitFor({ timeout: 20_000 });

    await failed.getByRole('button', { name: /^Re-send/ }).click();
    await waitFor('the re-send at the receiver', () => receiver.received('console').length === 3, 20_000);
    await waitFor('both deliveries delivered', async () => (await page.locator('[data-testid="delivery-row"][data-state="delivered"]').count()) === 2, 20_000);
    const resent = receiver.received('console')[2];
    expect(resent.headers['holdfast-event-id']).toBe(receiver.received('console')[1].headers['holdfast-event-id']);
    expect(FakeWebhookReceiver.verifies(resent, secret)).toBe(true);
    await checkA11y(page, 'webhooks');
    await screenshot(page, 'webhooks');

    await page.getByRole('link', { name: '← All webhooks' }).click();
    const row = page.getByTestId('webhook-row');
    await row.getByText('Delivered', { exact: true }).waitFor();
    await row.getByText('Active', { exact: true }).waitFor();
  });
});
