// Sends due webhook deliveries: claim with SKIP LOCKED under a lease, sign, POST; the recorder logs the attempt and retries or settles it.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import axios, { AxiosError } from 'axios';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { PassLoop } from '../common/pass-loop';
import { ListenConnection } from '../database/listen-connection';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { isPrivateAddressRefusal, NetworkPolicy, PRIVATE_ADDRESS_REFUSED } from '../common/network-policy';
import type { Env } from '../config/env';
import { CredentialVault } from '../secrets/credential-vault';
import { outcomeOfAttempt } from './attempt-outcome';
import { WebhookAttemptRecorder } from './webhook-attempt-recorder';
import type { WebhookEventType } from './webhook-event-types';
import { WEBHOOK_CHANNEL } from './webhook-outbox';

/** The application_name of the webhook sender's wake-up connection (pg_stat_activity). */
export const WEBHOOK_LISTENER = 'holdfast-webhook-listener';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from './webhook-signature';
import { webhookUrlProblem } from './webhook-url';
import { WebhookMetrics } from './webhook.metrics';

/** A claimed delivery with everything its request needs, read in the claim itself. */
interface ClaimedWebhookDelivery {
  id: string;
  attempts: number;
  webhook_id: string;
  url: string;
  secret_sealed: string;
  event_id: string;
  workspace_id: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
  event_created_at: Date;
}

interface AttemptRecord {
  startedAt: Date;
  durationMs: number;
  statusCode: number | undefined;
  error: string | null;
  responseBody: string | null;
}

