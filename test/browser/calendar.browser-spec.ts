// The calendar in a real browser: a busy month renders, a drag reschedules a post (and a refused one comes back with
// the service's reason), failed and held deliveries open to what happened, a viewer cannot drag (and the API refuses
// a viewer's PATCH anyway), and the time-zone picker moves the events.
import type { Browser, Locator, Page } from 'playwright-core';
import { copyPost } from '../../bench/console-seed';
import { channelBody } from '../support/factories';
import { checkA11y, ConsoleApp, dragTo, launchBrowser, screenshot, signedInPage } from '../support/browser';
import type { Caller } from '../support/test-app';
import { waitFor } from '../support/wait';

const DAY = 24 * 3600 * 1000;

/** The first instant (UTC) of the month `offset` months from now. */
function monthStart(offset: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
}

function at(month: Date, day: number, hours: number, minutes = 0): Date {
  return new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), day, hours, minutes));
}

const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

/** The day cell of the month grid for a YYYY-MM-DD date. */
function dayCell(page: Page, date: string): Locator {
  return page.locator(`[role="cell"][data-date="${date}"]`).first();
}

/** Waits for the element to be visible (playwright-core has no expect matchers). */
async function shown(locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: 15_000 });
}


async function openCalendarAt(page: Page, monthsAhead: number): Promise<void> {
  await page.goto('/calendar');
  await page.getByRole('heading', { name: 'Calendar' }).waitFor();
  for (let i = 0; i < monthsAhead; i++) {
    await page.getByRole('button', { name: /^next/i }).click();
  }
}

