// The marketer walk, across screens: compose a post for three platforms, see the counters, fix an over-limit
// text, schedule it, find it on the calendar and drag it to another day; the API shows the new time at every step.
import type { Locator } from 'playwright-core';
import { channelBody } from '../support/factories';
import { ConsoleApp, dragTo, launchBrowser, signedInPage } from '../support/browser';

const DAY = 24 * 3600 * 1000;


describe('A marketer plans a post from the composer to the calendar', () => {
  let consoleApp: ConsoleApp;

  beforeAll(async () => {
    // Nothing is sent while the test looks: the post is next month anyway.
    consoleApp = await ConsoleApp.start({ env: { DISPATCH_ENABLED: 'false' } });
    for (const platform of ['x', 'mastodon', 'bluesky'] as const) {
      await consoleApp.app.admin.post('/api/channels', channelBody(platform, { name: `Shop on ${platform}` })).expect(201);
    }
  }, 60_000);

  afterAll(async () => {
    await consoleApp?.close();
  });

  it('composes on X, Mastodon and Bluesky, fixes the X text, schedules, and drags it two days later', async () => {
    const browser = await launchBrowser();
    try {
      // The workspace's zone is UTC (the default): the calendar and the composer's own zone choice agree on it.
      const { page, person } = await signedInPage(browser, consoleApp, 'marketer', { timeZone: 'UTC' });
      const now = new Date();
      const day10 = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 10, 9, 30));

      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Compose' }).click();
      await page.getByRole('heading', { name: 'New post' }).waitFor();
      for (const platform of ['x', 'mastodon', 'bluesky']) {
        await page.getByRole('checkbox', { name: new RegExp(`Shop on ${platform}`) }).check();
      }
      const text = page.getByRole('textbox', { name: 'Text', exact: true });
      await text.fill(`Winter opening hours ${'z'.repeat(270)}`);
      await page.getByTestId('counter-x').filter({ hasText: '· 11 over' }).waitFor();
      await page.getByRole('button', { name: 'Schedule post' }).click();
      await page.getByText(/X: the text is 11 characters over the limit/).first().waitFor();

      await text.fill('Winter opening hours: 9 to 5, every day');
      await page.getByTestId('counter-x').filter({ hasText: 'X 39/280' }).waitFor();
      await page.getByLabel('Date', { exact: true }).fill(day10.toISOString().slice(0, 10));
      await page.getByLabel('Time', { exact: true }).fill('09:30');
      await page.getByLabel('Time zone').selectOption('UTC');
      await page.getByRole('button', { name: 'Schedule post' }).click();
      await page.waitForURL(/\/calendar$/);

      const api = consoleApp.app.withKey(person.apiKey);
      const [{ id }] = await consoleApp.app.sql<{ id: string }>('SELECT id FROM posts WHERE author_id = $1', [person.id]);
      const planned = (await api.get(`/api/posts/${id}`).expect(200)).body;
      expect(planned.scheduledAt).toBe(day10.toISOString());
      expect(planned.deliveries).toHaveLength(3);

      await page.getByRole('heading', { name: 'Calendar' }).waitFor();
      await page.getByRole('button', { name: /^next/i }).click();
      const cell = (date: Date): Locator => page.locator(`[role="cell"][data-date="${date.toISOString().slice(0, 10)}"]`).first();
      // One event per delivery: three on the 10th.
      await cell(day10).getByText('Winter opening hours').nth(2).waitFor();
      await dragTo(page, cell(day10).getByText('Winter opening hours').first(), cell(new Date(day10.getTime() + 2 * DAY)));
      await page.getByText(/^Now planned for/).waitFor();

      const moved = (await api.get(`/api/posts/${id}`).expect(200)).body;
      expect(moved.scheduledAt).toBe(new Date(day10.getTime() + 2 * DAY).toISOString());
      expect(moved.deliveries.map((delivery: { dueAt: string }) => delivery.dueAt)).toEqual(Array(3).fill(moved.scheduledAt));
      await cell(new Date(day10.getTime() + 2 * DAY)).getByText('Winter opening hours').nth(2).waitFor();
    } finally {
      await browser.close();
    }
  }, 120_000);
});
