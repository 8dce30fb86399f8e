// Builds twitter-api-v2 clients aimed at X_API_URL, one per send, each carrying that send's abort signal.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { TwitterApi, type ITwitterApiClientPlugin, type TwitterApiOAuth2Init, type TwitterApiTokens } from 'twitter-api-v2';

/** twitter-api-v2 1.29 hard-codes these origins; requests to them are sent to X_API_URL instead. */
const X_ORIGINS = ['https://api.x.com', 'https://upload.x.com'];
/** Socket inactivity limit for one call, so a silent X cannot hold a send forever without a signal. */
const REQUEST_TIMEOUT_MS = 30_000;

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

  constructor(
    private readonly baseUrl: string,
    sendsInFlight: number,
  ) {
    const options = { keepAlive: true, maxFreeSockets: Math.max(256, sendsInFlight) };
    this.agent = baseUrl.startsWith('http:') ? new HttpAgent(options) : new HttpsAgent(options);
  }

  create(auth: XAuth, signal?: AbortSignal): TwitterApi {
    const settings = { httpAgent: this.agent, plugins: [this.plugin(signal)] };
    // The constructor has one overload per credential shape, none for their union.
    if (typeof auth === 'string') {
      return new TwitterApi(auth, settings);
    }
    return 'appKey' in auth ? new TwitterApi(auth, settings) : new TwitterApi(auth, settings);
  }

  private plugin(signal: AbortSignal | undefined): ITwitterApiClientPlugin {
    const baseUrl = this.baseUrl;
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
        if (new URL(params.url).pathname === '/2/oauth2/token') {
          params.forceBodyMode = 'url';
        }
      },
      // The library has no abort option; node's http.request honours `signal` in its options.
      onBeforeRequest({ requestOptions }) {
        if (signal) {
          requestOptions.signal = signal;
        }
      },
    };
  }
}
