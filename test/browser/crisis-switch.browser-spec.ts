// The crisis switch in a real browser: the crisis lead previews and flips it while a marketer watches the calendar
// (the banner and the held posts appear on the marketer's screen without a reload), nothing in scope reaches the
// platform after the switch answered, the end resumes what is ahead and lists what passed as missed, which is then
// rescheduled from /missed. A marketer has no switch, and the API refuses them.
import type { Browser } from 'playwright-core';
import { FakeXApi } from '../fakes/x-api';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage, type SignedIn } from '../support/browser';
import { Caller } from '../support/test-app';
import { waitFor } from '../support/wait';

jest.setTimeout(180_000);

const LONG = { timeout: 30_000 };

describe('The crisis switch', () => {
  let fake: FakeXApi;
  let consoleApp: ConsoleApp;
  const browsers: Browser[] = [];
  let lead: SignedIn;
  let marketer: SignedIn;
  let channel: string;
  let workspaceName: string;

  const as = (who: SignedIn): Caller => new Caller(consoleApp.app.app.getHttpServer(), who.person.apiKey, who.person.id, '');

  /** A browser per person: Chromium here shares one cookie store between contexts (see calendar.browser-spec.ts). */
  async function personalBrowser(): Promise<Browser> {
    const browser = await launchBrowser();
    browsers.push(browser);
    return browser;
  }

  beforeAll(async () => {
    fake = await FakeXApi.start();
    fake.rateLimit = 1_000_000;
    consoleApp = await ConsoleApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100' } });
    const admin = consoleApp.app.admin;
    channel = (await admin.post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201)).body.id;
    [{ name: workspaceName }] = await consoleApp.app.sql<{ name: string }>('SELECT name FROM workspaces WHERE id = $1', [admin.workspaceId]);
    lead = await signedInPage(await personalBrowser(), consoleApp, 'crisis_lead');
    marketer = await signedInPage(await personalBrowser(), consoleApp, 'marketer');
  }, 120_000);

  afterAll(async () => {
    await Promise.all(browsers.splice(0).map((browser) => browser.close()));
    await consoleApp?.close();
    await fake?.close();
  });

  async function schedule(text: string, inMs: number): Promise<{ id: string; dueAt: Date }> {
    const dueAt = new Date(Date.now() + inMs);
    const res = await as(marketer).post('/api/posts', { text, channelIds: [channel], scheduledAt: dueAt.toISOString() }).expect(201);
    expect(res.body.status).toBe('scheduled');
    return { id: res.body.id as string, dueAt };
  }

  async function deliveryOf(postId: string): Promise<{ id: string; state: string; due_at: Date }> {
    const [row] = await consoleApp.app.sql<{ id: string; state: string; due_at: Date }>('SELECT id, state, due_at FROM deliveries WHERE post_id = $1', [postId]);
    return row;
  }

  const tweeted = (text: string): boolean => fake.tweets.some((tweet) => tweet.text === text);

  it('shows a marketer no switch, and the API refuses them', async () => {
    const { page } = marketer;
    await page.goto('/crisis');
    await page.getByRole('heading', { name: 'Crisis', exact: true }).waitFor(LONG);
    expect(await page.getByRole('button', { name: 'Activate crisis mode…' }).count()).toBe(0);
    await as(marketer).post('/api/crisis/activate', { reason: 'Not mine to flip', level: 1 }).expect(403);
    await as(marketer).post('/api/crisis/preview', { reason: 'Not mine to flip', level: 1 }).expect(403);
  });

  it('previews, activates on the typed workspace name, shows the banner and held posts on the marketer’s calendar, resumes, and reschedules the missed', async () => {
    // Due during the crisis (its time passes while held), and in 20 minutes (still ahead when it ends).
    const passing = await schedule('Flash sale ends at noon', 30_000);
    const ahead = await schedule('Launch teaser for Friday', 20 * 60_000);

    const watcher = marketer.page;
    await watcher.goto('/calendar');
    await watcher.getByRole('heading', { name: 'Calendar' }).waitFor(LONG);
    await watcher.locator('.hf-state-scheduled', { hasText: 'Launch teaser for Friday' }).first().waitFor(LONG);
    expect(await watcher.getByTestId('crisis-banner').count()).toBe(0);

    const { page } = lead;
    await page.goto('/crisis');
    await page.getByRole('button', { name: 'Activate crisis mode…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Activate crisis mode' });
    await dialog.waitFor(LONG);
    await dialog.getByLabel('Reason').fill('Payment provider outage');
    await dialog.getByRole('radio', { name: 'Level 2' }).check();
    await dialog.getByRole('button', { name: 'Preview' }).click();
    const counts = dialog.getByTestId('preview-counts');
    await counts.waitFor(LONG);
    expect(await counts.textContent()).toContain('Holds 2 deliveries on all platforms: 2 due within the hour, 2 within the day');
    await dialog.getByRole('cell', { name: 'Flash sale ends at noon' }).waitFor(LONG);
    await dialog.getByRole('cell', { name: 'Launch teaser for Friday' }).waitFor(LONG);
    const confirm = dialog.getByRole('button', { name: 'Activate crisis mode', exact: true });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/Type the workspace name/).fill('not the name');
    expect(await confirm.isDisabled()).toBe(true);
    await checkA11y(page, 'crisis-switch-dialog');
    await screenshot(page, 'crisis-switch-dialog-preview');

    await dialog.getByLabel(/Type the workspace name/).fill(workspaceName);
    await confirm.click();
    const answer = page.getByRole('dialog', { name: 'Crisis mode is on' });
    await answer.getByText('2 deliveries are held on all platforms.').waitFor(LONG);
    const answeredAt = Date.now();
    const tweetsAtAnswer = fake.tweets.length;
    await checkA11y(page, 'crisis-switch-answer');
    await screenshot(page, 'crisis-switch-answer');

    // The marketer's calendar follows without a reload: the banner and the held posts, within 2 s of the answer.
    const banner = watcher.getByTestId('crisis-banner');
    await banner.waitFor({ timeout: 2_000 });
    await watcher.locator('.hf-state-held', { hasText: 'Launch teaser for Friday' }).first().waitFor({ timeout: Math.max(100, 2_000 - (Date.now() - answeredAt)) });
    const bannerText = (await banner.textContent()) ?? '';
    expect(bannerText).toContain('level 2');
    expect(bannerText).toContain('Payment provider outage');
    expect(bannerText).toContain(lead.person.name);
    expect(bannerText).toContain('Scope: all platforms');
    expect(bannerText).toContain('2 deliveries held');
    expect(await banner.getByRole('link', { name: 'Open the crisis room' }).getAttribute('href')).toBe('/crisis');
    await checkA11y(watcher, 'crisis-switch-banner');
    await screenshot(watcher, 'crisis-switch-banner');
    await answer.getByRole('button', { name: 'Done' }).click();

    // The first post's time passes during the crisis: it is held, and nothing in scope reaches the platform.
    await waitFor('the passing post marked held', async () => (await deliveryOf(passing.id)).state === 'held' || undefined, 60_000);
    expect(fake.tweets.length).toBe(tweetsAtAnswer);
    expect(tweeted('Flash sale ends at noon')).toBe(false);

    // The end, from the console: the preview says what resumes and what becomes missed.
    await page.goto('/crisis');
    await page.getByRole('button', { name: 'End the crisis…' }).click();
    const end = page.getByRole('dialog', { name: 'End the crisis' });
    const endCounts = end.getByTestId('deactivation-preview-counts');
    await endCounts.waitFor(LONG);
    expect(await endCounts.textContent()).toContain('1 held delivery resumes at its time; 1 delivery becomes missed');
    await end.getByLabel('Note').fill('Provider confirmed the fix');
    await checkA11y(page, 'crisis-switch-end');
    await screenshot(page, 'crisis-switch-end-preview');
    await end.getByRole('button', { name: 'End the crisis', exact: true }).click();
    const over = page.getByRole('dialog', { name: 'The crisis is over' });
    await over.getByTestId('deactivation-result').waitFor(LONG);
    const result = await over.getByTestId('deactivation-result').textContent();
    expect(result).toContain('1 held delivery resumed (');
    expect(result).toContain('1 delivery became missed');
    expect((await deliveryOf(ahead.id)).state).toBe('scheduled');
    expect((await deliveryOf(passing.id)).state).toBe('missed');
    await banner.waitFor({ state: 'detached', timeout: 5_000 });

    // From the list of missed deliveries: rescheduled to a chosen time in the workspace's zone.
    await over.getByRole('link', { name: 'Reschedule or cancel the missed deliveries' }).click();
    await page.getByRole('heading', { name: 'Missed deliveries' }).waitFor(LONG);
    const row = page.getByRole('row', { name: /Flash sale ends at noon/ });
    await row.waitFor(LONG);
    await checkA11y(page, 'crisis-switch-missed');
    await screenshot(page, 'crisis-switch-missed');
    await row.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Reschedule…' }).click();
    const reschedule = page.getByRole('dialog', { name: 'Reschedule 1 delivery' });
    await reschedule.waitFor(LONG);
    const date = await reschedule.getByLabel(/^Date/).inputValue();
    const time = await reschedule.getByLabel(/^Time/).inputValue();
    await reschedule.getByRole('button', { name: 'Reschedule 1 delivery' }).click();
    await page.getByText(/1 delivery rescheduled for/).first().waitFor(LONG);
    await page.getByRole('heading', { name: 'No missed deliveries' }).waitFor(LONG);
    const rescheduled = await deliveryOf(passing.id);
    expect(rescheduled.state).toBe('scheduled');
    const [{ zone }] = await consoleApp.app.sql<{ zone: string }>('SELECT time_zone AS zone FROM workspaces WHERE id = $1', [consoleApp.app.admin.workspaceId]);
    const wall = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(rescheduled.due_at);
    expect(wall.replace(',', '')).toBe(`${date} ${time}`);
    const audit = await consoleApp.app.sql('SELECT 1 FROM audit_events WHERE action = $1 AND target_id = $2', ['delivery.rescheduled', rescheduled.id]);
    expect(audit).toHaveLength(1);
    expect(tweeted('Flash sale ends at noon')).toBe(false);
    expect(tweeted('Launch teaser for Friday')).toBe(false);
  });
});
