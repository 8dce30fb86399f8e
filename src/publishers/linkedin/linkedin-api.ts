// A thin axios client for LinkedIn's versioned REST API (Posts, Images, identity) and its OAuth token endpoint.
import axios, { type AxiosInstance } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * The LinkedIn-Version every call sends, in this one place. LinkedIn supports a version for a year
 * after its release; moving it is a reviewed change.
 */
export const LINKEDIN_VERSION = '202601';
export const RESTLI_PROTOCOL_VERSION = '2.0.0';
const DEFAULT_API_URL = 'https://api.linkedin.com';
/** Socket inactivity limit for one call, so a silent LinkedIn cannot hold a send forever without a signal. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Where the OAuth token endpoint lives. In production it is www.linkedin.com/oauth/v2/accessToken,
 * a different host from the API; when LINKEDIN_API_URL points anywhere else (a local fake, a
 * staging proxy), the token endpoint is taken to be on that host too, so one variable moves both.
 */
export function oauthBaseFor(apiUrl: string): string {
  const base = apiUrl.replace(/\/+$/, '');
  return base === DEFAULT_API_URL ? 'https://www.linkedin.com' : base;
}

export interface InitializedUpload {
  uploadUrl: string;
  /** urn:li:image:… */
  image: string;
}

export interface RefreshedTokens {
  accessToken: string;
  refreshToken?: string;
  /** Seconds the new access token lives, when LinkedIn says. */
  expiresIn?: number;
}

export class LinkedInApi {
  private readonly http: AxiosInstance;
  private readonly oauthBase: string;

  constructor(apiUrl: string) {
    this.oauthBase = oauthBaseFor(apiUrl);
    this.http = axios.create({
      baseURL: apiUrl.replace(/\/+$/, ''),
      timeout: REQUEST_TIMEOUT_MS,
      httpAgent: new HttpAgent({ keepAlive: true }),
      httpsAgent: new HttpsAgent({ keepAlive: true }),
      maxRedirects: 0,
    });
  }

  /** POST /rest/posts → 201 with an empty body; the post's URN is in the x-restli-id header. */
  async createPost(token: string, post: object, signal?: AbortSignal): Promise<string> {
    const response = await this.http.post('/rest/posts', post, { headers: this.restHeaders(token), signal });
    const urn = response.headers['x-restli-id'] as string | undefined;
    if (!urn) {
      throw new Error(`LinkedIn answered ${response.status} to the post without an x-restli-id header`);
    }
    return urn;
  }

  /** POST /rest/images?action=initializeUpload → {value: {uploadUrlExpiresAt, uploadUrl, image}}. */
  async initializeImageUpload(token: string, owner: string, signal?: AbortSignal): Promise<InitializedUpload> {
    const response = await this.http.post<{ value: InitializedUpload }>(
      '/rest/images',
      { initializeUploadRequest: { owner } },
      { params: { action: 'initializeUpload' }, headers: this.restHeaders(token), signal },
    );
    return response.data.value;
  }

  /** PUT the bytes to the upload URL LinkedIn gave (absolute: it may be another host). */
  async uploadImage(uploadUrl: string, token: string, bytes: Buffer, mediaType: string, signal?: AbortSignal): Promise<void> {
    await this.http.put(uploadUrl, bytes, { baseURL: undefined, headers: { Authorization: `Bearer ${token}`, 'Content-Type': mediaType }, signal });
  }

  /** GET /v2/userinfo (OpenID Connect): the member the token belongs to. */
  async userinfo(token: string, signal?: AbortSignal): Promise<{ sub: string; name?: string }> {
    return (await this.http.get<{ sub: string; name?: string }>('/v2/userinfo', { headers: { Authorization: `Bearer ${token}` }, signal })).data;
  }

  /** GET /rest/organizations/{id}: the organization, readable by its administrators. */
  async organization(id: string, token: string, signal?: AbortSignal): Promise<{ id: number | string; localizedName?: string; vanityName?: string }> {
    const response = await this.http.get<{ id: number | string; localizedName?: string; vanityName?: string }>(`/rest/organizations/${encodeURIComponent(id)}`, {
      headers: this.restHeaders(token),
      signal,
    });
    return response.data;
  }

  /** The refresh_token grant: a form POST to the OAuth token endpoint with the app's client id and secret. */
  async refresh(refreshToken: string, clientId: string, clientSecret: string, signal?: AbortSignal): Promise<RefreshedTokens> {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret });
    const response = await this.http.post<{ access_token: string; refresh_token?: string; expires_in?: number }>(`${this.oauthBase}/oauth/v2/accessToken`, form.toString(), {
      baseURL: undefined,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      signal,
    });
    return { accessToken: response.data.access_token, refreshToken: response.data.refresh_token, expiresIn: response.data.expires_in };
  }

  private restHeaders(token: string): Record<string, string> {
    return { Authorization: `Bearer ${token}`, 'LinkedIn-Version': LINKEDIN_VERSION, 'X-Restli-Protocol-Version': RESTLI_PROTOCOL_VERSION };
  }
}