describe('The calendar', () => {
  let consoleApp: ConsoleApp;
  const browsers: Browser[] = [];

  /**
   * A browser of the test's own. Chromium runs single-process here: its contexts share one cookie store (a new
   * context opened signed in as the previous person) and closing a context that had run the calendar took the whole
   * browser down, so each person gets a browser (about 2 s to launch) rather than a context.
   */
  async function personalBrowser(): Promise<Browser> {
    const browser = await launchBrowser();
    browsers.push(browser);
    return browser;
  }

  async function closeBrowsers(): Promise<void> {
    await Promise.all(browsers.splice(0).map((browser) => browser.close()));
  }
  let channelX: string;
  let channelMastodon: string;
  let marketerKey: Caller;
  const next = monthStart(1);

  beforeAll(async () => {
    // Deliveries stay as arranged: no dispatcher sends them while the test looks at them.
    consoleApp = await ConsoleApp.start({ env: { DISPATCH_ENABLED: 'false' } });
    const admin = consoleApp.app.admin;
    channelX = (await admin.post('/api/channels', channelBody('x', { name: 'Brand X' })).expect(201)).body.id;
    channelMastodon = (await admin.post('/api/channels', channelBody('mastodon', { name: 'Brand Toots' })).expect(201)).body.id;
    const writer = await consoleApp.person('marketer');
    marketerKey = consoleApp.app.withKey(writer.apiKey);
  }, 120_000);

  afterAll(async () => {
    await closeBrowsers();
    await consoleApp?.close();
  });

  async function plan(text: string, scheduledAt: Date, channelIds = [channelX]): Promise<{ id: string; deliveries: { id: string }[] }> {
    return (await marketerKey.post('/api/posts', { text, channelIds, scheduledAt: scheduledAt.toISOString() }).expect(201)).body;
  }

  it('renders a month with 2,000 deliveries, and its "+N more" links open the rest of the day', async () => {
    const busy = monthStart(2);
    const template = await plan('Busy month announcement', at(busy, 1, 8), [channelX, channelMastodon]);
    const end = new Date(Date.UTC(busy.getUTCFullYear(), busy.getUTCMonth() + 1, 1));
    // 999 copies + the template, two deliveries each: 2,000 deliveries in the month.
    await copyPost((q, p) => consoleApp.app.sql(q, p), template.id, 999, busy, end);
    const counted = await consoleApp.app.sql<{ n: string }>(`SELECT count(*) AS n FROM deliveries d JOIN posts p ON p.id = d.post_id WHERE p.scheduled_at >= $1 AND p.scheduled_at < $2`, [busy, end]);
    expect(Number(counted[0].n)).toBe(2000);

    const { page } = await signedInPage(await personalBrowser(), consoleApp, 'marketer');
    try {
      await openCalendarAt(page, 2);
      const firstMore = page.getByText(/^\+\d+ more$/).first();
      await firstMore.waitFor({ timeout: 30_000 });
      expect(await page.getByText('Busy month announcement', { exact: false }).count()).toBeGreaterThan(28);
      // Every day of the month is full: each shows a few deliveries and a link to the rest.
      await waitFor('a "+N more" link on every day of the month', async () => (await page.getByText(/^\+\d+ more$/).count()) >= 28);
      const hidden = Number(/\d+/.exec((await firstMore.textContent()) ?? '')![0]);
      expect(hidden).toBeGreaterThan(10);
      await firstMore.click();
      const popover = page.getByRole('dialog').filter({ hasText: 'Busy month announcement' });
      await popover.waitFor();
      expect(await popover.getByText('Busy month announcement', { exact: false }).count()).toBeGreaterThan(hidden);
    } finally {
      await closeBrowsers();
    }
  }, 120_000);

  it('reschedules a post dragged to another day: the API shows the new time', async () => {
    const post = await plan('Drag me to the 12th', at(next, 10, 9));
    const { page } = await signedInPage(await personalBrowser(), consoleApp, 'marketer');
    try {
      await openCalendarAt(page, 1);
      const event = page.getByText('Drag me to the 12th').first();
      await event.waitFor();
      await dragTo(page, event, dayCell(page, isoDay(at(next, 12, 0))));
      await page.getByText(/^Now planned for/).waitFor();
      const moved = await marketerKey.get(`/api/posts/${post.id}`).expect(200);
      expect(moved.body.scheduledAt).toBe(at(next, 12, 9).toISOString());
      expect(moved.body.deliveries[0].dueAt).toBe(at(next, 12, 9).toISOString());
      await shown(dayCell(page, isoDay(at(next, 12, 0))).getByText('Drag me to the 12th'));
    } finally {
      await closeBrowsers();
    }
  }, 120_000);

  it('puts back a post dragged into the past and says why the service refused', async () => {
    // A missed post (its time passed while it was held) may move, but not to another past day. Both days are in the
    // grid of the month of the first: a month's six-week grid runs at least five days past its end.
    const threeDaysAgo = new Date(Date.now() - 3 * DAY);
    const twoDaysAgo = new Date(Date.now() - 2 * DAY);
    const missedAt = at(threeDaysAgo, threeDaysAgo.getUTCDate(), 12);
    const post = await plan('Not into the past', new Date(Date.now() + DAY));
    await consoleApp.app.sql(`UPDATE posts SET scheduled_at = $2 WHERE id = $1`, [post.id, missedAt]);
    await consoleApp.app.sql(`UPDATE deliveries SET state = 'missed', due_at = $2 WHERE post_id = $1`, [post.id, missedAt]);
    const { page } = await signedInPage(await personalBrowser(), consoleApp, 'marketer');
    try {
      await page.goto('/calendar');
      if (threeDaysAgo.getUTCMonth() !== new Date().getUTCMonth()) {
        await page.getByRole('button', { name: /^prev/i }).click();
      }
      const event = page.getByText('Not into the past').first();
      await event.waitFor();
      await dragTo(page, event, dayCell(page, isoDay(twoDaysAgo)));
      await page.getByText(/is in the past/).waitFor();
      await shown(page.getByText('Not rescheduled'));
      await shown(dayCell(page, isoDay(threeDaysAgo)).getByText('Not into the past'));
      expect((await marketerKey.get(`/api/posts/${post.id}`).expect(200)).body.scheduledAt).toBe(missedAt.toISOString());
    } finally {
      await closeBrowsers();
    }
  }, 120_000);

  it('opens a failed and a held delivery to what happened', async () => {
    const failed = await plan('This one failed', at(next, 20, 10));
    await consoleApp.app.sql(`UPDATE deliveries SET state = 'failed', attempts = 3, last_error = $2 WHERE id = $1`, [
      failed.deliveries[0].id,
      'X refused the post: duplicate content (403)',
    ]);
    const held = await plan('This one is held', at(next, 21, 10));
    await marketerKey.post(`/api/posts/${held.id}/hold`, { reason: 'Wait for legal' }).expect(200);
    const published = await plan('This one went out', at(next, 22, 10));
    await consoleApp.app.sql(`UPDATE deliveries SET state = 'published', attempts = 1, url = $2, published_at = due_at WHERE id = $1`, [
      published.deliveries[0].id,
      'https://x.example/brand/status/1234',
    ]);
    const { page } = await signedInPage(await personalBrowser(), consoleApp, 'marketer');
    try {
      await openCalendarAt(page, 1);

      await page.getByText('This one failed').first().click();
      const drawer = page.getByTestId('delivery-drawer');
      await shown(drawer.getByText('X refused the post: duplicate content (403)'));
      await shown(drawer.getByText('Last error'));
      await shown(drawer.getByText('3', { exact: true }));
      expect(await drawer.getByRole('link', { name: 'Open the post' }).getAttribute('href')).toBe(`/posts/${failed.id}`);
      await checkA11y(page, 'calendar-drawer');
      await screenshot(page, 'calendar-drawer');
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });

      await page.getByText('This one is held').first().click();
      await shown(page.getByTestId('delivery-drawer').getByText(/A person put the post on hold/));
      await page.keyboard.press('Escape');

      await page.getByText('This one went out').first().click();
      await shown(page.getByTestId('delivery-drawer').getByRole('link', { name: 'https://x.example/brand/status/1234' }));
      await page.keyboard.press('Escape');

      // Attention states say what they are in words, not colour alone.
      await shown(page.locator('.hf-state-failed .hf-event-state').getByText('Failed'));
      await shown(page.locator('.hf-state-held .hf-event-state').getByText('Held'));
    } finally {
      await closeBrowsers();
    }
  }, 120_000);

  it('lets a viewer look but not drag, and the API refuses a PATCH from their session', async () => {
    const post = await plan('Viewers only look', at(next, 14, 11));
    const { page } = await signedInPage(await personalBrowser(), consoleApp, 'viewer');
    try {
      await openCalendarAt(page, 1);
      const event = page.getByText('Viewers only look').first();
      await event.waitFor();
      expect(await page.getByRole('main').getByRole('link', { name: 'Compose' }).count()).toBe(0);
      await dragTo(page, event, dayCell(page, isoDay(at(next, 16, 0))));
      await shown(dayCell(page, isoDay(at(next, 14, 0))).getByText('Viewers only look'));
      expect(await page.getByText('Not rescheduled').count()).toBe(0);
      const answer = await page.evaluate(async (id) => {
        const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
        const res = await fetch(`/api/posts/${id}`, {
          method: 'PATCH',
          // As the console's client does: with the service's no-referrer policy the browser would send Origin: null.
          referrerPolicy: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken },
          body: JSON.stringify({ scheduledAt: new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString() }),
        });
        return { status: res.status, body: (await res.json()) as { message: string } };
      }, post.id);
      expect(answer.status).toBe(403);
      // Refused for the role, not for a missing CSRF token or Origin.
      expect(answer.body.message).not.toMatch(/CSRF/);
      expect((await marketerKey.get(`/api/posts/${post.id}`).expect(200)).body.scheduledAt).toBe(at(next, 14, 11).toISOString());
    } finally {
      await closeBrowsers();
    }
  }, 120_000);

  it('moves the events with the time-zone picker, and shows the month, the week and the list', async () => {
    await plan('Late in London', at(next, 15, 23, 30));
    const { page } = await signedInPage(await personalBrowser(), consoleApp, 'marketer');
    try {
      await openCalendarAt(page, 1);
      await shown(dayCell(page, isoDay(at(next, 15, 0))).getByText('Late in London'));
      await page.getByRole('combobox', { name: 'Time zone' }).click();
      await page.getByRole('combobox', { name: 'Time zone' }).fill('Asia/Tokyo');
      await page.getByRole('option', { name: 'Asia/Tokyo' }).click();
      // 23:30 UTC is 08:30 the next morning in Tokyo.
      const moved = dayCell(page, isoDay(at(next, 16, 0))).locator('.hf-event').filter({ hasText: 'Late in London' });
      await shown(moved);
      await shown(moved.getByText('08:30'));
      await waitFor('the calendar to finish loading', async () => (await page.getByText('Loading deliveries…').count()) === 0);
      await checkA11y(page, 'calendar-month');
      await screenshot(page, 'calendar-month');

      await page.getByText('Week', { exact: true }).click();
      // The week view opens on the month's first week: forward to the week of the 16th.
      await waitFor(
        'the week with the post',
        async () => {
          if ((await page.getByText('Late in London').count()) > 0) {
            return true;
          }
          await page.getByRole('button', { name: /^next/i }).click();
          return false;
        },
        30_000,
        500,
      );
      await checkA11y(page, 'calendar-week');
      await screenshot(page, 'calendar-week');

      await page.getByText('List', { exact: true }).click();
      await shown(page.getByText('Late in London').first());
      await checkA11y(page, 'calendar-list');
      await screenshot(page, 'calendar-list');
    } finally {
      await closeBrowsers();
    }
  }, 120_000);

  it('says when a month has nothing planned, with a way to compose for those who may', async () => {
    const { page } = await signedInPage(await personalBrowser(), consoleApp, 'marketer');
    try {
      // Eight months ahead nothing is planned in this file.
      await openCalendarAt(page, 8);
      await shown(page.getByRole('heading', { name: 'Nothing planned this month' }));
      expect(await page.getByRole('main').getByRole('link', { name: 'Compose' }).count()).toBe(2);
    } finally {
      await closeBrowsers();
    }
  }, 120_000);
});
