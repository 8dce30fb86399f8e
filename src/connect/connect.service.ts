// Connecting accounts with a Connect button (issue 15): the OAuth flows' state, PKCE and callback, the choice
// among the accounts a grant reached, and what each outcome writes. A failed callback writes nothing but its
// audit line; tokens never leave the vault, the platform or the providers.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { AccountMismatchError, ChannelsService } from '../channels/channels.service';
import { ChannelView } from '../channels/dto/channel.view';
import { PLATFORM_NAMES, PLATFORMS, type Platform } from '../channels/platform';
import { Clock } from '../common/clock';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { NetworkPolicy } from '../common/network-policy';
import type { Principal } from '../common/principal';
import type { Env } from '../config/env';
import { CredentialVault } from '../secrets/credential-vault';
import type { ConnectPlatformView, ConnectSessionView, ConnectStartView } from './dto/connect.view';
import type { StartConnectDto } from './dto/connect.dto';
import {
  ConnectError,
  OAUTH_PLATFORMS,
  OAUTH_PROVIDERS,
  type ConnectableAccount,
  type ConnectErrorCode,
  type OAuthPlatform,
  type OAuthProvider,
} from './oauth-provider';

/** How long a started flow may take to come back (the state's life). */
export const STATE_TTL_MS = 10 * 60_000;
/** How long the admin has to choose among the accounts a grant reached. */
export const CHOICE_TTL_MS = 15 * 60_000;
const PLATFORM_CALL_TIMEOUT_MS = 20_000;

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
}

/** Where the callback sends the browser: the console's channels screen, with the outcome in its query. */
export type CallbackOutcome =
  | { kind: 'connected'; channelId: string; reconnected: boolean }
  | { kind: 'choose'; sessionId: string }
  | { kind: 'failed'; code: ConnectErrorCode; reason: string };

interface StateRow {
  id: string;
  workspace_id: string;
  member_id: string;
  platform: OAuthPlatform;
  channel_id: string | null;
  instance_url: string | null;
  verifier_sealed: string;
  expires_at: Date;
  used_at: Date | null;
}

