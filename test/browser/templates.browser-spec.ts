// Templates in a real browser: a marketer writes one and edits it (a second version), an approver reads what changed
// and approves it, the author of a version reads why they cannot approve it (and the API refuses them), a rejection
// carries its comment, archiving asks first, and a viewer sees no controls.
import type { Browser, Page } from 'playwright-core';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage, type SignedIn } from '../support/browser';
import { Caller } from '../support/test-app';

jest.setTimeout(180_000);

const LONG = { timeout: 30_000 };

describe('Templates screen', () => {
  let consoleApp: ConsoleApp;
  let browser: Browser;
  let marketer: SignedIn;
  let approver: SignedIn;
  /** Writes templates and approves them: never their own version (four eyes). */
  let writerApprover: SignedIn;
  let viewer: SignedIn;
  let counter = 0;

  const as = (who: SignedIn): Caller => new Caller(consoleApp.app.app.getHttpServer(), who.person.apiKey, who.person.id, '');

  async function templateBy(who: SignedIn, body = 'Our {{service}} is back to normal. Thank you for your patience.'): Promise<string> {
    const res = await as(who)
      .post('/api/templates', { name: `All clear ${++counter}`, body, placeholders: [{ name: 'service', description: 'What was down' }] })
      .expect(201);
    return res.body.id as string;
  }

  async function open(page: Page, path: string, heading: string): Promise<void> {
    await page.goto(path);
    await page.getByRole('heading', { name: heading, exact: true }).waitFor(LONG);
  }

  beforeAll(async () => {
    [consoleApp, browser] = await Promise.all([ConsoleApp.start(), launchBrowser()]);
    marketer = await signedInPage(browser, consoleApp, 'marketer');
    approver = await signedInPage(browser, consoleApp, 'approver');
    writerApprover = await signedInPage(browser, consoleApp, ['marketer', 'approver']);
    viewer = await signedInPage(browser, consoleApp, 'viewer');
  });

  afterAll(async () => {
    await browser?.close();
    await consoleApp?.close();
  });

  it('lets a marketer write a template and edit it, and an approver read the changes, preview and approve the new version', async () => {
    const { page } = marketer;
    await open(page, '/templates', 'Templates');
    await page.getByRole('heading', { name: 'No templates yet' }).waitFor(LONG);
    await page.getByRole('navigation', { name: 'Sections' }).waitFor(LONG);
    await page.getByRole('link', { name: 'New template' }).first().click();
    await page.getByRole('heading', { name: 'New template' }).waitFor(LONG);

    await page.getByLabel(/^Name/).fill('Outage holding statement');
    await page.getByLabel(/^Text\b/).first().fill('{{service}} is down. We are on it and will update you by {{eta}}.');
    // Each placeholder the text uses asks what it means.
    await page.getByLabel(/^What \{\{service\}\} means/).fill('What is down, as customers call it');
    await page.getByLabel(/^What \{\{eta\}\} means/).fill('When the next update comes');
    await page.getByLabel('Own text for X').check();
    await page.getByLabel('Text on X').fill('{{service}} is down; update by {{eta}}');
    await page.getByRole('button', { name: 'Save version 1' }).click();

    await page.getByRole('heading', { name: 'Outage holding statement' }).waitFor(LONG);
    expect(await page.getByTestId('template-status').textContent()).toBe('Waiting for approval');
    expect(await page.getByTestId('approval-note').textContent()).toContain('You wrote version 1');
    const [created] = (await as(marketer).get('/api/templates').expect(200)).body as Array<{ id: string; versions: Array<{ placeholders: unknown; variants: unknown }> }>;
    expect(created.versions[0].placeholders).toEqual([
      { name: 'service', description: 'What is down, as customers call it', required: true },
      { name: 'eta', description: 'When the next update comes', required: true },
    ]);
    expect(created.versions[0].variants).toEqual({ x: '{{service}} is down; update by {{eta}}' });
    await checkA11y(page, 'template-detail-author');

    // The edit: a second version, the first one kept.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('button', { name: 'Save version 2' }).waitFor(LONG);
    await page.getByLabel(/^Text\b/).first().fill('{{service}} is down. Our engineers are on it and will update you by {{eta}}.');
    await page.getByLabel('Why the change').fill('Say who is on it');
    await checkA11y(page, 'template-form');
    await page.getByRole('button', { name: 'Save version 2' }).click();
    await page.getByText('Latest: version 2').waitFor(LONG);
    expect(await page.getByTestId('version-entry').count()).toBe(2);

    // The approver reads what changed, word by word, fills a preview and approves.
    const ap = approver.page;
    await open(ap, `/templates/${created.id}`, 'Outage holding statement');
    const diff = ap.getByTestId('template-diff');
    expect(await diff.getByTestId('diff-summary').textContent()).toContain('Changes from version 1 to version 2');
    expect((await diff.locator('ins').allTextContents()).map((t) => t.trim())).toEqual(['Our', 'engineers']);
    expect(await diff.locator('del').allTextContents()).toEqual(['We']);
    expect(await diff.getByText('On X (unchanged)').count()).toBe(1);
    await diff.scrollIntoViewIfNeeded();
    await checkA11y(ap, 'template-diff');
    await screenshot(ap, 'template-diff');

    await ap.getByLabel(/^\{\{service\}\}/).fill('Checkout');
    await ap.getByLabel(/^\{\{eta\}\}/).fill('14:00 CET');
    await ap.getByRole('button', { name: 'Preview', exact: true }).click();
    const result = ap.getByTestId('preview-result');
    await result.waitFor(LONG);
    expect(await result.textContent()).toContain('Checkout is down. Our engineers are on it and will update you by 14:00 CET.');
    expect(await result.textContent()).toContain('Checkout is down; update by 14:00 CET');
    expect(await result.textContent()).toContain('This version cannot be used until it is approved.');

    await ap.getByLabel('Comment').fill('Clear and calm');
    await ap.getByRole('button', { name: 'Approve version 2' }).click();
    await ap.getByTestId('template-status').getByText('Approved').waitFor(LONG);
    const decision = ap.locator('[data-testid="version-entry"][data-version="2"]').getByTestId('version-decision');
    expect(await decision.textContent()).toContain(`Approved by ${approver.person.name}`);
    expect(await decision.textContent()).toContain('Clear and calm');
    expect(await ap.locator('[data-testid="version-entry"][data-version="1"]').textContent()).toContain(`Version 1 by ${marketer.person.name}`);
    expect((await as(approver).get(`/api/templates/${created.id}`).expect(200)).body.approvedVersions).toEqual([2]);

    // The list shows the latest version's state, the platforms with their own text and the placeholders.
    await open(ap, '/templates', 'Templates');
    const row = ap.locator(`[data-testid="template-row"][data-template-id="${created.id}"]`);
    await row.waitFor(LONG);
    expect(await row.getByTestId('latest-status').textContent()).toBe('Approved');
    expect(await row.textContent()).toContain('Own text for X');
    expect(await row.textContent()).toContain('{{service}}, {{eta}}');
    await checkA11y(ap, 'templates');
    await screenshot(ap, 'templates');
  });

  it('shows the author of a version why they cannot approve it, and the API refuses them from their own page', async () => {
    const id = await templateBy(writerApprover);
    const { page } = writerApprover;
    await open(page, `/templates/${id}`, `All clear ${counter}`);
    const why = page.getByTestId('why-not');
    await why.waitFor(LONG);
    expect(await why.textContent()).toBe('Four eyes: you wrote version 1, so another approver must approve it.');
    expect(await page.getByRole('button', { name: 'Approve version 1' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Reject…' }).isDisabled()).toBe(true);
    await checkA11y(page, 'template-own-version');

    const forced = await page.evaluate(async (templateId) => {
      const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
      const res = await fetch(`/api/templates/${templateId}/approve`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken },
        body: JSON.stringify({ version: 1 }),
      });
      return { status: res.status, body: (await res.json()) as { message: string } };
    }, id);
    expect(forced.status).toBe(403);
    expect(forced.body.message).toContain('Four eyes');
    expect((await as(writerApprover).get(`/api/templates/${id}`).expect(200)).body.versions[0].status).toBe('pending');
  });

  it('sends a version back with a required comment that the history shows', async () => {
    const id = await templateBy(marketer);
    const { page } = approver;
    await open(page, `/templates/${id}`, `All clear ${counter}`);
    await page.getByRole('button', { name: 'Reject…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send version 1 back' });
    await dialog.waitFor(LONG);
    await dialog.getByRole('button', { name: 'Send back' }).click();
    await dialog.getByText('Say what must change: the author reads it').waitFor(LONG);
    await dialog.getByLabel(/^What must change/).fill('Name the service in the first words.');
    await checkA11y(page, 'template-reject');
    await dialog.getByRole('button', { name: 'Send back' }).click();
    await dialog.waitFor({ state: 'detached', ...LONG });
    await page.getByTestId('template-status').getByText('Rejected').waitFor(LONG);
    expect(await page.getByTestId('version-decision').textContent()).toContain(`Sent back by ${approver.person.name}`);
    expect(await page.getByTestId('version-decision').textContent()).toContain('Name the service in the first words.');
    expect((await as(approver).get(`/api/templates/${id}`).expect(200)).body.versions[0].status).toBe('rejected');
  });

  it('archives a template after asking', async () => {
    const id = await templateBy(marketer);
    const { page } = marketer;
    await open(page, `/templates/${id}`, `All clear ${counter}`);
    await page.getByRole('button', { name: 'Archive…' }).click();
    const dialog = page.getByRole('dialog', { name: `Archive All clear ${counter}?` });
    await dialog.waitFor(LONG);
    await dialog.locator('button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached', ...LONG });
    expect((await as(marketer).get(`/api/templates/${id}`).expect(200)).body.archivedAt).toBeNull();

    await page.getByRole('button', { name: 'Archive…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Archive', exact: true }).click();
    await page.getByRole('heading', { name: 'Templates', exact: true }).waitFor(LONG);
    await page.locator('[data-testid="template-row"]').first().waitFor(LONG);
    expect(await page.locator(`[data-testid="template-row"][data-template-id="${id}"]`).count()).toBe(0);
    expect((await as(marketer).get(`/api/templates/${id}`).expect(200)).body.archivedAt).not.toBeNull();
  });

  it('shows a viewer templates to read without a control to change them', async () => {
    const id = await templateBy(marketer);
    const { page } = viewer;
    await open(page, '/templates', 'Templates');
    await page.locator(`[data-testid="template-row"][data-template-id="${id}"]`).waitFor(LONG);
    expect(await page.getByRole('link', { name: 'New template' }).count()).toBe(0);
    await open(page, `/templates/${id}`, `All clear ${counter}`);
    await page.getByTestId('approval-note').waitFor(LONG);
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Archive…' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Approve|Reject/ }).count()).toBe(0);
    await checkA11y(page, 'template-viewer');
    await page.goto('/templates/new');
    await page.getByRole('heading', { name: 'Only marketers and crisis leads write templates' }).waitFor(LONG);
  });
});
