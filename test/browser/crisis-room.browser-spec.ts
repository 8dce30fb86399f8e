// A playbook run end to end in the browser: the crisis (activated through the API by the crisis lead) stages the
// approved holding statement, the room shows it first; its author (the lead) reads why they cannot sign it off and
// the API refuses them; two approvers approve it in their own consoles and it reaches the fake platform; a held
// promotion is released by the same two; a note joins the timeline; the report shows the time to first statement
// and its Markdown downloads.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { FakeXApi } from '../fakes/x-api';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage, type SignedIn } from '../support/browser';
import { Caller } from '../support/test-app';
import { waitFor } from '../support/wait';

jest.setTimeout(180_000);

const LONG = { timeout: 30_000 };
const STATEMENT = 'We are aware of a checkout outage and are working on it. Updates at https://status.example.com';
const PROMO = 'Weekend flash sale: 20% off everything';

describe('Crisis room and report', () => {
  let fake: FakeXApi;
  let consoleApp: ConsoleApp;
  let browser: Browser;
  let lead: SignedIn;
  let approverA: SignedIn;
  let approverB: SignedIn;
  let crisisId: string;
  let statementId: string;
  let promoId: string;

  const as = (who: SignedIn | { person: { apiKey: string; id: string } }): Caller =>
    new Caller(consoleApp.app.app.getHttpServer(), who.person.apiKey, who.person.id, '');

  async function openRoom(page: Page): Promise<void> {
    await page.goto('/crisis');
    await page.getByRole('heading', { name: 'Crisis room' }).waitFor(LONG);
  }

  beforeAll(async () => {
    fake = await FakeXApi.start();
    fake.rateLimit = 1_000_000;
    [consoleApp, browser] = await Promise.all([ConsoleApp.start({ env: { X_API_URL: fake.url, DISPATCH_TICK_MS: '100' } }), launchBrowser()]);
    const admin = consoleApp.app.admin;
    await admin.put('/api/approval-policy', { approvalsRequired: 1, crisisLevel1: 1, crisisLevel2: 2, crisisLevel3: 2 }).expect(200);
    const x = (await admin.post('/api/channels', { platform: 'x', name: 'Brand on X', handle: '@brand', credentials: fake.oauth2Credentials() }).expect(201)).body.id as string;
    // The lead is an approver too: what refuses them is that the switch staged the statement in their name (four eyes).
    lead = await signedInPage(browser, consoleApp, ['crisis_lead', 'approver']);
    approverA = await signedInPage(browser, consoleApp, 'approver');
    approverB = await signedInPage(browser, consoleApp, 'approver');
    const marketer = as({ person: await consoleApp.person('marketer') });

    // Decided before the crisis: an approved holding statement, and the playbook that posts it.
    const template = await marketer
      .post('/api/templates', {
        name: 'Holding statement',
        body: 'We are aware of {{issue}} and are working on it. Updates at https://status.example.com',
        placeholders: [{ name: 'issue', description: 'What happened, in a few words' }],
      })
      .expect(201);
    await as(approverA).post(`/api/templates/${template.body.id}/approve`, { version: 1 }).expect(200);
    const playbook = await as(lead)
      .post('/api/playbooks', {
        name: 'Checkout down',
        category: 'platform_outage',
        level: 2,
        contacts: [{ name: 'Dana Ruiz', role: 'Head of communications', email: 'dana@example.com', phone: '+34 600 000 000' }],
        pauseAds: false,
        messages: [{ templateId: template.body.id, templateVersion: 1, channelIds: [x], offsetMinutes: 0, values: { issue: 'a checkout outage' } }],
      })
      .expect(201);

    // A promotion approved and scheduled in two hours: the crisis holds it.
    const promo = await marketer.post('/api/posts', { text: PROMO, channelIds: [x], scheduledAt: new Date(Date.now() + 2 * 3600_000).toISOString() }).expect(201);
    promoId = promo.body.id as string;
    await as(approverA).post(`/api/posts/${promoId}/approve`, {}).expect(200);

    const activation = await as(lead).post('/api/crisis/activate', { reason: 'Checkout is down for most customers', playbookId: playbook.body.id }).expect(201);
    crisisId = activation.body.crisis.id as string;
    expect(activation.body.crisis.approvalsRequired).toBe(2);
    [statementId] = activation.body.replacementPostIds as string[];
    expect(statementId).toBeDefined();
  });

  afterAll(async () => {
    await browser?.close();
    await consoleApp?.close();
    await fake?.close();
  });

  it('shows the staged statement first; its author reads why they cannot approve it and the API refuses them', async () => {
    const { page } = lead;
    await openRoom(page);
    const statement = page.getByTestId('replacement-post').first();
    await statement.getByText(STATEMENT).waitFor(LONG);
    // The channel's name comes from the channels list, which may answer after the approvals queue.
    await statement.getByText('To Brand on X (X)').waitFor(LONG);
    expect(await statement.textContent()).toContain('waits for sign-off');
    expect(await statement.textContent()).toContain('Crisis approvals: 0 of 2');
    expect(await statement.textContent()).toContain('To Brand on X (X)');
    // First: the replacement posts come before what the crisis holds.
    const replacementsTop = (await page.getByRole('heading', { name: 'Replacement posts to approve first' }).boundingBox())!.y;
    const heldTop = (await page.getByRole('heading', { name: 'Held deliveries' }).boundingBox())!.y;
    expect(replacementsTop).toBeLessThan(heldTop);
    await statement.getByTestId('why-not').waitFor(LONG);
    expect(await statement.getByTestId('why-not').textContent()).toContain('Four eyes: you wrote or last edited this post');
    expect(await statement.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    const refused = await as(lead).post(`/api/posts/${statementId}/approve`, {}).expect(403);
    expect(refused.body.message).toContain('Four eyes');

    // What the room also shows: who is responsible, what is held, with its text.
    await page.getByText('Dana Ruiz').waitFor(LONG);
    await page.getByRole('link', { name: 'dana@example.com' }).waitFor(LONG);
    const held = page.getByTestId('held-delivery');
    await held.filter({ hasText: PROMO }).waitFor(LONG);
    expect(await held.filter({ hasText: PROMO }).textContent()).toContain('0 of 2');
  });

  it('adds a note that appears in the timeline', async () => {
    const { page } = lead;
    await openRoom(page);
    const timeline = page.getByTestId('crisis-timeline');
    await timeline.getByText('Crisis mode activated').waitFor(LONG);
    await page.getByLabel(/^Note or lesson learned/).fill('Status page updated by hand; automate it next time.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await timeline.getByText('Status page updated by hand; automate it next time.', { exact: false }).waitFor(LONG);
    await checkA11y(page, 'crisis-room');
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'crisis-room');
  });

  it('publishes the statement once two approvers approve it, and not before', async () => {
    await openRoom(approverA.page);
    const first = approverA.page.getByTestId('replacement-post').first();
    await first.getByRole('button', { name: /^Approve “We are aware/ }).click();
    await first.getByText('Crisis approvals: 1 of 2').waitFor(LONG);
    expect(await first.textContent()).toContain(approverA.person.name);
    expect(fake.tweets.filter((t) => t.text === STATEMENT)).toHaveLength(0);

    await openRoom(approverB.page);
    const second = approverB.page.getByTestId('replacement-post').first();
    await second.getByText('Crisis approvals: 1 of 2').waitFor(LONG);
    await second.getByRole('button', { name: /^Approve “We are aware/ }).click();
    await waitFor('the statement on the fake X', () => fake.tweets.find((t) => t.text === STATEMENT), 30_000);
    // Shown published without a reload: the engine's recorded outcome reaches the console through the live stream.
    await approverB.page.getByTestId('replacement-post').first().getByText('published', { exact: true }).waitFor(LONG);
  });

  it('releases a held delivery once two approvers approve it under the crisis policy', async () => {
    for (const who of [approverA, approverB]) {
      await openRoom(who.page);
      const row = who.page.getByTestId('held-delivery').filter({ hasText: PROMO });
      await row.getByRole('button', { name: /^Approve to release/ }).click();
      if (who === approverA) {
        await row.getByText('You approved it').waitFor(LONG);
        expect(await row.textContent()).toContain('1 of 2');
      }
    }
    await approverB.page.getByTestId('held-delivery').filter({ hasText: PROMO }).waitFor({ state: 'detached', ...LONG });
    const post = await as(approverB).get(`/api/posts/${promoId}`).expect(200);
    expect(post.body.deliveries).toEqual([expect.objectContaining({ state: 'scheduled', releasedByCrisisId: crisisId })]);
  });

  it('reports the time to first statement, prints, and downloads the Markdown', async () => {
    const api = await waitFor('the first statement in the report', async () => {
      const report = await as(lead).get(`/api/crises/${crisisId}/report`).expect(200);
      return report.body.firstStatement
        ? (report.body as { firstStatement: { minutesAfterActivation: number }; deliveries: { published: { postId: string; text: string }[] } })
        : undefined;
    });
    const { page } = lead;
    await page.goto(`/crises/${crisisId}/report`);
    await page.getByRole('heading', { name: 'Crisis report' }).waitFor(LONG);
    const first = page.getByTestId('time-to-first-statement');
    await first.getByText(`${api.firstStatement.minutesAfterActivation} min`).waitFor(LONG);
    await page.getByText('Status page updated by hand; automate it next time.').first().waitFor(LONG);
    // Each delivery says which post it was, by its text.
    const statement = api.deliveries.published[0];
    expect(statement.text.length).toBeGreaterThan(0);
    await page.getByRole('cell').filter({ hasText: statement.text.slice(0, 40) }).first().waitFor(LONG);
    await page.getByRole('button', { name: 'Print' }).waitFor(LONG);
    // The print stylesheet leaves only the report: no navigation, no buttons.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
    expect(await page.getByRole('heading', { name: 'Crisis report' }).isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download Markdown' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^crisis-report-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.md$/);
    const markdown = readFileSync((await download.path()), 'utf8');
    expect(markdown).toContain('# Crisis report: Checkout is down for most customers');
    expect(markdown).toContain(`| Time to first published statement | ${api.firstStatement.minutesAfterActivation} min (x) |`);
    expect(markdown).toContain('Status page updated by hand; automate it next time.');

    await checkA11y(page, 'crisis-report');
    await screenshot(page, 'crisis-report');
  });

  it('lists the crisis among the past ones with its report once it has ended', async () => {
    await as(lead).post('/api/crisis/deactivate', { note: 'Checkout restored' }).expect(200);
    const { page } = lead;
    await page.goto('/crisis');
    await page.getByRole('heading', { name: 'Crisis', exact: true }).waitFor(LONG);
    await page.getByRole('heading', { name: 'Past crises' }).waitFor(LONG);
    const row = page.getByRole('row').filter({ hasText: 'Checkout is down for most customers' });
    expect(await row.textContent()).toContain('Level 2');
    await row.getByRole('link', { name: /^Report/ }).click();
    await page.waitForURL(`**/crises/${crisisId}/report`);
    await page.getByText(/ended .* after [\d.]+ min/).waitFor(LONG);
    await page.getByText('Closing note: Checkout restored').waitFor(LONG);
    await page.goto('/crisis');
    await page.getByRole('heading', { name: 'Past crises' }).waitFor(LONG);
    await checkA11y(page, 'crisis-past');
  });
});