@Injectable()
export class ConnectService {
  private readonly logger = new Logger(ConnectService.name);
  private readonly providers: Map<OAuthPlatform, OAuthProvider>;
  private readonly publicUrl: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(OAUTH_PROVIDERS) providers: OAuthProvider[],
    private readonly channels: ChannelsService,
    private readonly vault: CredentialVault,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly network: NetworkPolicy,
    config: ConfigService<Env, true>,
  ) {
    this.providers = new Map(providers.map((provider) => [provider.platform, provider]));
    this.publicUrl = config.get('PUBLIC_URL', { infer: true }) ?? `http://localhost:${config.get('PORT', { infer: true })}`;
  }

  redirectUri(platform: OAuthPlatform): string {
    return `${this.publicUrl}/api/oauth/${platform}/callback`;
  }

  /** Where the console shows a callback's outcome. */
  consoleUrl(platform: string, outcome: CallbackOutcome): string {
    const url = new URL('/channels', this.publicUrl);
    url.searchParams.set('platform', platform);
    if (outcome.kind === 'connected') {
      url.searchParams.set(outcome.reconnected ? 'reconnected' : 'connected', outcome.channelId);
    } else if (outcome.kind === 'choose') {
      url.searchParams.set('connectSession', outcome.sessionId);
    } else {
      url.searchParams.set('connectError', outcome.code);
      url.searchParams.set('reason', outcome.reason);
    }
    return url.toString();
  }

  platforms(): ConnectPlatformView[] {
    return PLATFORMS.map((platform: Platform): ConnectPlatformView => {
      if (platform === 'bluesky') {
        return { platform, method: 'app_password', configured: true, missing: [] };
      }
      if (platform === 'telegram') {
        return { platform, method: 'bot_token', configured: true, missing: [] };
      }
      const missing = this.providers.get(platform)?.missing() ?? ['(no connect flow)'];
      return { platform, method: 'oauth', configured: missing.length === 0, missing, redirectUri: this.redirectUri(platform) };
    });
  }

  /** Starts a flow: a single-use state bound to this member, a PKCE verifier, and the platform's consent URL. */
  async start(principal: Principal, platform: string, dto: StartConnectDto): Promise<ConnectStartView> {
    const provider = this.providerOf(platform);
    const missing = provider.missing();
    if (missing.length > 0) {
      throw DomainError.conflict(`${platform} is not configured on this service: set ${missing.join(', ')} and restart`, { missing });
    }
    let instanceUrl: string | undefined;
    if (dto.channelId) {
      const channel = await this.channels.get(principal, dto.channelId);
      if (channel.platform !== platform) {
        throw DomainError.invalid(`Channel ${dto.channelId} is a ${channel.platform} channel: reconnect it with POST /api/channels/connect/${channel.platform}`);
      }
      if (platform === 'mastodon') {
        instanceUrl = (await this.channels.credentialsOf(channel.id)).instanceUrl;
      }
    }
    if (platform === 'mastodon') {
      instanceUrl = this.instanceOf(dto.instanceUrl ?? instanceUrl);
    } else if (dto.instanceUrl !== undefined) {
      throw DomainError.invalid(`instanceUrl is for Mastodon only; ${platform} has one sign-in page`);
    }
    const redirectUri = this.redirectUri(provider.platform);
    let client;
    try {
      client = await provider.client(redirectUri, instanceUrl);
    } catch (error) {
      if (error instanceof ConnectError) {
        throw DomainError.invalid(error.message);
      }
      throw error;
    }
    // Flows a day past their expiry say nothing more than an unknown state would: they go.
    await this.dataSource.query(`DELETE FROM oauth_states WHERE expires_at < now() - interval '1 day'`);
    await this.dataSource.query(`DELETE FROM connect_sessions WHERE expires_at < now() - interval '1 day'`);
    const state = randomBytes(32).toString('base64url');
    const verifier = randomBytes(48).toString('base64url');
    const id = randomUUID();
    const expiresAt = new Date(this.clock.now().getTime() + STATE_TTL_MS);
    await this.dataSource.query(
      `INSERT INTO oauth_states (id, state_hash, workspace_id, member_id, platform, channel_id, instance_url, verifier_sealed, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, hashOf(state), principal.workspaceId, principal.memberId, platform, dto.channelId ?? null, instanceUrl ?? null, this.vault.seal({ verifier }, id), expiresAt],
    );
    const codeChallenge = createHash('sha256').update(verifier).digest('base64url');
    return { authorizeUrl: provider.authorizeUrl({ client, redirectUri, state, codeChallenge, instanceUrl }), expiresAt };
  }

  /**
   * The platform sent the browser back. `who` is the console session's member, if the browser has one. The
   * state must exist, be unexpired and unused, and belong to that member; it is used up before the code is
   * exchanged, so a replay of the same callback finds it used.
   */
  async callback(platform: string, query: CallbackQuery, who: Principal | undefined): Promise<CallbackOutcome> {
    if (!(OAUTH_PLATFORMS as readonly string[]).includes(platform)) {
      return failed('state_invalid', `${platform} has no connect flow`);
    }
    const state = typeof query.state === 'string' && query.state.length > 0 && query.state.length <= 200 ? query.state : undefined;
    const [row] = state
      ? await this.dataSource.query<StateRow[]>('SELECT * FROM oauth_states WHERE state_hash = $1 AND platform = $2', [hashOf(state), platform])
      : [];
    if (!row) {
      this.logger.warn({ platform }, 'An OAuth callback came back with an unknown state; nothing was connected');
      return failed('state_invalid', 'This sign-in link is not one Holdfast started: start connecting again from the Channels screen');
    }
    const refuse = (code: ConnectErrorCode, reason: string): Promise<CallbackOutcome> => this.recordFailure(row, who, code, reason);
    if (row.used_at) {
      return refuse('state_used', 'This sign-in was already used: start connecting again');
    }
    if (row.expires_at.getTime() <= this.clock.now().getTime()) {
      return refuse('state_expired', 'This sign-in took longer than 10 minutes: start connecting again');
    }
    if (!who) {
      return refuse('signed_out', 'Sign in to Holdfast as the person who started connecting, then start again');
    }
    if (who.memberId !== row.member_id || who.workspaceId !== row.workspace_id) {
      return refuse('state_other_member', 'Another person started this sign-in: only they can finish it. Start connecting again yourself');
    }
    const [used] = await this.dataSource.query<[unknown[], number]>('UPDATE oauth_states SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id', [row.id]);
    if (used.length === 0) {
      return refuse('state_used', 'This sign-in was already used: start connecting again');
    }
    if (query.error !== undefined || typeof query.code !== 'string' || query.code.length === 0) {
      const denied = query.error === undefined || ['access_denied', 'user_cancelled_authorize', 'user_cancelled_login'].includes(query.error);
      return refuse(
        'denied',
        denied ? `Access was not granted on ${PLATFORM_NAMES[row.platform]}: nothing was connected.` : `${PLATFORM_NAMES[row.platform]} ended the sign-in (${String(query.error).slice(0, 100)}): nothing was connected.`,
      );
    }
    const provider = this.providerOf(platform);
    const redirectUri = this.redirectUri(provider.platform);
    const instanceUrl = row.instance_url ?? undefined;
    let accounts: ConnectableAccount[];
    let choose: boolean;
    try {
      const client = await provider.client(redirectUri, instanceUrl);
      const { verifier } = this.vault.open<{ verifier: string }>(row.verifier_sealed, row.id);
      ({ accounts, choose } = await provider.complete({
        client,
        redirectUri,
        code: query.code,
        codeVerifier: verifier,
        instanceUrl,
        signal: AbortSignal.timeout(PLATFORM_CALL_TIMEOUT_MS),
      }));
    } catch (error) {
      if (error instanceof ConnectError) {
        return refuse(error.code, error.message);
      }
      this.logger.error({ err: error, platform }, 'A connect flow failed unexpectedly');
      return refuse('token_error', `The sign-in with ${platform} failed unexpectedly: try again`);
    }
    if (accounts.length === 0) {
      return refuse('account_error', noAccountsReason(provider.platform));
    }
    if (row.channel_id && accounts.length > 1) {
      // A reconnect of one channel picks its own account when the grant reached several.
      const channel = await this.channels.get(who, row.channel_id).catch(() => undefined);
      const own = accounts.filter((account) => account.accountId === channel?.accountId);
      if (own.length === 1) {
        accounts = own;
        choose = false;
      }
    }
    if (choose) {
      const id = randomUUID();
      await this.dataSource.query(
        `INSERT INTO connect_sessions (id, workspace_id, member_id, platform, channel_id, accounts_sealed, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, row.workspace_id, row.member_id, platform, row.channel_id, this.vault.seal({ accounts }, id), new Date(this.clock.now().getTime() + CHOICE_TTL_MS)],
      );
      return { kind: 'choose', sessionId: id };
    }
    try {
      const { channel, reconnected } = await this.dataSource.transaction((manager) =>
        this.channels.connectAccount(manager, who, provider.platform, accounts[0], row.channel_id),
      );
      return { kind: 'connected', channelId: channel.id, reconnected };
    } catch (error) {
      return refuse('account_error', this.connectFailure(error, platform));
    }
  }

  /** The accounts a grant reached, for the admin who started the flow; their tokens stay sealed. */
  async session(principal: Principal, id: string): Promise<ConnectSessionView> {
    const { row, accounts } = await this.openSession(this.dataSource.manager, principal, id, false);
    const existing = await this.dataSource.query<{ id: string; account_id: string }[]>(
      `SELECT id, account_id FROM channels WHERE workspace_id = $1 AND platform = $2 AND deleted_at IS NULL AND account_id = ANY($3)`,
      [principal.workspaceId, row.platform, accounts.map((account) => account.accountId)],
    );
    return {
      id: row.id,
      platform: row.platform,
      channelId: row.channel_id,
      expiresAt: row.expires_at,
      accounts: accounts.map(({ accountId, name, handle, kind }) => ({
        accountId,
        name,
        handle,
        kind,
        channelId: existing.find((channel) => channel.account_id === accountId)?.id ?? null,
      })),
    };
  }

  /** Connects the chosen accounts (a reconnect: exactly its channel's one); the session is used up. */
  async choose(principal: Principal, id: string, accountIds: string[]): Promise<ChannelView[]> {
    return this.dataSource.transaction(async (manager) => {
      const { row, accounts } = await this.openSession(manager, principal, id, true);
      const unknown = accountIds.filter((accountId) => !accounts.some((account) => account.accountId === accountId));
      if (unknown.length > 0) {
        throw DomainError.invalid(`accountIds names accounts this sign-in did not reach: ${unknown.join(', ')}`);
      }
      if (row.channel_id && accountIds.length !== 1) {
        throw DomainError.invalid('This sign-in reconnects one channel: choose exactly one account (the one the channel posts as)');
      }
      await manager.query('UPDATE connect_sessions SET used_at = now() WHERE id = $1', [id]);
      const connected: ChannelView[] = [];
      for (const accountId of accountIds) {
        const account = accounts.find((candidate) => candidate.accountId === accountId)!;
        try {
          const { channel } = await this.channels.connectAccount(manager, principal, row.platform, account, row.channel_id);
          connected.push(ChannelView.of(channel));
        } catch (error) {
          if (error instanceof AccountMismatchError) {
            throw DomainError.invalid(error.message);
          }
          throw error;
        }
      }
      return connected;
    });
  }

  private async openSession(
    manager: EntityManager,
    principal: Principal,
    id: string,
    lock: boolean,
  ): Promise<{ row: { id: string; platform: OAuthPlatform; channel_id: string | null; expires_at: Date }; accounts: ConnectableAccount[] }> {
    const [row] = await manager.query<
      { id: string; member_id: string; platform: OAuthPlatform; channel_id: string | null; accounts_sealed: string; expires_at: Date; used_at: Date | null }[]
    >(`SELECT * FROM connect_sessions WHERE id = $1 AND workspace_id = $2${lock ? ' FOR UPDATE' : ''}`, [id, principal.workspaceId]);
    if (!row) {
      throw DomainError.notFound('Connect session', id);
    }
    if (row.member_id !== principal.memberId) {
      throw DomainError.forbidden('Another person signed in to the platform for this choice: only they can finish it');
    }
    if (row.used_at) {
      throw DomainError.conflict('These accounts were already chosen: start connecting again to add more');
    }
    if (row.expires_at.getTime() <= this.clock.now().getTime()) {
      throw new DomainError(DomainErrorCode.Gone, 'The choice took longer than 15 minutes: start connecting again');
    }
    return { row, accounts: this.vault.open<{ accounts: ConnectableAccount[] }>(row.accounts_sealed, row.id).accounts };
  }

  private async recordFailure(row: StateRow, who: Principal | undefined, code: ConnectErrorCode, reason: string): Promise<CallbackOutcome> {
    await this.dataSource.transaction((manager) =>
      this.audit.record(
        manager,
        row.workspace_id,
        who && who.workspaceId === row.workspace_id ? actorOf(who) : { memberId: null, label: 'an OAuth callback', requestId: who?.requestId ?? null },
        {
          action: 'channel.connect_failed',
          targetType: 'channel',
          targetId: row.channel_id ?? row.id,
          after: { platform: row.platform, code, reason, startedBy: row.member_id },
        },
      ),
    );
    return failed(code, reason);
  }

  private connectFailure(error: unknown, platform: string): string {
    if (error instanceof AccountMismatchError) {
      return error.message;
    }
    if (error instanceof DomainError) {
      return `${platform} answered credentials Holdfast cannot use: ${error.message}`;
    }
    this.logger.error({ err: error, platform }, 'Keeping a connected account failed unexpectedly');
    return `The account could not be kept: try again`;
  }

  private providerOf(platform: string): OAuthProvider {
    const provider = this.providers.get(platform as OAuthPlatform);
    if (!provider) {
      const direct = platform === 'bluesky' || platform === 'telegram';
      throw direct
        ? DomainError.invalid(`${platform} has no sign-in page: POST /api/channels/connect/${platform} with its ${platform === 'bluesky' ? 'handle and app password' : 'bot token and chat'}`)
        : DomainError.notFound('Platform', platform);
    }
    return provider;
  }

  /** The Mastodon instance an admin named, as an origin: https unless private networks are allowed (tests, development). */
  private instanceOf(raw: string | undefined): string {
    if (!raw) {
      throw DomainError.invalid('instanceUrl is required for Mastodon: the instance the account is on, such as mastodon.social');
    }
    const given = raw.trim();
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(given) ? given : `https://${given}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw DomainError.invalid('instanceUrl must be a host name such as mastodon.social or an https URL');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.network.allowPrivate)) {
      throw DomainError.invalid('instanceUrl must use https');
    }
    if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
      throw DomainError.invalid('instanceUrl must be the instance alone, such as https://mastodon.social (no path, query or user)');
    }
    const problem = this.network.urlProblem(url.origin, 'instanceUrl');
    if (problem) {
      throw DomainError.invalid(problem);
    }
    return url.origin;
  }
}

function hashOf(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

function failed(code: ConnectErrorCode, reason: string): CallbackOutcome {
  return { kind: 'failed', code, reason };
}

function noAccountsReason(platform: OAuthPlatform): string {
  switch (platform) {
    case 'facebook':
      return 'The sign-in reached no Facebook Page: the account must manage a Page, and the Pages must be ticked on the consent screen';
    case 'instagram':
      return 'The sign-in reached no Instagram professional account: link one to a Facebook Page you manage, and tick it on the consent screen';
    case 'linkedin':
    case 'mastodon':
    case 'x':
      return `${platform} answered no account to post as`;
  }
}
