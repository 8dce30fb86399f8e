// A thin axios client for Meta's Graph API, shared by the Facebook Pages and Instagram adapters.
import axios, { type AxiosInstance } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * The Graph API version every Meta call uses, in this one place. Meta supports a version for about
 * two years after the next one ships; moving it is a reviewed change with the fakes' version.
 */
export const GRAPH_API_VERSION = 'v25.0';
/** Socket inactivity limit for one call, so a silent Graph cannot hold a send forever without a signal. */
const REQUEST_TIMEOUT_MS = 30_000;

export type GraphParams = Record<string, string | number | boolean | undefined>;

/**
 * Calls `${META_GRAPH_URL}/${GRAPH_API_VERSION}/…`. The token goes in the Authorization header (Graph
 * accepts OAuth 2.0 bearer tokens), never in the URL, so it cannot reach a log line through a URL.
 */
export class GraphApi {
  private readonly http: AxiosInstance;

  constructor(baseUrl: string) {
    this.http = axios.create({
      baseURL: `${baseUrl.replace(/\/+$/, '')}/${GRAPH_API_VERSION}`,
      timeout: REQUEST_TIMEOUT_MS,
      httpAgent: new HttpAgent({ keepAlive: true }),
      httpsAgent: new HttpsAgent({ keepAlive: true }),
      // Graph answers errors as JSON bodies; axios throws on any non-2xx and keeps the body for the classifier.
      maxRedirects: 0,
    });
  }

  async get<T>(path: string, params: GraphParams, token: string, signal?: AbortSignal): Promise<T> {
    const response = await this.http.get<T>(path, { params, headers: { Authorization: `Bearer ${token}` }, signal });
    return response.data;
  }

  /** Graph takes JSON bodies as well as form fields; JSON keeps arrays (attached_media, children) plain. */
  async post<T>(path: string, body: GraphParams | Record<string, unknown>, token: string, signal?: AbortSignal): Promise<T> {
    const response = await this.http.post<T>(path, body, { headers: { Authorization: `Bearer ${token}` }, signal });
    return response.data;
  }
}
