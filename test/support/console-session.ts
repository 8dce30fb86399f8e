// A person in a browser, for API tests: keeps the session cookie and sends the CSRF header and Origin like the console.
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export const SESSION_COOKIE = 'holdfast_session';

/** The token at the end of an invite URL. */
export function inviteToken(url: string): string {
  return new URL(url).pathname.split('/').pop()!;
}

/** The session cookie a response sets, or undefined (cleared cookies have an empty value). */
export function sessionCookieOf(res: request.Response): { value: string; attributes: string } | undefined {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  const line = header?.find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`));
  if (!line) {
    return undefined;
  }
  const [pair, ...attributes] = line.split(';');
  return { value: decodeURIComponent(pair.slice(SESSION_COOKIE.length + 1)), attributes: attributes.join(';').trim() };
}

export class ConsoleUser {
  cookie: string | undefined;
  csrfToken: string | undefined;

  constructor(
    private readonly server: ReturnType<NestExpressApplication['getHttpServer']>,
    /** The console's origin (PUBLIC_URL's), sent as Origin on changes. */
    readonly origin: string,
  ) {}

  /** Signs in; keeps the cookie and CSRF token when it works. */
  signIn(email: string, password: string, workspaceId?: string): request.Test {
    return this.keeping(
      request(this.server)
        .post('/api/auth/sign-in')
        .set('Origin', this.origin)
        .send({ email, password, ...(workspaceId ? { workspaceId } : {}) }),
    );
  }

  acceptInvite(token: string, body: { password: string; email?: string }): request.Test {
    return this.keeping(request(this.server).post(`/api/auth/invites/${token}/accept`).set('Origin', this.origin).send(body));
  }

  get(path: string): request.Test {
    return this.call('get', path);
  }
  post(path: string, body?: object): request.Test {
    const test = this.call('post', path);
    return body === undefined ? test : test.send(body);
  }
  patch(path: string, body?: object): request.Test {
    return this.call('patch', path).send(body ?? {});
  }
  delete(path: string): request.Test {
    return this.call('delete', path);
  }

  /** A request with the cookie and, for changes, the CSRF header and Origin the console sends. */
  call(method: Method, path: string, options: { csrf?: boolean; origin?: string | null } = {}): request.Test {
    let test = request(this.server)[method](path);
    if (this.cookie) {
      test = test.set('Cookie', `${SESSION_COOKIE}=${this.cookie}`);
    }
    if (method !== 'get') {
      const origin = options.origin === undefined ? this.origin : options.origin;
      if (origin !== null) {
        test = test.set('Origin', origin);
      }
      if (options.csrf !== false && this.csrfToken) {
        test = test.set('X-CSRF-Token', this.csrfToken);
      }
    }
    return test;
  }

  private keeping(test: request.Test): request.Test {
    test.on('response', (res: request.Response) => this.keep(res));
    return test;
  }

  private keep(res: request.Response): void {
    const cookie = sessionCookieOf(res);
    if (res.status === 200 && cookie?.value) {
      this.cookie = cookie.value;
      this.csrfToken = (res.body as { csrfToken: string }).csrfToken;
    }
  }
}
