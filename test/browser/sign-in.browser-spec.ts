// Signing in to the console in a real browser: an invite taken from the Members screen to a first sign-in, wrong
// passwords and the throttle, used and expired links, a workspace choice, and CSRF: a change needs the session's token,
// and a page on another origin cannot make one with the member's cookie.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { waitFor } from '../support/wait';
import { checkA11y, ConsoleApp, launchBrowser, screenshot, signedInPage, signIn } from '../support/browser';
import { inviteToken } from '../support/console-session';

/** A state-changing fetch from the signed-in page, as a script on that page could send it. */
async function fetchFromPage(page: Page, path: string, init: { method: string; body?: unknown; csrf: boolean }): Promise<{ status: number; body: { message?: string } }> {
  return page.evaluate(async ({ path, init }) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (init.csrf) {
      const session = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
      headers['X-CSRF-Token'] = session.csrfToken;
    }
    const res = await fetch(path, { method: init.method, headers, referrerPolicy: 'same-origin', body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as { message?: string } };
  }, { path, init });
}

// A loaded machine runs several browsers and services at once: a scenario gets two minutes.
jest.setTimeout(120_000);

describe('Signing in to the console', () => {
  let consoleApp: ConsoleApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function newPage(baseURL = consoleApp.url): Promise<Page> {
    const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/Madrid' });
    contexts.push(context);
    return context.newPage();
  }

  beforeAll(async () => {
    [consoleApp, browser] = await Promise.all([
      // A short throttle so the test can see it end; the address limit stays out of the way of the file's other tests.
      ConsoleApp.start({ captureLogs: true, env: { SIGN_IN_ACCOUNT_FAILURES: '3', SIGN_IN_THROTTLE_MINUTES: '1', SIGN_IN_ADDRESS_FAILURES: '1000' } }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    for (const context of contexts) {
      await context.close();
    }
    await browser?.close();
    await consoleApp?.close();
  });

  it('takes an invite from the Members screen to a first sign-in in another browser, then signs out and in again', async () => {
    const admin = await signedInPage(browser, consoleApp, 'admin');
    contexts.push(admin.context);
    await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: consoleApp.url });
    const page = admin.page;
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('button', { name: 'Add a member' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a member' });
    await dialog.getByLabel('Name').fill('Nora Newcomer');
    await dialog.getByLabel('Email').fill('nora@example.com');
    await dialog.getByRole('checkbox', { name: 'Marketer' }).check();
    await dialog.getByRole('button', { name: 'Add and get the invite link' }).click();
    const added = page.getByRole('dialog', { name: 'Nora Newcomer is added' });
    await added.getByRole('button', { name: 'Copy invite link' }).click();
    await added.getByText('Copied to the clipboard.').waitFor();
    const copied = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    expect(copied).toBe(await added.getByLabel('Invite link', { exact: true }).inputValue());
    expect(copied).toMatch(/\/invite\/[A-Za-z0-9_-]+$/);
    await added.getByText(/It works once, until/).waitFor();
    await added.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('row', { name: /Nora Newcomer/ }).getByText('Invited').waitFor();

    // Another browser: the person the link was given to.
    const nora = await newPage();
    await nora.goto(new URL(copied).pathname);
    await nora.getByRole('heading', { name: `Welcome to ${await workspaceName()}` }).waitFor();
    await nora.getByText('Nora Newcomer, choose the password you will sign in with.').waitFor();
    await checkA11y(nora, 'invite-accept');
    await screenshot(nora, 'invite-accept');

    const password = nora.getByLabel('Password', { exact: true });
    const repeat = nora.getByLabel('Repeat the password');
    const submit = nora.getByRole('button', { name: 'Set password and sign in' });
    await password.fill('too short');
    await nora.getByText('Password must be at least 12 characters (9 so far)').waitFor();
    expect(await submit.isDisabled()).toBe(true);

    await password.fill('password1234');
    await repeat.fill('password1234');
    await submit.click();
    await nora.getByText('Password is too common').waitFor();
    expect(new URL(nora.url()).pathname).toBe(new URL(copied).pathname);

    await password.fill('a long walk by the northern sea');
    await repeat.fill('a long walk by the northern sea');
    await submit.click();
    await nora.getByTestId('signed-in-as').getByText('Nora Newcomer').waitFor();
    expect(new URL(nora.url()).pathname).toBe('/calendar');

    await nora.getByRole('button', { name: 'Sign out' }).click();
    await nora.getByRole('heading', { name: 'Sign in to Holdfast' }).waitFor();
    expect((await nora.context().cookies()).filter((cookie) => cookie.name === 'holdfast_session' && cookie.value)).toEqual([]);
    await signIn(nora, { email: 'nora@example.com', password: 'a long walk by the northern sea' });
    await nora.getByTestId('signed-in-as').getByText('Nora Newcomer').waitFor();

    // The admin's list now says she is active; the link she used is spent.
    await page.reload();
    await page.getByRole('row', { name: /Nora Newcomer/ }).getByText('Active').waitFor();
    const again = await newPage();
    await again.goto(new URL(copied).pathname);
    await again.getByRole('heading', { name: 'This invite link cannot be used' }).waitFor();
    await again.getByText(/used already, or an admin issued a newer link/).waitFor();
    await checkA11y(again, 'invite-used');
  });

  it('says when an invite link has expired', async () => {
    const created = await consoleApp.app.admin.post('/api/members', { name: 'Late Larry', roles: ['viewer'] }).expect(201);
    const url = (created.body as { invite: { url: string } }).invite.url;
    await consoleApp.app.sql(`UPDATE member_invites SET expires_at = now() - interval '1 minute' WHERE member_id = $1`, [(created.body as { member: { id: string } }).member.id]);
    const page = await newPage();
    await page.goto(new URL(url).pathname);
    await page.getByRole('heading', { name: 'This invite link has expired' }).waitFor();
    await page.getByText('Invite links work for 72 hours. Ask an admin of your workspace for a new one.').waitFor();
    await checkA11y(page, 'invite-expired');
  });

  it('answers a wrong password and an unknown email alike, then throttles even the right password until the window passes', async () => {
    const person = await consoleApp.person('viewer');
    const page = await newPage();
    await page.goto('/sign-in');
    const attempt = async (email: string, password: string): Promise<string> => {
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(password);
      const answered = page.waitForResponse((res) => res.url().endsWith('/api/auth/sign-in'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await answered;
      return page.getByTestId('sign-in-refusal').innerText();
    };

    const unknown = await attempt('nobody-here@example.com', 'whatever it is today');
    expect(unknown).toContain('Wrong email or password');
    const wrong = await attempt(person.email, 'not the right password');
    expect(wrong).toContain('Wrong email or password');
    expect(wrong.replace(/\s+/g, ' ')).toBe(unknown.replace(/\s+/g, ' '));

    let refusal = wrong;
    for (let tries = 0; tries < 5 && !refusal.includes('Too many'); tries++) {
      refusal = await attempt(person.email, 'not the right password');
    }
    expect(refusal).toContain('Too many failed sign-ins: try again in');

    // The right password now: refused all the same, with the time to come back.
    refusal = await attempt(person.email, person.password);
    expect(refusal).toContain('Too many attempts');
    expect(refusal).toContain('Too many failed sign-ins');
    expect(await page.getByTestId('retry-at').innerText()).toMatch(/^You can try again at .+ \(in \d+ s\)\.$/);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await checkA11y(page, 'sign-in-throttled');
    await screenshot(page, 'sign-in-throttled');

    // The window (one minute here) passes: the page says so, and the right password works.
    await page.getByText('The wait is over: you can try again now.').waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor();
    expect(new URL(page.url()).pathname).toBe('/calendar');
  }, 150_000);

  it('asks which workspace when the same email and password open two', async () => {
    const password = 'two workspaces one passphrase';
    const email = 'dual@example.com';
    const inFirst = await consoleApp.app.admin.post('/api/members', { name: 'Dual First', email, roles: ['viewer'] }).expect(201);
    const other = await consoleApp.app.otherWorkspace('Second Brand');
    const inSecond = await other.post('/api/members', { name: 'Dual Second', email, roles: ['marketer'] }).expect(201);
    const server = consoleApp.app.app.getHttpServer();
    for (const created of [inFirst, inSecond]) {
      const token = inviteToken((created.body as { invite: { url: string } }).invite.url);
      await request(server).post(`/api/auth/invites/${token}/accept`).set('Origin', consoleApp.url).send({ password }).expect(200);
    }
    const page = await newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const choice = page.getByRole('radiogroup', { name: 'Workspace' });
    await choice.waitFor();
    expect(await page.getByRole('button', { name: 'Sign in' }).isDisabled()).toBe(true);
    await checkA11y(page, 'sign-in-choose-workspace');
    await choice.getByRole('radio', { name: 'Second Brand' }).check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').getByText('Dual Second').waitFor();
  });

  it('refuses a change sent without the session’s CSRF token, and makes it with the token', async () => {
    const admin = await signedInPage(browser, consoleApp, 'admin');
    contexts.push(admin.context);
    const without = await fetchFromPage(admin.page, '/api/members', { method: 'POST', body: { name: 'No Token', roles: ['viewer'] }, csrf: false });
    expect(without.status).toBe(403);
    expect(without.body.message).toMatch(/CSRF/);
    const withToken = await fetchFromPage(admin.page, '/api/members', { method: 'POST', body: { name: 'With Token', roles: ['viewer'] }, csrf: true });
    expect(withToken.status).toBe(201);
    const names = ((await consoleApp.app.admin.get('/api/members').expect(200)).body as { name: string }[]).map((m) => m.name);
    expect(names).toContain('With Token');
    expect(names).not.toContain('No Token');
  });

  it('lets no page on another origin make a change with the member’s cookie', async () => {
    const admin = await signedInPage(browser, consoleApp, 'admin');
    contexts.push(admin.context);
    const target = consoleApp.url;
    // The attacker's page: a script that posts with the cookie, and a form that posts sign-out.
    const evil = `<!doctype html><html lang="en"><head><title>Win a prize</title></head><body>
      <form id="out" method="POST" action="${target}/api/auth/sign-out"></form>
      <script>
        window.results = {};
        fetch('${target}/api/members', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' },
          body: JSON.stringify({ name: 'Evil Twin', roles: ['admin'] }) }).then(() => { window.results.post = 'sent'; }, () => { window.results.post = 'failed'; });
        fetch('${target}/api/auth/session', { credentials: 'include' }).then(
          (res) => res.text().then((text) => { window.results.read = text; }),
          () => { window.results.read = 'blocked'; });
      </script></body></html>`;
    const attacker: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(evil);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    try {
      const attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
      expect(new URL(attackerUrl).origin).not.toBe(new URL(target).origin);
      const page = await admin.context.newPage();
      // A no-cors answer is opaque to the page (Playwright reports no response for it): the service's request log says
      // the forged POST arrived, with the member's cookie, and was refused.
      await page.goto(attackerUrl);
      const refused = await waitFor('the forged POST in the request log', () =>
        consoleApp.app.logs.find((line) => line.includes('"method":"POST"') && line.includes('"path":"/api/members"') && line.includes('"statusCode":403')),
      );
      expect(refused).toBeDefined();
      // These callbacks run in the page (the DOM's types are not in the service's tsconfig).
      type Results = { results: Record<string, string> };
      await page.waitForFunction(() => {
        const results = (globalThis as unknown as Results).results;
        return results.post !== undefined && results.read !== undefined;
      });
      // The session (and its CSRF token) cannot be read from there either.
      expect(await page.evaluate(() => (globalThis as unknown as Results).results.read)).toBe('blocked');

      const signedOut = page.waitForResponse((res) => res.url() === `${target}/api/auth/sign-out`);
      await page.evaluate(() => (globalThis as unknown as { document: { getElementById(id: string): { submit(): void } } }).document.getElementById('out').submit());
      expect((await signedOut).status()).toBe(403);

      const names = ((await consoleApp.app.admin.get('/api/members').expect(200)).body as { name: string }[]).map((m) => m.name);
      expect(names).not.toContain('Evil Twin');
      // Still signed in: the forged sign-out changed nothing.
      await admin.page.reload();
      await admin.page.getByTestId('signed-in-as').getByText(admin.person.name).waitFor();
    } finally {
      await new Promise((resolve) => attacker.close(resolve));
    }
  });

  async function workspaceName(): Promise<string> {
    return ((await consoleApp.app.admin.get('/api/workspace').expect(200)).body as { name: string }).name;
  }
});
