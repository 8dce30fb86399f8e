// Drives a connect flow the way a browser does, for API tests: a signed-in admin starts it, the platform's
// (fake) consent page redirects back, and the console session follows the callback to the console.
import { expect } from '@jest/globals';
import { ConsoleUser, inviteToken } from './console-session';
import type { TestApp } from './test-app';

/** PUBLIC_URL of the TestApps that run connect flows: the redirect URIs and the console's origin. */
export const CONNECT_ORIGIN = 'http://console.test';
const PASSWORD = 'a long enough passphrase for connect tests';
let people = 0;

/** A new member with these roles who accepted the invite: signed in to the console (cookie + CSRF token). */
export async function signedInMember(t: TestApp, roles: string[] = ['admin']): Promise<{ id: string; user: ConsoleUser }> {
  const n = ++people;
  const res = await t.admin.post('/api/members', { name: `Connector ${n}`, email: `connector${n}.${Date.now()}@example.com`, roles }).expect(201);
  const body = res.body as { member: { id: string }; invite: { url: string } };
  const user = new ConsoleUser(t.app.getHttpServer(), CONNECT_ORIGIN);
  await user.acceptInvite(inviteToken(body.invite.url), { password: PASSWORD }).expect(200);
  return { id: body.member.id, user };
}

/** Opens the consent URL on the fake as a browser would; answers where the platform sends the browser (the callback URL). */
export async function consent(authorizeUrl: string): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status < 300 || res.status > 399 || !location) {
    throw new Error(`The consent page answered ${res.status} without a redirect: ${await res.text()}`);
  }
  return new URL(location, authorizeUrl);
}

/** Follows the platform's redirect to Holdfast's callback with this browser; answers where the console is sent. */
export async function callback(user: ConsoleUser, callbackUrl: URL): Promise<URL> {
  const res = await user.get(callbackUrl.pathname + callbackUrl.search);
  expect(res.status).toBe(303);
  expect(res.headers['cache-control']).toBe('no-store');
  return new URL(res.headers.location);
}

/** Start, consent and callback in one: answers the console URL the flow ended on. */
export async function connectThrough(user: ConsoleUser, platform: string, body: Record<string, unknown> = {}): Promise<URL> {
  const started = await user.post(`/api/channels/connect/${platform}`, body);
  expect(started.status).toBe(201);
  return callback(user, await consent((started.body as { authorizeUrl: string }).authorizeUrl));
}
