// The approvals queue and the post view in a real browser: an approver signs a marketer's post off, the author sees why
// they cannot (and the API refuses them from their own page), a rejection's comment reaches the author, several
// posts approved at once each get their own answer, and an edit's changed words are marked.
import type { Browser, Locator, Page } from 'playwright-core';
import { channelBody } from '../support/factories';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage, type SignedIn } from '../support/browser';
import { Caller } from '../support/test-app';

jest.setTimeout(120_000);

const inOneDay = (): string => new Date(Date.now() + 86_400_000).toISOString();
const LONG = { timeout: 30_000 };

describe('Approvals queue and post view', () => {
  let consoleApp: ConsoleApp;
  let browser: Browser;
  let marketer: SignedIn;
  /** An approver who also writes posts: their own post is refused to them (four eyes). */
  let approver: SignedIn;
  let channel: string;

  const as = (who: SignedIn): Caller => new Caller(consoleApp.app.app.getHttpServer(), who.person.apiKey, who.person.id, '');

  async function postBy(who: SignedIn, text: string): Promise<string> {
    const res = await as(who).post('/api/posts', { text, channelIds: [channel], scheduledAt: inOneDay() }).expect(201);
    expect(res.body.status).toBe('pending_approval');
    return res.body.id as string;
  }

  async function openQueue(page: Page): Promise<void> {
    await page.goto('/approvals');
    await page.getByRole('heading', { name: 'Approvals' }).waitFor(LONG);
  }

  const card = (page: Page, id: string): Locator => page.locator(`[data-testid="queue-item"][data-post-id="${id}"]`);

  beforeAll(async () => {
    [consoleApp, browser] = await Promise.all([ConsoleApp.start(), launchBrowser()]);
    const admin = consoleApp.app.admin;
    channel = (await admin.post('/api/channels', channelBody('mastodon', { name: 'Brand on Mastodon' })).expect(201)).body.id;
    await admin.put('/api/approval-policy', { approvalsRequired: 1, crisisLevel1: 1, crisisLevel2: 1, crisisLevel3: 2 }).expect(200);
    marketer = await signedInPage(browser, consoleApp, 'marketer');
    approver = await signedInPage(browser, consoleApp, ['approver', 'marketer']);
  });

  afterAll(async () => {
    await browser?.close();
    await consoleApp?.close();
  });

  it('shows an empty queue as such', async () => {
    await openQueue(approver.page);
    await approver.page.getByRole('heading', { name: 'Nothing waits for sign-off' }).waitFor(LONG);
  });

  it("lets an approver approve a marketer's post from the queue, and the API shows it scheduled", async () => {
    const id = await postBy(marketer, 'Spring collection lands on Friday');
    const { page } = approver;
    await openQueue(page);
    const item = card(page, id);
    await item.waitFor(LONG);
    expect(await item.textContent()).toContain('Spring collection lands on Friday');
    expect(await item.textContent()).toContain(`Post by ${marketer.person.name}`);
    expect(await item.textContent()).toContain('0 of 1 approvals');
    expect(await item.textContent()).toContain('Mastodon · Brand on Mastodon');
    expect(await item.getByTestId('diff-summary').textContent()).toBe('First version: nothing to compare.');
    await checkA11y(page, 'approvals-queue');

    await item.getByRole('button', { name: 'Approve', exact: true }).click();
    await item.waitFor({ state: 'detached', ...LONG });
    const post = await as(approver).get(`/api/posts/${id}`).expect(200);
    expect(post.body.status).toBe('scheduled');
    expect(post.body.deliveries.map((d: { state: string }) => d.state)).toEqual(['scheduled']);
  });

  it('shows the author why they cannot approve, without controls, and the API refuses a forced approve from their page', async () => {
    const id = await postBy(marketer, 'Our store opens late on Monday');
    const { page } = marketer;
    await openQueue(page);
    await page.getByText('Only approvers approve or send back posts').waitFor(LONG);
    const item = card(page, id);
    await item.waitFor(LONG);
    const why = item.getByTestId('why-not');
    await why.waitFor(LONG);
    expect(await why.isVisible()).toBe(true);
    expect(await why.textContent()).toContain('Four eyes: you wrote or last edited this post');
    expect(await item.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(0);
    expect(await item.getByRole('button', { name: /Reject/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Approve selected/ }).count()).toBe(0);
    await checkA11y(page, 'approvals-read-only');
    await screenshot(page, 'approvals-read-only');

    // What the console hides the service refuses: the same session, its CSRF token and Origin, sent by hand.
    const forced = await page.evaluate(async (postId) => {
      const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
      const res = await fetch(`/api/posts/${postId}/approve`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken },
        body: '{}',
      });
      return { status: res.status, body: (await res.json()) as { error: string; message: string }, hadToken: typeof session.csrfToken === 'string' };
    }, id);
    expect(forced.hadToken).toBe(true);
    expect(forced.status).toBe(403);
    expect(forced.body.error).toBe('forbidden');
    expect(forced.body.message).not.toMatch(/CSRF/);
    expect((await as(marketer).get(`/api/posts/${id}`).expect(200)).body.status).toBe('pending_approval');
  });

  it('sends a post back with a required comment, and the author reads it on the post view', async () => {
    const id = await postBy(marketer, 'Flash sale: everything half price today');
    const { page } = approver;
    await openQueue(page);
    const item = card(page, id);
    await item.waitFor(LONG);
    await item.getByRole('button', { name: 'Reject…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send back to the author' });
    await dialog.waitFor(LONG);
    await dialog.getByRole('button', { name: 'Send back' }).click();
    await dialog.getByText('Say what must change: the author reads it').waitFor(LONG);
    await dialog.getByLabel('What must change').fill('Not everything is half price: name the ranges, and end the sale at 20:00.');
    await checkA11y(page, 'approvals-reject');
    await screenshot(page, 'approvals-reject');
    await dialog.getByRole('button', { name: 'Send back' }).click();
    await dialog.waitFor({ state: 'detached', ...LONG });
    await item.waitFor({ state: 'detached', ...LONG });
    expect((await as(approver).get(`/api/posts/${id}`).expect(200)).body.status).toBe('rejected');

    const author = marketer.page;
    await author.goto(`/posts/${id}`);
    const rejection = author.getByTestId('rejection');
    await rejection.waitFor(LONG);
    expect(await rejection.textContent()).toContain(`Sent back by ${approver.person.name}`);
    expect(await rejection.textContent()).toContain('name the ranges, and end the sale at 20:00');
    expect(await author.getByTestId('post-status').textContent()).toBe('Sent back');
    const decision = author.getByTestId('decision').first();
    expect(await decision.textContent()).toContain(`Sent back by ${approver.person.name}`);
    expect(await author.getByTestId('decision-comment').first().textContent()).toContain('name the ranges');
    expect(await author.getByTestId('delivery').first().textContent()).toContain('Brand on Mastodon (Mastodon)');
    expect(await author.getByTestId('delivery').first().textContent()).toContain('Waiting for approval');
    expect(await author.getByRole('link', { name: 'Edit the post' }).getAttribute('href')).toBe(`/posts/${id}/edit`);
    expect(await author.getByRole('link', { name: 'Back to the calendar' }).getAttribute('href')).toBe('/calendar');
    await checkA11y(author, 'post-view');
    await screenshot(author, 'post-view');

    // A post that is not there (or another workspace's) says so in a sentence, never as raw JSON.
    await author.goto('/posts/00000000-0000-4000-8000-000000000000');
    const error = author.getByRole('alert');
    await error.getByText('This post could not be loaded').waitFor(LONG);
    expect(await error.textContent()).toContain('00000000-0000-4000-8000-000000000000');
    expect(await error.textContent()).not.toContain('statusCode');
  });

  it('approves several at once, each on its own: the approver’s own post is refused with its reason, the rest approved', async () => {
    const first = await postBy(marketer, 'Bulk one: new opening hours');
    const second = await postBy(marketer, 'Bulk two: parking is free this weekend');
    const own = await postBy(approver, 'Bulk three: written by the approver');
    const { page } = approver;
    await openQueue(page);
    for (const id of [first, second, own]) {
      await card(page, id).waitFor(LONG);
    }
    // The own post says why, as text, beside a disabled button.
    const ownCard = card(page, own);
    expect(await ownCard.getByTestId('why-not').textContent()).toContain('Four eyes');
    expect(await ownCard.getByRole('button', { name: 'Approve', exact: true }).isDisabled()).toBe(true);

    for (const id of [first, second, own]) {
      await card(page, id).getByRole('checkbox').check();
    }
    await page.getByRole('button', { name: 'Approve selected (3)' }).click();
    const report = page.getByTestId('bulk-results');
    await report.getByText('2 approved, 1 refused').waitFor(LONG);
    const refused = report.getByTestId('bulk-refused');
    expect(await refused.count()).toBe(1);
    expect(await refused.textContent()).toContain('Bulk three: written by the approver');
    expect(await refused.textContent()).toContain('Four eyes: you wrote or last edited this post');
    expect(await report.getByTestId('bulk-approved').count()).toBe(2);

    const status = async (id: string): Promise<string> => (await as(approver).get(`/api/posts/${id}`).expect(200)).body.status;
    expect([await status(first), await status(second), await status(own)]).toEqual(['scheduled', 'scheduled', 'pending_approval']);
    await card(page, first).waitFor({ state: 'detached', ...LONG });
    await ownCard.waitFor(LONG);
  });

  it('marks the words an edit changed since the previous version', async () => {
    const id = await postBy(marketer, 'Doors open at nine on Friday for members');
    await as(marketer).patch(`/api/posts/${id}`, { text: 'Doors open at ten on Friday for everyone' }).expect(200);
    const { page } = approver;
    await openQueue(page);
    const item = card(page, id);
    await item.waitFor(LONG);
    expect(await item.getByTestId('diff-summary').textContent()).toContain('Changes since version 1');
    const diff = item.getByTestId('word-diff');
    expect(await diff.locator('ins').allTextContents()).toEqual(['ten', 'everyone']);
    expect(await diff.locator('del').allTextContents()).toEqual(['nine', 'members']);
    // The unchanged words read as they are, unmarked.
    expect(await diff.textContent()).toContain('Doors open at');
    expect(await item.textContent()).toContain('Version 2');
    // The queue as an approver sees it now: an edit's diff, their own post refused with its reason, the rest.
    await checkA11y(page, 'approvals-queue');
    await screenshot(page, 'approvals-queue');
  });
});
