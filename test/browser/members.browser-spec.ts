// The Members screen and My account in a real browser: an admin adds, edits, re-invites and disables members, ends
// their sessions and handles their keys; the last admin keeps admin; a viewer sees none of it and the API refuses
// what the viewer's page sends anyway; every member signs out their own sessions and revokes their own keys.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import request from 'supertest';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage, signIn, type SignedIn } from '../support/browser';
import { inviteToken } from '../support/console-session';

// A loaded machine runs several browsers and services at once: a scenario gets two minutes.
jest.setTimeout(120_000);

describe('Members and My account', () => {
  let consoleApp: ConsoleApp;
  let browser: Browser;
  let admin: SignedIn;
  const contexts: BrowserContext[] = [];

  async function newPage(baseURL = consoleApp.url): Promise<Page> {
    const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/Madrid' });
    contexts.push(context);
    return context.newPage();
  }

  async function openMembers(page: Page): Promise<void> {
    await page.goto('/members');
    await page.getByRole('heading', { name: 'Members', exact: true }).waitFor();
    await page.getByTestId('member-row').first().waitFor();
  }

  /** Opens a member's panel from the list; answers the drawer. */
  async function manage(page: Page, name: string): Promise<Locator> {
    await page.getByRole('button', { name: `Manage ${name}`, exact: true }).click();
    const panel = page.getByRole('dialog', { name });
    await panel.waitFor();
    return panel;
  }

  beforeAll(async () => {
    [consoleApp, browser] = await Promise.all([ConsoleApp.start(), launchBrowser()]);
    admin = await signedInPage(browser, consoleApp, 'admin');
    contexts.push(admin.context);
  });

  afterAll(async () => {
    for (const context of contexts) {
      await context.close();
    }
    await browser?.close();
    await consoleApp?.close();
  });

  it('lists members with their roles and status: invited, active, disabled', async () => {
    await consoleApp.app.admin.post('/api/members', { name: 'Ivy Invited', email: 'ivy@example.com', roles: ['approver', 'viewer'] }).expect(201);
    await consoleApp.person('marketer', { name: 'Ada Active' });
    const gone = await consoleApp.person('viewer', { name: 'Dan Disabled' });
    await consoleApp.app.admin.delete(`/api/members/${gone.id}`).expect(204);

    const page = admin.page;
    await openMembers(page);
    const row = (name: string) => page.getByRole('row', { name: new RegExp(name) });
    await row('Ivy Invited').getByText('Invited', { exact: true }).waitFor();
    expect(await row('Ivy Invited').innerText()).toMatch(/ivy@example\.com[\s\S]*Approver[\s\S]*Viewer/i);
    await row('Ada Active').getByText('Active', { exact: true }).waitFor();
    await row('Dan Disabled').getByText('Disabled', { exact: true }).waitFor();
    await row(admin.person.name).getByText('(you)').waitFor();
    await checkA11y(page, 'members');
    await screenshot(page, 'members');
  });

  it('adds a member with roles and shows the invite link once, with its expiry', async () => {
    const page = admin.page;
    await openMembers(page);
    await page.getByRole('button', { name: 'Add a member' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a member' });
    // Nothing chosen: said on the fields, nothing sent.
    await dialog.getByRole('button', { name: 'Add and get the invite link' }).click();
    await dialog.getByText('Enter the member’s name').waitFor();
    await dialog.getByText('Choose at least one role').waitFor();
    await dialog.getByLabel('Name').fill('Pia Planner');
    await dialog.getByLabel('Email').fill('not an address');
    await dialog.getByRole('checkbox', { name: 'Marketer' }).check();
    await dialog.getByRole('checkbox', { name: 'Approver' }).check();
    await dialog.getByRole('button', { name: 'Add and get the invite link' }).click();
    // The service's validation lands on the field.
    await dialog.getByText('email must be an e-mail address').waitFor();
    await dialog.getByLabel('Email').fill('pia@example.com');
    await dialog.getByRole('button', { name: 'Add and get the invite link' }).click();

    const added = page.getByRole('dialog', { name: 'Pia Planner is added' });
    const link = await added.getByLabel('Invite link', { exact: true }).inputValue();
    expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]+$/);
    await added.getByText(/It works once, until .*2026|It works once, until/).waitFor();
    expect(await added.getByText(/Expires /).innerText()).toMatch(/Expires \w+/);
    await checkA11y(page, 'members-invite-link');
    await screenshot(page, 'members-invite-link');
    await added.getByRole('button', { name: 'Done' }).click();

    // Shown once: the list and the panel never show it again.
    const row = page.getByRole('row', { name: /Pia Planner/ });
    await row.getByText('Invited', { exact: true }).waitFor();
    expect(await row.innerText()).toMatch(/Marketer[\s\S]*Approver/i);
    expect(await page.content()).not.toContain(inviteToken(link));
    const listed = (await consoleApp.app.admin.get('/api/members').expect(200)).body as { name: string; roles: string[] }[];
    expect(listed.find((m) => m.name === 'Pia Planner')?.roles).toEqual(['marketer', 'approver']);
    const details = await request(consoleApp.app.app.getHttpServer()).get(`/api/auth/invites/${inviteToken(link)}`).expect(200);
    expect(details.body).toMatchObject({ memberName: 'Pia Planner', email: 'pia@example.com' });
  });

  it('selects the invite link for copying by hand when the browser has no clipboard (http on a LAN name)', async () => {
    const lan = await signedInPage(browser, consoleApp, 'admin', { baseUrl: consoleApp.lanUrl });
    contexts.push(lan.context);
    expect(await lan.page.evaluate(() => (globalThis as unknown as { isSecureContext: boolean }).isSecureContext)).toBe(false);
    await openMembers(lan.page);
    await lan.page.getByRole('button', { name: 'Add a member' }).click();
    const dialog = lan.page.getByRole('dialog', { name: 'Add a member' });
    await dialog.getByLabel('Name').fill('Lan Lee');
    await dialog.getByRole('checkbox', { name: 'Viewer' }).check();
    await dialog.getByRole('button', { name: 'Add and get the invite link' }).click();
    const added = lan.page.getByRole('dialog', { name: 'Lan Lee is added' });
    await added.getByRole('button', { name: 'Copy invite link' }).click();
    await added.getByText(/the text is selected, press Ctrl\+C/).waitFor();
    const selection = await lan.page.evaluate(() => {
      // Runs in the page: the DOM's types are not in the service's tsconfig.
      type Input = { value: string; selectionStart: number | null; selectionEnd: number | null };
      const input = (globalThis as unknown as { document: { activeElement: Input } }).document.activeElement;
      return input.value.slice(input.selectionStart ?? 0, input.selectionEnd ?? 0);
    });
    expect(selection).toMatch(/\/invite\/[A-Za-z0-9_-]+$/);
    expect(selection).toBe(await added.getByLabel('Invite link', { exact: true }).inputValue());
  });

  it('edits roles, and shows the service’s refusal when the last admin would lose admin', async () => {
    const ada = await consoleApp.person('marketer', { name: 'Rita Roles' });
    const page = admin.page;
    await openMembers(page);
    let panel = await manage(page, 'Rita Roles');
    await panel.getByRole('checkbox', { name: 'Approver' }).check();
    await panel.getByRole('button', { name: 'Save roles' }).click();
    await panel.getByText('Roles saved.').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('row', { name: /Rita Roles/ }).getByText('Approver').waitFor();
    const after = await consoleApp.app.admin.get(`/api/members/${ada.id}`).expect(200);
    expect(after.body.roles).toEqual(['marketer', 'approver']);

    // A workspace whose only admin is the one signed in.
    const solo = await consoleApp.app.otherWorkspace('Solo Shop');
    const invite = await solo.post(`/api/members/${solo.memberId}/invite`).expect(201);
    const server = consoleApp.app.app.getHttpServer();
    await request(server)
      .post(`/api/auth/invites/${inviteToken((invite.body as { url: string }).url)}/accept`)
      .set('Origin', consoleApp.url)
      .send({ email: 'solo@example.com', password: 'a quiet harbour keeps its one keeper' })
      .expect(200);
    const soloPage = await newPage();
    await signIn(soloPage, { email: 'solo@example.com', password: 'a quiet harbour keeps its one keeper' });
    await openMembers(soloPage);
    const soloName = ((await solo.get('/api/members/me').expect(200)).body as { name: string }).name;
    panel = await manage(soloPage, soloName);
    await panel.getByRole('checkbox', { name: 'Admin' }).uncheck();
    await panel.getByRole('checkbox', { name: 'Viewer' }).check();
    await panel.getByRole('button', { name: 'Save roles' }).click();
    await panel.getByText('A workspace must keep at least one admin: make another member admin first').waitFor();
    expect(((await solo.get('/api/members/me').expect(200)).body as { roles: string[] }).roles).toEqual(['admin']);
    await checkA11y(soloPage, 'members-last-admin');
  });

  it('issues a new invite link (the older one stops working), and issues and revokes an API key shown once', async () => {
    const created = await consoleApp.app.admin.post('/api/members', { name: 'Kim Keys', email: 'kim@example.com', roles: ['marketer'] }).expect(201);
    const firstLink = (created.body as { invite: { url: string } }).invite.url;
    const page = admin.page;
    await openMembers(page);
    const panel = await manage(page, 'Kim Keys');
    await panel.getByRole('button', { name: 'Issue a new invite link' }).click();
    const newLink = await panel.getByLabel('New invite link', { exact: true }).inputValue();
    expect(newLink).not.toBe(firstLink);
    await panel.getByText(/Works once, until .+\. Shown only now\./).waitFor();
    const server = consoleApp.app.app.getHttpServer();
    await request(server).get(`/api/auth/invites/${inviteToken(firstLink)}`).expect(404);
    await request(server).get(`/api/auth/invites/${inviteToken(newLink)}`).expect(200);

    await panel.getByLabel('Key name').fill('CI deploy');
    await panel.getByRole('button', { name: 'Issue an API key' }).click();
    const key = await panel.getByLabel('New API key', { exact: true }).inputValue();
    expect(key).toMatch(/^hf_/);
    const keyRow = panel.getByRole('row', { name: /CI deploy/ });
    await keyRow.getByText('Active', { exact: true }).waitFor();
    await request(server).get('/api/members/me').set('Authorization', `Bearer ${key}`).expect(200);
    await checkA11y(page, 'members-panel');
    await screenshot(page, 'members-panel');

    await keyRow.getByRole('button', { name: 'Revoke' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke this API key?' });
    await confirm.getByRole('button', { name: 'Revoke the key' }).click();
    await keyRow.getByText(/^Revoked/).waitFor();
    await request(server).get('/api/members/me').set('Authorization', `Bearer ${key}`).expect(401);
  });

  it('revokes a member’s session: that member’s next action lands on the sign-in page', async () => {
    const member = await signedInPage(browser, consoleApp, 'marketer');
    contexts.push(member.context);
    const page = admin.page;
    await openMembers(page);
    const panel = await manage(page, member.person.name);
    const session = panel.getByTestId('session-row');
    await session.first().waitFor();
    expect(await session.count()).toBe(1);
    expect(await session.first().innerText()).toMatch(/Chrome/);
    await session.first().getByRole('button', { name: 'Revoke' }).click();
    await panel.getByText(`${member.person.name} is not signed in anywhere`).waitFor();

    await member.page.getByRole('link', { name: 'My account' }).click();
    await member.page.getByRole('heading', { name: 'Sign in to Holdfast' }).waitFor();
    expect(new URL(member.page.url()).pathname).toBe('/sign-in');
  });

  it('disables a member after a confirmation that says every session and key ends', async () => {
    const member = await signedInPage(browser, consoleApp, 'approver');
    contexts.push(member.context);
    const page = admin.page;
    await openMembers(page);
    const panel = await manage(page, member.person.name);
    await panel.getByRole('button', { name: `Disable ${member.person.name}` }).click();
    const confirm = page.getByRole('dialog', { name: `Disable ${member.person.name}?` });
    await confirm.getByText(/Every session and every API key of .+ ends now/).waitFor();
    await checkA11y(page, 'members-disable');
    await confirm.getByRole('button', { name: 'Disable the member' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await page.getByRole('row', { name: new RegExp(member.person.name) }).getByText('Disabled', { exact: true }).waitFor();

    await request(consoleApp.app.app.getHttpServer()).get('/api/members/me').set('Authorization', `Bearer ${member.person.apiKey}`).expect(401);
    await member.page.reload();
    await member.page.getByRole('heading', { name: 'Sign in to Holdfast' }).waitFor();
  });

  it('shows a viewer no edit controls, and the API refuses a member change sent from the viewer’s page', async () => {
    const viewer = await signedInPage(browser, consoleApp, 'viewer');
    contexts.push(viewer.context);
    const page = viewer.page;
    const nav = page.getByRole('navigation', { name: 'Sections' });
    await nav.getByRole('link', { name: 'Calendar' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Members' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Compose' }).count()).toBe(0);
    await nav.getByRole('link', { name: 'My account' }).waitFor();

    await page.goto('/members');
    await page.getByRole('heading', { name: 'Members are managed by admins' }).waitFor();
    expect(await page.getByRole('button', { name: 'Add a member' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Manage / }).count()).toBe(0);
    await checkA11y(page, 'members-no-access');

    const target = admin.person.id;
    const refused = await page.evaluate(async (id) => {
      const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
      const res = await fetch(`/api/members/${id}`, {
        method: 'PATCH',
        referrerPolicy: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken },
        body: JSON.stringify({ roles: ['viewer'] }),
      });
      return { status: res.status, body: (await res.json()) as { message: string } };
    }, target);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBeTruthy();
    const unchanged = await consoleApp.app.admin.get(`/api/members/${target}`).expect(200);
    expect(unchanged.body.roles).toEqual(['admin']);
  });

  it('lets every member sign out their own sessions and revoke their own API keys', async () => {
    const laptop = await signedInPage(browser, consoleApp, 'marketer');
    contexts.push(laptop.context);
    const phone = await newPage();
    await signIn(phone, laptop.person);

    const page = laptop.page;
    await page.getByRole('link', { name: 'My account' }).click();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    const sessions = page.getByTestId('session-row');
    await sessions.nth(1).waitFor();
    expect(await sessions.count()).toBe(2);
    const current = sessions.filter({ hasText: 'This browser' });
    expect(await current.count()).toBe(1);
    const keyRow = page.getByTestId('api-key-row').filter({ hasText: 'first key' });
    await keyRow.getByText('Active', { exact: true }).waitFor();
    await checkA11y(page, 'account');
    await screenshot(page, 'account');

    // The other browser: signed out from here, its next action lands on the sign-in page.
    await sessions.filter({ hasNotText: 'This browser' }).getByRole('button', { name: 'Sign out this session' }).click();
    await page.getByTestId('session-row').nth(1).waitFor({ state: 'detached' });
    await phone.getByRole('link', { name: 'My account' }).click();
    await phone.getByRole('heading', { name: 'Sign in to Holdfast' }).waitFor();

    // An API key of one's own.
    await keyRow.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog', { name: 'Revoke this API key?' }).getByRole('button', { name: 'Revoke the key' }).click();
    await keyRow.getByText(/^Revoked/).waitFor();
    await request(consoleApp.app.app.getHttpServer()).get('/api/members/me').set('Authorization', `Bearer ${laptop.person.apiKey}`).expect(401);

    // And this browser's own session.
    await page.getByTestId('session-row').filter({ hasText: 'This browser' }).getByRole('button', { name: 'Sign out this session' }).click();
    await page.getByRole('heading', { name: 'Sign in to Holdfast' }).waitFor();
    await page.goto('/account');
    await page.getByRole('heading', { name: 'Sign in to Holdfast' }).waitFor();
  });
});
