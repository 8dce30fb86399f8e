// The media library in a real browser: a marketer uploads an image with its alt text, sees it in the library,
// attaches it in the composer and schedules the post (the API shows the post carrying it); a file that is not an
// image is refused with the service's sentence; a viewer sees the library without the upload.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { channelBody } from '../support/factories';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage } from '../support/browser';

const LONG = 60_000;

describe('The media library screen', () => {
  let consoleApp: ConsoleApp;
  let browser: Browser;
  let channelId: string;
  let files: string;

  beforeAll(async () => {
    [consoleApp, browser] = await Promise.all([ConsoleApp.start(), launchBrowser()]);
    channelId = (await consoleApp.app.admin.post('/api/channels', channelBody('mastodon', { name: 'Holdfast on Mastodon', handle: '@holdfast@mastodon.test' })).expect(201)).body.id;
    files = mkdtempSync(join(tmpdir(), 'holdfast-media-'));
    const gradient = Buffer.alloc(320 * 200 * 3);
    for (let i = 0; i < gradient.length; i += 3) {
      gradient[i] = (i / 3) % 320;
      gradient[i + 1] = 120;
      gradient[i + 2] = Math.floor(i / 3 / 320);
    }
    writeFileSync(join(files, 'lighthouse.png'), await sharp(gradient, { raw: { width: 320, height: 200, channels: 3 } }).png().toBuffer());
    writeFileSync(join(files, 'notes.png'), 'These are meeting notes, not a picture.');
  }, LONG);

  afterAll(async () => {
    await browser?.close();
    await consoleApp?.close();
  });

  it(
    'lets a marketer upload an image with alt text, attach it in the composer and schedule the post',
    async () => {
      const { page, context, person } = await signedInPage(browser, consoleApp, 'marketer');
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Media' }).click();
      await page.getByRole('heading', { name: 'Media', exact: true }).waitFor();
      await page.getByText('No media yet').waitFor();

      // A text file named .png: refused with the service's sentence.
      await page.locator('input[type="file"]').setInputFiles(join(files, 'notes.png'));
      await page.getByTestId('chosen-file').filter({ hasText: 'notes.png' }).waitFor();
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'notes.png is not a JPEG, PNG, WebP, GIF or MP4 file (its content is text)' }).waitFor();

      await page.locator('input[type="file"]').setInputFiles(join(files, 'lighthouse.png'));
      await page.getByTestId('media-uploader').getByLabel('Alt text').fill('A lighthouse at dusk, its lamp lit');
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      const card = page.getByTestId('media-card').filter({ hasText: 'lighthouse.png' });
      await card.waitFor();
      await card.getByText('320×200').waitFor();
      await expect(card.getByRole('img', { name: 'A lighthouse at dusk, its lamp lit' }).count()).resolves.toBe(1);
      await checkA11y(page, 'media-library');
      await screenshot(page, 'media-library');

      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Compose' }).click();
      await page.getByRole('heading', { name: 'New post' }).waitFor();
      await page.getByRole('checkbox', { name: /Holdfast on Mastodon/ }).check();
      await page.getByRole('textbox', { name: 'Text', exact: true }).fill('Our lighthouse tonight');
      await page.getByRole('button', { name: 'Add from the library' }).click();
      const dialog = page.getByRole('dialog', { name: 'Choose media' });
      await dialog.getByRole('checkbox', { name: 'lighthouse.png' }).check();
      await dialog.getByRole('button', { name: 'Done' }).click();
      await page.getByTestId('attached-media').getByText('1. lighthouse.png').waitFor();
      await page.getByTestId('attached-media').getByText('Has alt text').waitFor();
      await page.getByLabel('Date', { exact: true }).fill('2031-06-01');
      await page.getByLabel('Time', { exact: true }).fill('21:00');
      await screenshot(page, 'composer-media');
      await page.getByRole('button', { name: 'Schedule post' }).click();
      await page.waitForURL(/\/calendar$/);

      const [post] = await consoleApp.app.sql<{ id: string; media_ids: string[] }>('SELECT id, media_ids FROM posts WHERE author_id = $1', [person.id]);
      const [item] = await consoleApp.app.sql<{ id: string; alt_text: string }>('SELECT id, alt_text FROM media_items WHERE created_by = $1', [person.id]);
      expect(item.alt_text).toBe('A lighthouse at dusk, its lamp lit');
      expect(post.media_ids).toEqual([item.id]);
      const deliveries = await consoleApp.app.sql<{ channel_id: string }>('SELECT channel_id FROM deliveries WHERE post_id = $1', [post.id]);
      expect(deliveries.map((d) => d.channel_id)).toEqual([channelId]);
      await context.close();
    },
    LONG * 2,
  );

  it(
    'shows a viewer the library without the upload, and the API refuses a viewer’s upload anyway',
    async () => {
      const { page, context } = await signedInPage(browser, consoleApp, 'viewer');
      await page.goto('/media');
      await page.getByRole('heading', { name: 'Media', exact: true }).waitFor();
      await page.getByTestId('media-card').first().waitFor();
      await expect(page.getByTestId('media-uploader').count()).resolves.toBe(0);
      await expect(page.getByRole('button', { name: 'Save alt text' }).count()).resolves.toBe(0);
      const viewer = await consoleApp.app.member('viewer');
      const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).png().toBuffer();
      const refused = await viewer.post('/api/media').attach('file', png, 'x.png').expect(403);
      expect(refused.body.message).toMatch(/role/i);
      await context.close();
    },
    LONG,
  );
});
