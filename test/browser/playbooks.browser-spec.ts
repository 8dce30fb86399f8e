// Playbooks in a real browser: a crisis lead writes one that stages an approved template on a channel with a
// contact, rehearses it and reads what activation would create; a rehearsal missing an answer says what is missing;
// archiving asks first; a viewer reads the response matrix without a control to change it.
import type { Browser, Page } from 'playwright-core';
import { channelBody } from '../support/factories';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage, type SignedIn } from '../support/browser';
import { Caller } from '../support/test-app';

jest.setTimeout(180_000);

const LONG = { timeout: 30_000 };

describe('Playbooks screen', () => {
  let consoleApp: ConsoleApp;
  let browser: Browser;
  let lead: SignedIn;
  let viewer: SignedIn;
  let marketer: Caller;
  let approver: Caller;
  let channel: string;
  let template: string;

  const as = (who: SignedIn): Caller => new Caller(consoleApp.app.app.getHttpServer(), who.person.apiKey, who.person.id, '');

  async function open(page: Page, path: string, heading: string): Promise<void> {
    await page.goto(path);
    await page.getByRole('heading', { name: heading, exact: true }).waitFor(LONG);
  }

  async function choose(page: Page, field: string, option: string): Promise<void> {
    await page.getByRole('combobox', { name: field }).click();
    await page.getByRole('option', { name: option }).click();
  }

  beforeAll(async () => {
    [consoleApp, browser] = await Promise.all([ConsoleApp.start(), launchBrowser()]);
    const app = consoleApp.app;
    channel = (await app.admin.post('/api/channels', channelBody('mastodon', { name: 'Brand on Mastodon' })).expect(201)).body.id;
    marketer = await app.member('marketer');
    approver = await app.member('approver');
    template = (
      await marketer
        .post('/api/templates', {
          name: 'Outage holding statement',
          body: '{{service}} is down. We will update you by {{eta}}.',
          placeholders: [
            { name: 'service', description: 'What is down' },
            { name: 'eta', description: 'When the next update comes' },
          ],
        })
        .expect(201)
    ).body.id;
    await approver.post(`/api/templates/${template}/approve`, { version: 1 }).expect(200);
    lead = await signedInPage(browser, consoleApp, 'crisis_lead');
    viewer = await signedInPage(browser, consoleApp, 'viewer');
  });

  afterAll(async () => {
    await browser?.close();
    await consoleApp?.close();
  });

  it('lets a crisis lead write a playbook with a template and a contact, rehearse it and read what activation would create', async () => {
    const { page } = lead;
    await open(page, '/playbooks', 'Playbooks');
    await page.getByRole('heading', { name: 'No playbooks yet' }).waitFor(LONG);
    await page.getByRole('link', { name: 'New playbook' }).first().click();
    await page.getByRole('heading', { name: 'New playbook' }).waitFor(LONG);

    await page.getByLabel(/^Scenario/).fill('Checkout outage');
    await choose(page, 'Crisis level', 'Level 2');
    await page.getByLabel(/^Contact 1: name/).fill('Ana Ruiz');
    await page.getByLabel(/^Contact 1: responsibility/).fill('Head of communications');
    await page.getByLabel(/^Contact 1: email/).fill('ana@example.com');
    await page.getByRole('button', { name: 'Add a message' }).click();
    await choose(page, 'Message 1: template', 'Outage holding statement');
    await page.getByLabel('Brand on Mastodon (Mastodon)').check();
    await page.getByLabel(/^Message 1: \{\{service\}\}/).fill('Checkout');
    await page.getByLabel('Ask for {{eta}} at activation').check();
    await checkA11y(page, 'playbook-form');
    await page.getByRole('button', { name: 'Save playbook' }).click();

    await page.getByRole('heading', { name: 'Playbook', exact: true }).waitFor(LONG);
    const [saved] = (await as(lead).get('/api/playbooks').expect(200)).body as Array<Record<string, unknown> & { id: string }>;
    expect(saved).toMatchObject({
      name: 'Checkout outage',
      category: 'platform_outage',
      level: 2,
      platforms: null,
      contacts: [{ name: 'Ana Ruiz', role: 'Head of communications', email: 'ana@example.com', phone: null, chat: null }],
      messages: [{ templateId: template, templateVersion: 1, channelIds: [channel], offsetMinutes: 0, values: { service: 'Checkout' }, prompts: ['eta'] }],
    });
    const card = page.getByTestId('playbook-card');
    expect(await card.getByTestId('playbook-messages').textContent()).toContain(
      'Outage holding statement (version 1) on Brand on Mastodon, as soon as it is approved; asks for {{eta}} at activation',
    );
    expect(await card.getByTestId('playbook-contacts').textContent()).toContain('Ana Ruiz, Head of communications: ana@example.com');

    // A rehearsal without the answer says what is missing; with it, shows the statement as it would be staged.
    await page.getByRole('button', { name: 'Rehearse', exact: true }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'would not run as written' });
    await refusal.waitFor(LONG);
    expect(await refusal.textContent()).toContain('placeholderValues.eta is required (When the next update comes)');
    await page.getByLabel('Answer for {{eta}}').fill('14:00 CET');
    await page.getByRole('button', { name: 'Rehearse', exact: true }).click();
    const result = page.getByTestId('rehearsal-result');
    await result.waitFor(LONG);
    expect(await result.textContent()).toContain('Level 2 crisis: holds every platform, leaves paid campaigns running.');
    expect(await result.getByTestId('rehearsed-message').textContent()).toContain('Checkout is down. We will update you by 14:00 CET.');
    expect(await result.textContent()).toContain('Ana Ruiz, Head of communications: ana@example.com');
    await checkA11y(page, 'playbook-rehearsal');
    await screenshot(page, 'playbook-rehearsal');
    // A rehearsal changes nothing: nothing was staged for sign-off, no crisis is on.
    expect((await as(lead).get('/api/approvals').expect(200)).body).toEqual([]);
    expect((await as(lead).get('/api/crisis').expect(200)).body).toMatchObject({ active: false });

    await open(page, '/playbooks', 'Playbooks');
    await page.getByTestId('playbook-card').waitFor(LONG);
    await checkA11y(page, 'playbooks');
    await screenshot(page, 'playbooks');
  });

  it('edits a playbook: the form starts from what is saved and the revision goes up', async () => {
    const [playbook] = (await as(lead).get('/api/playbooks').expect(200)).body as Array<{ id: string; revision: number }>;
    const { page } = lead;
    await open(page, `/playbooks/${playbook.id}/edit`, 'Edit Checkout outage');
    expect(await page.getByLabel(/^Contact 1: name/).inputValue()).toBe('Ana Ruiz');
    await page.getByRole('button', { name: 'Add a contact' }).click();
    await page.getByLabel(/^Contact 2: name/).fill('Bo Lind');
    await page.getByLabel(/^Contact 2: responsibility/).fill('On-call engineer');
    await page.getByRole('button', { name: 'Save playbook' }).click();
    // The service names what is wrong (no way to reach Bo); the console shows it and saves nothing.
    await page.getByText('needs a way to reach them: email, phone or chat').waitFor(LONG);
    await page.getByLabel(/^Contact 2: phone/).fill('+34 600 123 456');
    await page.getByRole('button', { name: 'Save playbook' }).click();
    await page.getByRole('heading', { name: 'Playbook', exact: true }).waitFor(LONG);
    expect(await page.getByTestId('playbook-contacts').textContent()).toContain('Bo Lind, On-call engineer: +34 600 123 456');
    expect((await as(lead).get(`/api/playbooks/${playbook.id}`).expect(200)).body.revision).toBe(playbook.revision + 1);
  });

  it('shows a viewer the response matrix without a control to change it', async () => {
    const { page } = viewer;
    await open(page, '/playbooks', 'Playbooks');
    const card = page.getByTestId('playbook-card');
    await card.waitFor(LONG);
    expect(await card.textContent()).toContain('Checkout outage');
    expect(await page.getByRole('link', { name: 'New playbook' }).count()).toBe(0);
    await card.getByRole('link', { name: 'Checkout outage' }).click();
    await page.getByRole('heading', { name: 'Playbook', exact: true }).waitFor(LONG);
    await page.getByTestId('playbook-contacts').waitFor(LONG);
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Archive|Rehearse/ }).count()).toBe(0);
    await checkA11y(page, 'playbook-viewer');
    await page.goto('/playbooks/new');
    await page.getByRole('heading', { name: 'Only crisis leads write playbooks' }).waitFor(LONG);
  });

  it('archives a playbook after asking', async () => {
    const [playbook] = (await as(lead).get('/api/playbooks').expect(200)).body as Array<{ id: string }>;
    const { page } = lead;
    await open(page, `/playbooks/${playbook.id}`, 'Playbook');
    await page.getByRole('button', { name: 'Archive…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Archive Checkout outage?' });
    await dialog.waitFor(LONG);
    await dialog.getByRole('button', { name: 'Archive', exact: true }).click();
    await page.getByRole('heading', { name: 'No playbooks yet' }).waitFor(LONG);
    expect((await as(lead).get(`/api/playbooks/${playbook.id}`).expect(200)).body.archivedAt).not.toBeNull();
  });
});
