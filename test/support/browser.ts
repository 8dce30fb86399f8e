// The console in a real browser: the service listening on loopback with the built console, Chromium from
// @sparticuz/chromium (shipped inside its npm package: no download), and helpers to sign people in.
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { chromium as playwright, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import request from 'supertest';
import type { Role } from '../../src/common/roles';
import { TestApp, type TestAppOptions } from './test-app';

export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-artifacts', 'screenshots');

/** A name that is not localhost, resolved by the browser to loopback: the console must work on a LAN address over http. */
export const LAN_HOST = 'holdfast.lan';

export class ConsoleApp {
  private counter = 0;

  private constructor(
    readonly app: TestApp,
    readonly port: number,
  ) {}

  /**
   * `publicUrl`: the service knows the address it is reached at (PUBLIC_URL, for OAuth redirect URIs), so a free
   * port is chosen before it starts.
   */
  static async start(options: TestAppOptions & { publicUrl?: boolean } = {}): Promise<ConsoleApp> {
    const chosen = options.publicUrl ? await freePort() : 0;
    const env = options.publicUrl ? { PUBLIC_URL: `http://127.0.0.1:${chosen}`, ...options.env } : options.env;
    const app = await TestApp.start({ ...options, env });
    await app.app.listen(chosen, '127.0.0.1');
    const { port } = app.app.getHttpServer().address() as AddressInfo;
    return new ConsoleApp(app, port);
  }

  /** http://127.0.0.1:<port> */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** http://holdfast.lan:<port>: the same service under a LAN name (see launchBrowser). */
  get lanUrl(): string {
    return `http://${LAN_HOST}:${this.port}`;
  }

  /** A member added by the admin through the API, with a password set through the invite link. */
  async person(roles: Role | Role[], options: { name?: string; email?: string; password?: string } = {}): Promise<Person> {
    const list = Array.isArray(roles) ? roles : [roles];
    const n = ++this.counter;
    const name = options.name ?? `${list.map((role) => role[0].toUpperCase() + role.slice(1)).join(' ')} ${n}`;
    const email = options.email ?? `person${n}.${list.join('-')}@example.com`;
    const password = options.password ?? `long enough passphrase ${n} for tests`;
    const created = await this.app.admin.post('/api/members', { name, email, roles: list }).expect(201);
    const body = created.body as { member: { id: string }; apiKey: { key: string }; invite: { url: string } };
    const token = new URL(body.invite.url).pathname.split('/').pop()!;
    const server = this.app.app.getHttpServer();
    const accepted = await request(server).post(`/api/auth/invites/${token}/accept`).set('Origin', this.url).send({ password }).expect(200);
    // Accepting signs the member in; that API-side session is ended so the person's sessions are only the browser's.
    await request(server)
      .post('/api/auth/sign-out')
      .set('Origin', this.url)
      .set('Cookie', String(accepted.headers['set-cookie']).split(';')[0])
      .set('X-CSRF-Token', (accepted.body as { csrfToken: string }).csrfToken)
      .expect(204);
    return { id: body.member.id, name, email, password, roles: list, apiKey: body.apiKey.key };
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

/** A port nothing listens on now (the kernel's pick, released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Person {
  id: string;
  name: string;
  email: string;
  password: string;
  roles: Role[];
  /** The member's API key, to arrange or check through the API what the browser did. */
  apiKey: string;
}

/**
 * Flags of @sparticuz/chromium (made for serverless) that would make the test browser unlike a person's:
 * - --single-process: browser contexts share one cookie store (a second person's context arrived signed in as the first);
 * - --disable-web-security: no same-origin policy, so a page on another origin could read the session and its CSRF
 *   token (the cross-origin test caught exactly that);
 * - --allow-running-insecure-content: mixed content allowed, which would hide a console that loads http assets on https.
 */
const UNFAITHFUL_ARGS = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials']);

export async function launchBrowser(): Promise<Browser> {
  // The package is ESM with a default export; loaded lazily so unit tests never touch it.
  const { default: chromium } = (await import('@sparticuz/chromium')) as unknown as { default: { executablePath(): Promise<string>; args: string[] } };
  return playwright.launch({
    executablePath: await chromium.executablePath(),
    args: [...chromium.args.filter((arg) => !UNFAITHFUL_ARGS.has(arg)), `--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`],
    headless: true,
  });
}

export interface SignedIn {
  context: BrowserContext;
  page: Page;
  person: Person;
}

/** A new browser context (its own cookies) with the person signed in through the sign-in page. */
export async function signedInPage(browser: Browser, consoleApp: ConsoleApp, roles: Role | Role[], options: { timeZone?: string; baseUrl?: string } = {}): Promise<SignedIn> {
  const person = await consoleApp.person(roles);
  const context = await browser.newContext({ baseURL: options.baseUrl ?? consoleApp.url, timezoneId: options.timeZone ?? 'Europe/Madrid', viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await signIn(page, person);
  return { context, page, person };
}

export async function signIn(page: Page, person: Pick<Person, 'email' | 'password'>): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(person.email);
  // Not exact: Playwright reads the required field's aria-hidden " *" into the label; the regex skips the visibility toggle.
  await page.getByLabel(/^Password\b/).fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-as').waitFor();
}

/** Fails on serious or critical accessibility violations (axe-core, WCAG 2 A and AA), naming each. */
export async function checkA11y(page: Page, name: string): Promise<void> {
  // A modal still fading in blends its colours with the page's: axe would judge a contrast no one sees at rest.
  // (A string: the tests compile without the DOM's types.) Endless animations, such as a loader's, are not waited for.
  await page.evaluate(
    'Promise.all(document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity).map((a) => a.finished.catch(() => undefined)))',
  );
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  const described = serious.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.slice(0, 5).map((node) => `${node.target.join(' ')} [${node.failureSummary ?? ''}]`).join('; ')}`);
  expect({ screen: name, violations: described }).toEqual({ screen: name, violations: [] });
}

/**
 * Saves test-artifacts/screenshots/<name>.png (git-ignored) for a person to look at: what the window shows, since a
 * full-page capture of the shell draws its fixed header in the middle of the page.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Drags with the mouse as a person does: FullCalendar starts a drag after a few pixels of movement and follows the pointer. */
export async function dragTo(page: Page, source: Locator, target: Locator): Promise<void> {
  // Both ends on screen: the mouse moves in the viewport's coordinates.
  await target.scrollIntoViewIfNeeded();
  await source.scrollIntoViewIfNeeded();
  const from = (await source.boundingBox())!;
  const to = (await target.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 5, { steps: 5 });
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 20 });
  await page.mouse.up();
}
