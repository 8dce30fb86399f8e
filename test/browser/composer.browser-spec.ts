// The composer in a real browser: a marketer writes a post for X, Mastodon and Bluesky, sees each platform's count,
// is stopped by an over-limit X text, fixes it and schedules it in another time zone; edits of an approved post warn
// and void its approvals; a viewer gets no form; the service's refusals land on their fields.
import type { Browser, Page } from 'playwright-core';
import { showInstant } from '../../web/src/screens/Composer/zoned-time';
import { channelBody } from '../support/factories';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage } from '../support/browser';

const LONG = 60_000;

/** The zone the composer treats as the workspace's: the workspace's own when the service has one, else the browser's. */
async function workspaceZoneOf(page: Page): Promise<string> {
  const session = await page.evaluate(async () => (await fetch('/api/auth/session')).json() as Promise<{ workspace: { timeZone?: string | null } }>);
  return session.workspace.timeZone ?? 'Europe/Madrid'; // signedInPage's browser zone
}

describe('The composer', () => {
  let consoleApp: ConsoleApp;
  let browser: Browser;
  const channels: Record<'x' | 'mastodon' | 'bluesky', string> = { x: '', mastodon: '', bluesky: '' };

  beforeAll(async () => {
    [consoleApp, browser] = await Promise.all([ConsoleApp.start(), launchBrowser()]);
    for (const [platform, name] of [
      ['x', 'Holdfast on X'],
      ['mastodon', 'Holdfast on Mastodon'],
      ['bluesky', 'Holdfast on Bluesky'],
    ] as const) {
      const res = await consoleApp.app.admin.post('/api/channels', channelBody(platform, { name, handle: `@holdfast-${platform}` })).expect(201);
      channels[platform] = res.body.id;
    }
  }, LONG);

  afterAll(async () => {
    await browser?.close();
    await consoleApp?.close();
  });

  const postsBy = (memberId: string): Promise<{ id: string }[]> => consoleApp.app.sql<{ id: string }>('SELECT id FROM posts WHERE author_id = $1', [memberId]);

  it(
    'lets a marketer write for three platforms, stops an over-limit X text by how much, and schedules the fixed post in a chosen zone',
    async () => {
      const { page, context, person } = await signedInPage(browser, consoleApp, 'marketer');
      await page.goto('/compose');
      await page.getByRole('heading', { name: 'New post' }).waitFor();
      await page.getByRole('checkbox', { name: /Holdfast on X/ }).waitFor();
      await checkA11y(page, 'composer-empty');
      await screenshot(page, 'composer-empty');

      for (const name of [/Holdfast on X/, /Holdfast on Mastodon/, /Holdfast on Bluesky/]) {
        await page.getByRole('checkbox', { name }).check();
      }
      const text = page.getByRole('textbox', { name: 'Text', exact: true });
      // X weighs the emoji and each CJK character 2; Mastodon and Bluesky count them 1.
      await text.fill('Autumn menu 🍂 日本');
      await expect(page.getByTestId('counter-x').textContent()).resolves.toBe('X 19/280');
      await expect(page.getByTestId('counter-mastodon').textContent()).resolves.toBe('Mastodon 16/500');
      await expect(page.getByTestId('counter-bluesky').textContent()).resolves.toBe('Bluesky 16/300');

      const long = `Our autumn menu is here. ${'a'.repeat(270)}`; // 295 characters
      await text.fill(long);
      await page.getByTestId('counter-x').filter({ hasText: 'X 295/280 · 15 over' }).waitFor();
      await expect(page.getByTestId('counter-bluesky').textContent()).resolves.toBe('Bluesky 295/300');
      await page.getByRole('button', { name: 'Schedule post' }).click();
      await page.getByText('X: the text is 15 characters over the limit').first().waitFor();
      await page.getByRole('alert').filter({ hasText: 'things to fix before saving' }).waitFor();
      expect(await postsBy(person.id)).toEqual([]);
      await screenshot(page, 'composer-over-limit');

      await page.getByRole('button', { name: 'Write a different X text' }).click();
      await page.getByLabel('Text for X').fill('Our autumn menu is here 🍂 https://example.com/autumn');
      await page.getByTestId('counter-x').filter({ hasText: 'X 50/280 (own text)' }).waitFor(); // the URL counts 23
      await page.getByRole('combobox', { name: 'Labels' }).fill('autumn');
      await page.getByRole('combobox', { name: 'Labels' }).press('Enter');
      // Options for the platforms that take them: only theirs are shown.
      const options = page.getByTestId('platform-options');
      await options.getByLabel('Mastodon: who sees it').selectOption('private');
      await options.getByLabel('Mastodon: content warning').fill('Food talk');
      await options.getByRole('combobox', { name: 'Bluesky: languages' }).fill('en');
      await options.getByRole('combobox', { name: 'Bluesky: languages' }).press('Enter');
      expect(await options.getByText(/Telegram/).count()).toBe(0);
      await page.getByLabel('Date', { exact: true }).fill('2027-03-10');
      await page.getByLabel('Time', { exact: true }).fill('09:30');
      await page.getByLabel('Time zone').selectOption('America/New_York');
      const zone = await workspaceZoneOf(page);
      const instant = new Date('2027-03-10T14:30:00Z'); // 09:30 in New York before its clocks change on 14 March
      await page.getByTestId('instant-summary').filter({ hasText: `${showInstant(instant, zone)} in ${zone}` }).waitFor();
      await page.getByTestId('preview-x-link-card').filter({ hasText: 'example.com' }).waitFor();
      await expect(page.getByTestId('preview-x').textContent()).resolves.toContain('Our autumn menu is here 🍂');
      await expect(page.getByTestId('preview-mastodon').textContent()).resolves.toContain('Our autumn menu is here. aaa');
      await checkA11y(page, 'composer-preview');
      await screenshot(page, 'composer-preview');

      await page.getByRole('button', { name: 'Schedule post' }).click();
      await page.waitForURL(/\/calendar$/);
      await page.getByText('Post scheduled').waitFor();

      const [created] = await postsBy(person.id);
      const res = await consoleApp.app.withKey(person.apiKey).get(`/api/posts/${created.id}`).expect(200);
      expect(res.body).toMatchObject({
        text: long,
        platformText: { x: 'Our autumn menu is here 🍂 https://example.com/autumn' },
        link: null,
        scheduledAt: '2027-03-10T14:30:00.000Z',
        timeZone: 'America/New_York',
        labels: ['autumn'],
        status: 'scheduled',
        options: { mastodon: { visibility: 'private', spoilerText: 'Food talk' }, bluesky: { languages: ['en'] } },
      });
      expect(res.body.deliveries.map((d: { channelId: string }) => d.channelId).sort()).toEqual([channels.x, channels.mastodon, channels.bluesky].sort());
      await context.close();
    },
    LONG * 2,
  );

  it(
    "puts the service's refusal of a time in the past on the date and time",
    async () => {
      const { page, context, person } = await signedInPage(browser, consoleApp, 'marketer');
      // The date, time and zone as a link gives them (the calendar's "new post on this day").
      await page.goto('/compose?date=2020-01-01&time=09:00&timeZone=UTC');
      await page.getByRole('checkbox', { name: /Holdfast on Mastodon/ }).check();
      await page.getByRole('textbox', { name: 'Text', exact: true }).fill('Too late');
      await expect(page.getByLabel('Date', { exact: true }).inputValue()).resolves.toBe('2020-01-01');
      await expect(page.getByLabel('Time zone').inputValue()).resolves.toBe('UTC');
      await page.getByRole('button', { name: 'Schedule post' }).click();
      await page.getByTestId('scheduled-at-error').filter({ hasText: 'is in the past' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/compose');
      expect(await postsBy(person.id)).toEqual([]);
      await context.close();
    },
    LONG,
  );

  it(
    'names a chosen channel disconnected meanwhile, and schedules nothing until another is chosen',
    async () => {
      const doomed = await consoleApp.app.admin.post('/api/channels', channelBody('mastodon', { name: 'Old Mastodon', handle: '@old' })).expect(201);
      const { page, context, person } = await signedInPage(browser, consoleApp, 'marketer');
      await page.goto('/compose');
      await page.getByRole('checkbox', { name: /Old Mastodon/ }).check();
      await page.getByRole('textbox', { name: 'Text', exact: true }).fill('Hello');
      await page.getByLabel('Date', { exact: true }).fill('2031-05-04');
      await page.getByLabel('Time', { exact: true }).fill('10:00');
      await consoleApp.app.admin.delete(`/api/channels/${doomed.body.id}`).expect((res) => expect(res.status).toBeLessThan(300));
      // The live stream refetches the channels: the disconnected one leaves the list, named, without a reload.
      await page.getByTestId('channels-vanished').filter({ hasText: 'Old Mastodon was disconnected meanwhile and is no longer chosen' }).waitFor();
      await page.getByRole('checkbox', { name: /Old Mastodon/ }).waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Schedule post' }).click();
      await page.getByTestId('channels-error').filter({ hasText: 'Choose at least one channel' }).waitFor();
      expect(await postsBy(person.id)).toEqual([]);
      await page.getByRole('checkbox', { name: /Holdfast on Mastodon/ }).check();
      await page.getByRole('button', { name: 'Schedule post' }).click();
      await page.waitForURL(/\/calendar$/);
      const [created] = await postsBy(person.id);
      const res = await consoleApp.app.withKey(person.apiKey).get(`/api/posts/${created.id}`).expect(200);
      expect(res.body.deliveries.map((d: { channelId: string }) => d.channelId)).toEqual([channels.mastodon]);
      await context.close();
    },
    LONG,
  );

  it(
    'shows a viewer no form, and the service refuses the viewer a post sent from the browser anyway',
    async () => {
      const { page, context } = await signedInPage(browser, consoleApp, 'viewer');
      await expect(page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Compose' }).count()).resolves.toBe(0);
      await page.goto('/compose');
      await page.getByRole('heading', { name: 'You cannot compose posts' }).waitFor();
      await expect(page.getByRole('textbox', { name: 'Text', exact: true }).count()).resolves.toBe(0);
      await expect(page.getByRole('button', { name: 'Schedule post' }).count()).resolves.toBe(0);
      await checkA11y(page, 'composer-viewer');
      const status = await page.evaluate(async (channelId) => {
        const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
        const res = await fetch('/api/posts', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken },
          body: JSON.stringify({ text: 'Sneaky', channelIds: [channelId], publishNow: true }),
        });
        return res.status;
      }, channels.x);
      expect(status).toBe(403);
      await context.close();
    },
    LONG,
  );

  it(
    'says so when the post to edit does not exist',
    async () => {
      const { page, context } = await signedInPage(browser, consoleApp, 'marketer');
      await page.goto('/posts/5b0e3f43-4a1e-4d51-9d43-2f1d3c1b9a10/edit');
      await page.getByRole('alert').filter({ hasText: 'The post could not be loaded' }).filter({ hasText: 'not found' }).waitFor();
      await expect(page.getByRole('button', { name: 'Save changes' }).count()).resolves.toBe(0);
      await context.close();
    },
    LONG,
  );

  it(
    'loads the counting code only on the composer route',
    async () => {
      const { page, context } = await signedInPage(browser, consoleApp, 'marketer');
      const scripts: string[] = [];
      page.on('response', (response) => {
        if (response.url().endsWith('.js')) {
          scripts.push(response.url());
        }
      });
      await page.goto('/calendar');
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Compose' }).waitFor();
      // Read each script from the service again: a body the browser was given before a navigation may be gone.
      const loaded = await Promise.all(scripts.map(async (url) => ({ url, counting: (await (await fetch(url)).text()).includes('weightedLength') })));
      expect(loaded.length).toBeGreaterThan(0);
      expect(loaded.filter((script) => script.counting)).toEqual([]);
      const composerChunk = page.waitForResponse((response) => /\/assets\/ComposerScreen-[^/]+\.js$/.test(response.url()));
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Compose' }).click();
      await page.getByRole('heading', { name: 'New post' }).waitFor();
      await expect((await composerChunk).text()).resolves.toContain('weightedLength');
      await context.close();
    },
    LONG,
  );

  it(
    'warns that saving an edit voids the approvals of an approved post, and after the save the post waits for approval again',
    async () => {
      await consoleApp.app.admin.put('/api/approval-policy', { approvalsRequired: 1, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 }).expect(200);
      try {
        const { page, context, person } = await signedInPage(browser, consoleApp, 'marketer');
        const marketer = consoleApp.app.withKey(person.apiKey);
        const created = await marketer
          .post('/api/posts', { text: 'Winter menu soon', channelIds: [channels.x, channels.mastodon], scheduledAt: '2031-01-15T09:00:00+01:00', timeZone: 'Europe/Madrid' })
          .expect(201);
        expect(created.body.status).toBe('pending_approval');
        const approver = await consoleApp.app.member('approver');
        await approver.post(`/api/posts/${created.body.id}/approve`, { comment: 'Lovely' }).expect(200);
        await marketer.get(`/api/posts/${created.body.id}`).expect(200).expect((res) => expect(res.body.status).toBe('scheduled'));

        await page.goto(`/posts/${created.body.id}/edit`);
        await page.getByRole('heading', { name: 'Edit post' }).waitFor();
        await expect(page.getByRole('textbox', { name: 'Text', exact: true }).inputValue()).resolves.toBe('Winter menu soon');
        await expect(page.getByLabel('Date', { exact: true }).inputValue()).resolves.toBe('2031-01-15');
        await expect(page.getByLabel('Time', { exact: true }).inputValue()).resolves.toBe('09:00');
        await expect(page.getByRole('checkbox', { name: /Holdfast on X/ }).isChecked()).resolves.toBe(true);
        await expect(page.getByRole('checkbox', { name: /Holdfast on Bluesky/ }).isChecked()).resolves.toBe(false);

        await page.getByTestId('approval-note').waitFor();
        await expect(page.getByTestId('void-warning').count()).resolves.toBe(0);
        await page.getByRole('textbox', { name: 'Text', exact: true }).fill('Winter menu from 15 January ❄️');
        await page.getByLabel('Image URLs').fill('https://cdn.example.com/winter.png');
        await page.getByTestId('void-warning').waitFor();
        await page.getByTestId('preview-x-images').filter({ hasText: '1 image' }).waitFor();
        await page.getByRole('button', { name: 'Save changes' }).click();
        const dialog = page.getByRole('dialog', { name: "Void this post's approvals?" });
        await dialog.waitFor();
        await checkA11y(page, 'composer-edit');
        await screenshot(page, 'composer-edit');
        await dialog.getByRole('button', { name: 'Save and void approvals' }).click();
        await page.waitForURL(/\/calendar$/);
        await page.getByText('Changes saved: the post waits for approval').waitFor();

        const after = await marketer.get(`/api/posts/${created.body.id}`).expect(200);
        expect(after.body).toMatchObject({
          text: 'Winter menu from 15 January ❄️',
          imageUrls: ['https://cdn.example.com/winter.png'],
          status: 'pending_approval',
          contentVersion: 2,
          scheduledAt: '2031-01-15T08:00:00.000Z',
        });
        expect(after.body.deliveries.map((d: { state: string }) => d.state)).toEqual(['pending_approval', 'pending_approval']);
        await context.close();
      } finally {
        await consoleApp.app.admin.put('/api/approval-policy', { approvalsRequired: 0, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 }).expect(200);
      }
    },
    LONG * 2,
  );
});