/** Requests in flight per instance: receivers are slow, the database is not the limit. */
const CONCURRENCY = 16;
/** What the delivery log keeps of a receiver's answer. */
const RESPONSE_BODY_CHARS = 1000;
/** A larger answer fails the attempt rather than filling memory. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

@Injectable()
export class WebhookSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookSender.name);
  /** Fences every write: a sender records only deliveries it still holds. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly running = new Set<Promise<void>>();
  private listener?: ListenConnection;
  /** One pass at a time; one asked meanwhile runs once after it (see PassLoop). */
  private readonly passes = new PassLoop<'pass'>({
    run: () => this.runPass(),
    merge: (queued) => queued,
    onError: (error) => this.logger.error({ err: error }, 'Webhook tick failed'),
  });
  private sweptAt = 0;
  /** Connections to receivers are reused between events; each new one obeys the network policy (a DNS answer cannot steer us inside). */
  private readonly agents: ReturnType<NetworkPolicy['nodeAgents']>;

  private readonly tickMs: number;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly allowPrivate: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Env, true>,
    private readonly scheduler: SchedulerRegistry,
    private readonly vault: CredentialVault,
    private readonly recorder: WebhookAttemptRecorder,
    private readonly metrics: WebhookMetrics,
    private readonly clock: Clock,
    network: NetworkPolicy,
  ) {
    this.tickMs = config.get('WEBHOOK_TICK_MS', { infer: true });
    this.timeoutMs = config.get('WEBHOOK_TIMEOUT_MS', { infer: true });
    this.maxAttempts = config.get('WEBHOOK_MAX_ATTEMPTS', { infer: true });
    this.retryBaseMs = config.get('WEBHOOK_RETRY_BASE_MS', { infer: true });
    this.allowPrivate = network.allowPrivate;
    this.agents = network.nodeAgents({ keepAlive: true, maxSockets: CONCURRENCY });
  }

  /** Longer than any request may take (the timeout is a hard limit), so only a dead sender's lease expires. */
  get leaseMs(): number {
    return this.timeoutMs * 2 + 5000;
  }

  async onApplicationBootstrap(): Promise<void> {
    // An API-only instance (DISPATCH_ENABLED=false) sends neither posts nor webhooks.
    if (this.config.get('DISPATCH_ENABLED', { infer: true }) !== 'true') {
      return;
    }
    this.scheduler.addInterval('webhooks', setInterval(() => void this.tick(), this.tickMs));
    this.listener = new ListenConnection({
      databaseUrl: this.config.get('DATABASE_URL', { infer: true }),
      applicationName: WEBHOOK_LISTENER,
      channels: [WEBHOOK_CHANNEL],
      onNotification: () => void this.tick(),
      onReconnected: () => void this.tick(),
      lostMessage: 'Webhook wake-up connection lost; ticks continue, reconnecting',
      logger: this.logger,
    });
    await this.listener.start();
    void this.tick();
  }

  /** SIGTERM: stop claiming, let every request in flight finish and be recorded, then let the app close. */
  async beforeApplicationShutdown(): Promise<void> {
    const passEnded = this.passes.stop();
    if (this.scheduler.doesExist('interval', 'webhooks')) {
      this.scheduler.deleteInterval('webhooks');
    }
    await this.listener?.stop();
    // A claim already sent may still commit: once the pass ends, what it took is handed back or in `running`.
    const drained = passEnded.then(() => Promise.allSettled([...this.running]));
    const limit = new Promise((resolve) => setTimeout(resolve, this.timeoutMs + 5000).unref());
    await Promise.race([drained, limit]);
    this.agents.httpAgent.destroy();
    this.agents.httpsAgent.destroy();
  }

  /** One pass: recover expired leases, then claim and start as many sends as there are free slots. */
  tick(): Promise<void> {
    return this.passes.ask('pass');
  }

  private get stopping(): boolean {
    return this.passes.state.kind === 'stopped';
  }

  private async runPass(): Promise<void> {
    // The sweep is for dead senders: once per tick interval is plenty, not on every wake-up.
    if (Date.now() - this.sweptAt >= this.tickMs) {
      this.sweptAt = Date.now();
      await this.recoverExpiredLeases();
    }
    const free = CONCURRENCY - this.running.size;
    if (free <= 0) {
      return;
    }
    const claimed = await this.claimDueDeliveries(free);
    if (this.stopping) {
      // Shutting down while the claim ran: hand them back unsent rather than start requests nobody waits for.
      await this.giveBack(claimed);
      return;
    }
    claimed.forEach((delivery) => this.start(delivery));
    if (claimed.length === free) {
      void this.passes.ask('pass'); // more may be due: claim again once this pass ends
    }
  }

  /** Claimed and never sent: pending again, the attempt uncounted. Only rows this sender still leases. */
  private async giveBack(claimed: ClaimedWebhookDelivery[]): Promise<void> {
    if (claimed.length === 0) {
      return;
    }
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET state = 'pending', attempts = GREATEST(attempts - 1, 0), lease_owner = NULL, lease_expires_at = NULL,
              updated_at = now()
        WHERE id = ANY($1) AND state = 'sending' AND lease_owner = $2`,
      [claimed.map((d) => d.id), this.owner],
    );
  }

  /** Resolves when nothing is in flight (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.passes.state.kind === 'running') {
      await Promise.allSettled([...this.running]);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private claimDueDeliveries(limit: number): Promise<ClaimedWebhookDelivery[]> {
    return this.dataSource.query<ClaimedWebhookDelivery[]>(
      `WITH claimed AS (
         UPDATE webhook_deliveries d
            SET state = 'sending', lease_owner = $1, lease_expires_at = now() + make_interval(secs => $2::float8 / 1000),
                attempts = d.attempts + 1, updated_at = now()
          WHERE d.id IN (
            SELECT c.id FROM webhook_deliveries c
             WHERE c.state = 'pending' AND c.due_at <= now()
               AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = c.webhook_id AND w.active AND w.deleted_at IS NULL)
             ORDER BY c.due_at
             LIMIT $3
             FOR UPDATE SKIP LOCKED)
          RETURNING d.id, d.attempts, d.webhook_id, d.event_id, d.due_at)
       SELECT claimed.id, claimed.attempts, claimed.webhook_id, w.url, w.secret_sealed,
              e.id AS event_id, e.workspace_id, e.type, e.data, e.created_at AS event_created_at
         FROM claimed JOIN webhooks w ON w.id = claimed.webhook_id JOIN webhook_events e ON e.id = claimed.event_id
        ORDER BY claimed.due_at`,
      [this.owner, this.leaseMs, limit],
    );
  }

  private start(delivery: ClaimedWebhookDelivery): void {
    this.metrics.inFlight.inc();
    const run = this.send(delivery)
      .catch((error: unknown) => this.logger.error({ err: error, webhookDeliveryId: delivery.id }, 'Webhook send crashed; its lease will expire'))
      .finally(() => {
        this.metrics.inFlight.dec();
        this.running.delete(run);
        // Claim again once a worthwhile batch of slots is free (or all are), not one row per finished send.
        if (!this.stopping && (this.running.size === 0 || CONCURRENCY - this.running.size >= CONCURRENCY / 4)) {
          void this.tick();
        }
      });
    this.running.add(run);
  }

  private async send(delivery: ClaimedWebhookDelivery): Promise<void> {
    const attempt = await this.post(delivery);
    const outcome = outcomeOfAttempt({
      statusCode: attempt.statusCode,
      attempts: delivery.attempts,
      maxAttempts: this.maxAttempts,
      retryBaseMs: this.retryBaseMs,
      now: this.clock.now(),
    });
    const result = outcome.state === 'delivered' ? 'delivered' : outcome.state === 'pending' ? 'retried' : outcome.disableWebhook ? 'gone' : 'failed';
    this.metrics.attempts.inc({ outcome: result });
    this.metrics.duration.observe(attempt.durationMs / 1000);
    if (result !== 'delivered') {
      // The host only: a webhook's path may itself be a credential (chat-tool hook URLs are).
      this.logger.warn(
        { webhookId: delivery.webhook_id, webhookDeliveryId: delivery.id, host: hostOf(delivery.url), attempt: delivery.attempts, statusCode: attempt.statusCode, error: attempt.error, result },
        'Webhook attempt did not deliver',
      );
    }
    await this.recorder.record({
      deliveryId: delivery.id,
      webhookId: delivery.webhook_id,
      workspaceId: delivery.workspace_id,
      owner: this.owner,
      attempt: delivery.attempts,
      ...attempt,
      outcome,
    });
  }

  /** One signed POST; never throws: every way it can end is an attempt record. */
  private async post(delivery: ClaimedWebhookDelivery): Promise<AttemptRecord> {
    const startedAt = this.clock.now();
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const problem = webhookUrlProblem(delivery.url, this.allowPrivate);
    if (problem) {
      return { startedAt, durationMs: 0, statusCode: undefined, error: `not sent: ${problem}`, responseBody: null };
    }
    const body = JSON.stringify({
      id: delivery.event_id,
      type: delivery.type,
      workspaceId: delivery.workspace_id,
      createdAt: new Date(delivery.event_created_at).toISOString(),
      data: delivery.data,
    });
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    const secret = this.vault.open<{ secret: string }>(delivery.secret_sealed, delivery.webhook_id).secret;
    try {
      const response = await axios.post<string>(delivery.url, body, {
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Holdfast-Webhooks/1',
          [EVENT_ID_HEADER]: delivery.event_id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signPayload(secret, timestamp, body),
        },
        timeout: this.timeoutMs,
        // axios's timeout is per socket inactivity; the signal bounds the whole request, trickled answers included.
        signal: AbortSignal.timeout(this.timeoutMs),
        maxRedirects: 0,
        proxy: false,
        maxContentLength: MAX_RESPONSE_BYTES,
        responseType: 'text',
        transformResponse: (raw: unknown) => raw,
        validateStatus: () => true,
        ...this.agents,
      });
      return {
        startedAt,
        durationMs: elapsed(),
        statusCode: response.status,
        error: response.status >= 200 && response.status < 300 ? null : `the receiver answered ${response.status}`,
        responseBody: truncate(typeof response.data === 'string' ? response.data : null),
      };
    } catch (error) {
      return { startedAt, durationMs: elapsed(), statusCode: undefined, error: this.describe(error), responseBody: null };
    }
  }

  /** Why no answer came, without the request's configuration (it carries the signature and the URL). */
  private describe(error: unknown): string {
    if (isPrivateAddressRefusal(error)) {
      return `not sent: ${PRIVATE_ADDRESS_REFUSED}`;
    }
    if (axios.isCancel(error) || (error instanceof AxiosError && error.code === AxiosError.ECONNABORTED) || (error instanceof Error && error.name === 'TimeoutError')) {
      return `no answer within ${this.timeoutMs} ms`;
    }
    if (error instanceof AxiosError) {
      return error.code ? `${error.code}: ${error.message}` : error.message;
    }
    return error instanceof Error ? error.message : String(error);
  }

  /**
   * A lease that expired means its sender died mid-request: whether the receiver got it is unknown.
   * Webhooks are at-least-once (receivers de-duplicate by event id), so it is sent again, or
   * fails if that was its last attempt.
   */
  private async recoverExpiredLeases(): Promise<void> {
    const [recovered] = await this.dataSource.query<[{ id: string; state: string }[], number]>(
      `UPDATE webhook_deliveries
          SET state = CASE WHEN attempts >= $1 THEN 'failed'
                           WHEN NOT EXISTS (SELECT 1 FROM webhooks w WHERE w.id = webhook_id AND w.active AND w.deleted_at IS NULL) THEN 'cancelled'
                           ELSE 'pending' END,
              due_at = now(),
              lease_owner = NULL, lease_expires_at = NULL, updated_at = now(),
              last_error = 'its sender stopped mid-request; the receiver may have got it'
        WHERE state = 'sending' AND lease_expires_at < now()
        RETURNING id, state`,
      [this.maxAttempts],
    );
    for (const row of recovered) {
      this.logger.warn({ webhookDeliveryId: row.id, state: row.state }, 'Recovered a webhook delivery whose lease expired');
    }
  }
}

function truncate(text: string | null): string | null {
  return text === null || text.length <= RESPONSE_BODY_CHARS ? text : `${text.slice(0, RESPONSE_BODY_CHARS)}…`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}
