// twitter-api-v2 clients aimed at X_API_URL: one per set of credentials, kept and reused, with each
// request bound to the abort signal of the send that makes it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { TwitterApi, type ITwitterApiClientPlugin, type TwitterApiOAuth2Init, type TwitterApiTokens } from 'twitter-api-v2';

/** twitter-api-v2 1.29 hard-codes these origins; requests to them are sent to X_API_URL instead. */
const X_ORIGINS = ['https://api.x.com', 'https://upload.x.com'];
/** Socket inactivity limit for one call, so a silent X cannot hold a send forever without a signal. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Clients kept (one per channel's credentials, least recently used dropped first). */
const MAX_CLIENTS = 1000;
const TOKEN_PATH = '/2/oauth2/token';

/** An OAuth 2.0 user access token, OAuth 1.0a user keys, or the app's client id/secret (to refresh a token). */
export type XAuth = string | TwitterApiTokens | TwitterApiOAuth2Init;

export class XClients {
  /**
   * One keep-alive agent for every send. It keeps as many idle connections as sends may be in flight:
   * the default keeps 256, so past that every answered send closed its connection and the next send
   * opened (and, on https, negotiated) a new one. The library always calls https.request; an http
   * Agent makes it speak plain HTTP to a local X.
   */
  private readonly agent: HttpAgent;
  /**
   * Building a TwitterApi (its sub-clients, settings and plugin) cost about 40 µs of CPU per send,
   * a sixth of a send's whole cost in a burst (`npm run bench -- burst`), so a client is built once
   * per set of credentials. A client holds no per-request state but X's last rate-limit headers.
   */
  private readonly clients = new Map<string, TwitterApi>();
  /** The abort signal of the send whose code is running: a kept client serves many sends at once. */
  private readonly signals = new AsyncLocalStorage<AbortSignal | undefined>();

  constructor(
    private readonly baseUrl: string,
    sendsInFlight: number,
  ) {
    const options = { keepAlive: true, maxFreeSockets: Math.max(256, sendsInFlight) };
    this.agent = baseUrl.startsWith('http:') ? new HttpAgent(options) : new HttpsAgent(options);
  }

  /** Runs `calls`; every X request they make is aborted when `signal` is. */
  withSignal<T>(signal: AbortSignal | undefined, calls: () => Promise<T>): Promise<T> {
    return this.signals.run(signal, calls);
  }

  client(auth: XAuth): TwitterApi {
    const key = keyOf(auth);
    let client = this.clients.get(key);
    if (client) {
      this.clients.delete(key); // to the back of the line: recently used
    } else {
      client = this.build(auth);
      if (this.clients.size >= MAX_CLIENTS) {
        this.clients.delete(this.clients.keys().next().value!);
      }
    }
    this.clients.set(key, client);
    return client;
  }

  private build(auth: XAuth): TwitterApi {
    const settings = { httpAgent: this.agent, plugins: [this.plugin()] };
    // The constructor has one overload per credential shape, none for their union.
    if (typeof auth === 'string') {
      return new TwitterApi(auth, settings);
    }
    return 'appKey' in auth ? new TwitterApi(auth, settings) : new TwitterApi(auth, settings);
  }

  private plugin(): ITwitterApiClientPlugin {
    const { baseUrl, signals } = this;
    return {
      // Runs before the URL is parsed and signed, so OAuth 1.0a signs the URL actually requested.
      // cloneWithPrefix() throws in 1.29 and setPrefix() covers one sub-client only: hence a plugin.
      onBeforeRequestConfig({ params }) {
        const origin = X_ORIGINS.find((candidate) => params.url.startsWith(`${candidate}/`));
        if (origin) {
          params.url = baseUrl + params.url.slice(origin.length);
        }
        params.timeout ??= REQUEST_TIMEOUT_MS;
        // The library picks a JSON body for every /2/ path (its oauth2 check reads url.password by
        // mistake); the token endpoint takes a form body (RFC 6749 §6).
        if (params.url.endsWith(TOKEN_PATH) && new URL(params.url).pathname === TOKEN_PATH) {
          params.forceBodyMode = 'url';
        }
      },
      // The library has no abort option; node's http.request honours `signal` in its options.
      onBeforeRequest({ requestOptions }) {
        const signal = signals.getStore();
        if (signal) {
          requestOptions.signal = signal;
        }
      },
    };
  }
}

/** Distinct credentials, distinct clients: the whole of what signs a request is the key. */
function keyOf(auth: XAuth): string {
  if (typeof auth === 'string') {
    return `bearer\n${auth}`;
  }
  return 'appKey' in auth
    ? `oauth1\n${auth.appKey}\n${auth.appSecret}\n${auth.accessToken}\n${auth.accessSecret}`
    : `oauth2-app\n${auth.clientId}\n${auth.clientSecret ?? ''}`;
}
