// The dispatch engine: claim due deliveries, pass the gate, send, record; recover what a dead sender left.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { composeText } from '../calendar/text-limits';
import { contentFor } from '../calendar/post-content';
import type { Platform } from '../channels/platform';
import { PLATFORMS } from '../channels/platform';
import { ChannelsService } from '../channels/channels.service';
import { Clock } from '../common/clock';
import { PassLoop } from '../common/pass-loop';
import type { Env } from '../config/env';
import { MediaSource } from '../media/media-source';
import { requestOptionsOf } from '../publishers/post-options';
import { PublisherRegistry } from '../publishers/publisher.registry';
import { CredentialVault } from '../secrets/credential-vault';
import { PublishError, PublishFailure } from '../publishers/publisher.port';
import { BreakerScope, BreakersService, channelScope, platformScope } from './breakers.service';
import { healthSignalOf } from './circuit-breaker';
import { HOLD_DUE_DELIVERIES } from './crisis-hold';
import { type ClaimedDelivery, DeliveryLeases } from './delivery-leases';
import { DispatchGate, GATE_CLOSING_CHANNEL, type GatePass } from './dispatch-gate';
import { ListenConnection } from '../database/listen-connection';
import { DISPATCH_CHANNEL, DISPATCH_LISTENER } from './dispatch-channel';
import { DispatchMetrics } from './dispatch.metrics';
import { OutcomeRecorder } from './outcome-recorder';
import { Outcome, outcomeOfFailure, outcomeOfSuccess } from './send-outcome';
import { ClosingGates, type SharedAbort } from './closing-gates';
import { SendSlots } from './send-slots';

/** See SlotLimits.firstClaim. */
const FIRST_CLAIM = 200;
/** Each batch in flight holds a database connection for its gate pass; keep well under the pool size. */
const MAX_BATCHES_IN_FLIGHT = 8;
/**
 * A full pass (the interval, a wake-up, a test) recovers what dead senders left, holds what fell due under a
 * crisis and claims for every platform; a refill (a send's slot freed) only claims again for the
 * platforms that had more due than slots. In a burst slots free thousands of times a second: a full
 * pass on each would ask PostgreSQL, again and again, for leases that cannot have expired and for
 * platforms that had nothing due a moment ago.
 */
type Pass = 'full' | 'refill';

/** Dead instances' rows are dropped after this long (their leases were recovered long before). */
const FORGET_INSTANCES_AFTER = '1 day';
/** A failed write of an outcome is retried after this long, doubling up to the maximum. */
const RECORD_RETRY_BASE_MS = 50;
const RECORD_RETRY_MAX_MS = 2000;

/** How often a busy engine marks deliveries that fell due under a crisis as held. */
const HOLD_SWEEP_EVERY_MS = 500;
const HOLD_SWEEP_BATCH = 1000;

@Injectable()
export class Dispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(Dispatcher.name);
  /** Fences every write of a send: a dispatcher records only deliveries it still holds. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  /** The sends this instance may start, and the batches sending now (for shutdown and tests to wait for). */
  private readonly slots: SendSlots;
  private readonly running = new Set<Promise<void>>();
  /** Deliveries sent as a half-open breaker's probe, and the breaker's scope. */
  private readonly probes = new Map<string, BreakerScope>();
  private readonly recorder: OutcomeRecorder;
  private readonly leases: DeliveryLeases;
  /** Wake-ups, and the gate-closing notices of the crisis switch (a send in a closing gate is aborted at its deadline). */
  private listener?: ListenConnection;
  private heartbeats?: NodeJS.Timeout;
  /** This instance's sends in flight, to abort when the crisis switch closes their gate. */
  private readonly closingGates = new ClosingGates();
  /** One pass at a time; what is asked meanwhile runs once after it (a full pass covers a refill). */
  private readonly passes = new PassLoop<Pass>({
    run: (pass) => this.runPass(pass),
    merge: (queued, asked) => (queued === 'full' || asked === 'full' ? 'full' : 'refill'),
    onError: (error) => this.logger.error({ err: error }, 'Dispatch tick failed'),
  });
  /** Platforms whose last claim took every slot it was offered: more of theirs may be due (what a refill claims for). */
  private readonly backlogged = new Set<Platform>();
  /** A pass at the instant the next delivery falls due, when that comes before the next interval tick. */
  private wakeUp?: NodeJS.Timeout;
  private lastHoldSweep = 0;
  private beats = 0;

  private readonly tickMs: number;
  private readonly sendTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly heartbeatMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Env, true>,
    private readonly scheduler: SchedulerRegistry,
    private readonly gate: DispatchGate,
    private readonly publishers: PublisherRegistry,
    private readonly channels: ChannelsService,
    private readonly metrics: DispatchMetrics,
    private readonly vault: CredentialVault,
    private readonly clock: Clock,
    private readonly breakers: BreakersService,
    private readonly media: MediaSource,
  ) {
    this.recorder = new OutcomeRecorder(dataSource, this.owner);
    this.slots = new SendSlots(
      {
        concurrency: config.get('DISPATCH_CONCURRENCY', { infer: true }),
        platformConcurrency: config.get('DISPATCH_PLATFORM_CONCURRENCY', { infer: true }),
        maxBatches: MAX_BATCHES_IN_FLIGHT,
        firstClaim: FIRST_CLAIM,
      },
      metrics.inFlight,
    );
    this.tickMs = config.get('DISPATCH_TICK_MS', { infer: true });
    this.sendTimeoutMs = config.get('DISPATCH_SEND_TIMEOUT_MS', { infer: true });
    this.leases = new DeliveryLeases(dataSource, this.owner, this.leaseMs);
    this.maxAttempts = config.get('DISPATCH_MAX_ATTEMPTS', { infer: true });
    this.heartbeatMs = config.get('DISPATCH_HEARTBEAT_MS', { infer: true });
  }

  /** Longer than any send may take, so only a dead or stuck sender's lease expires. */
  get leaseMs(): number {
    return this.sendTimeoutMs * 2 + 1000;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.get('DISPATCH_ENABLED', { infer: true }) !== 'true') {
      return;
    }
    // Alive before the first claim: another instance recovers the leases of an owner it does not see beating.
    await this.heartbeat();
    this.heartbeats = setInterval(() => void this.heartbeat().catch((error: unknown) => this.logger.warn({ err: error }, 'Dispatch heartbeat failed')), this.heartbeatMs);
    this.scheduler.addInterval('dispatch', setInterval(() => void this.tick(), this.tickMs));
    this.listener = new ListenConnection({
      databaseUrl: this.config.get('DATABASE_URL', { infer: true }),
      applicationName: DISPATCH_LISTENER,
      channels: [DISPATCH_CHANNEL, GATE_CLOSING_CHANNEL],
      onNotification: (channel, payload) => (channel === GATE_CLOSING_CHANNEL ? this.closingGates.closing(payload) : void this.tick()),
      onReconnected: () => void this.tick(),
      lostMessage: 'Dispatch wake-up connection lost; ticks continue, reconnecting',
      logger: this.logger,
    });
    await this.listener.start();
    void this.tick();
  }

  /** This instance is alive; now and then, forget instances dead for long. */
  private async heartbeat(): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO dispatch_instances (owner) VALUES ($1) ON CONFLICT (owner) DO UPDATE SET heartbeat_at = now()`,
      [this.owner],
    );
    if (this.beats++ % 600 === 0) {
      await this.dataSource.query(`DELETE FROM dispatch_instances WHERE heartbeat_at < now() - interval '${FORGET_INSTANCES_AFTER}'`);
    }
  }

  /** SIGTERM: stop claiming, let every send in flight finish and be recorded, then let the app close. */
  async beforeApplicationShutdown(): Promise<void> {
    const passEnded = this.passes.stop();
    if (this.scheduler.doesExist('interval', 'dispatch')) {
      this.scheduler.deleteInterval('dispatch');
    }
    clearTimeout(this.wakeUp);
    await this.listener?.stop();
    // A claim already sent may still commit: once the pass ends, its sends (if any) are in `running`.
    const drained = passEnded.then(() => Promise.allSettled([...this.running])).then(() => true);
    const limit = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.sendTimeoutMs + 5000).unref());
    const idle = await Promise.race([drained, limit]);
    clearInterval(this.heartbeats);
    if (this.heartbeats && idle) {
      // Gone for good, and holding nothing: nobody needs to wait for this heartbeat to go stale.
      await this.dataSource.query('DELETE FROM dispatch_instances WHERE owner = $1', [this.owner]).catch(() => undefined);
    }
  }

  /** One full pass: recover what dead or stuck senders left, hold what a crisis stops, then claim and start as many sends as there are free slots. */
  tick(): Promise<void> {
    return this.passes.ask('full');
  }

  private get stopping(): boolean {
    return this.passes.state.kind === 'stopped';
  }

  private async runPass(pass: Pass): Promise<void> {
    if (pass === 'full') {
      await this.recoverStoppedSenders();
      await this.holdDueDeliveries();
    }
    await this.claimAndSend(pass);
  }

  /** Resolves when nothing is in flight (tests and benchmarks). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.passes.state.kind === 'running') {
      await Promise.allSettled([...this.running]);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private async claimAndSend(pass: Pass): Promise<void> {
    const now = this.clock.now();
    const degraded = await this.breakers.degraded();
    const due = pass === 'full' ? await this.platformsWithDueDeliveries(now) : undefined;
    for (const platform of PLATFORMS) {
      if (!this.publishers.has(platform) || (pass === 'refill' && !this.backlogged.has(platform))) {
        continue;
      }
      if (due && !due.has(platform)) {
        this.backlogged.delete(platform);
        continue;
      }
      const free = this.slots.claimable(platform);
      if (free === 0) {
        continue;
      }
      // An open breaker keeps its platform's or channel's deliveries waiting; a half-open one lets one probe out.
      const plan = this.breakers.plan(platform, degraded, now);
      const claimed: ClaimedDelivery[] =
        plan.platform === 'send'
          ? await this.leases.claimDue(platform, free, now, { excludeChannels: plan.blockedChannelIds })
          : plan.platform === 'probe'
            ? await this.claimProbe(platform, platformScope(platform), now, null)
            : [];
      for (const channelId of plan.probeChannelIds.slice(0, Math.max(0, free - claimed.length))) {
        claimed.push(...(await this.claimProbe(platform, channelScope(channelId), now, channelId)));
      }
      if (this.stopping) {
        // Shutting down while the claim ran: hand the deliveries back unsent rather than start sends nobody waits for.
        await Promise.all(claimed.map((delivery) => this.releaseProbeOf(delivery)));
        await this.leases.giveBack(claimed.map((d) => d.id));
        return;
      }
      const byWorkspace = new Map<string, ClaimedDelivery[]>();
      for (const delivery of claimed) {
        const batch = byWorkspace.get(delivery.workspace_id);
        if (batch) {
          batch.push(delivery);
        } else {
          byWorkspace.set(delivery.workspace_id, [delivery]);
        }
      }
      for (const batch of byWorkspace.values()) {
        this.start(platform, batch);
      }
      if (claimed.length === free) {
        this.backlogged.add(platform);
        void this.passes.ask('refill'); // more may be due: claim again once slots free up
      } else {
        this.backlogged.delete(platform);
      }
    }
  }

  /**
   * The platforms with a scheduled delivery due by `now` (only those are worth a claim), and a wake-up
   * at the instant the next one falls due when that comes before the next tick, so a post is sent on
   * its time rather than up to DISPATCH_TICK_MS late. One index probe per platform.
   */
  private async platformsWithDueDeliveries(now: Date): Promise<Set<Platform>> {
    const { due, nextDueAt } = await this.leases.due(
      PLATFORMS.filter((platform) => this.publishers.has(platform)),
      now,
    );
    if (nextDueAt !== undefined) {
      this.wakeUpIn(nextDueAt - now.getTime());
    }
    return due;
  }

  private wakeUpIn(ms: number): void {
    if (ms >= this.tickMs || this.stopping) {
      return; // the interval tick comes first
    }
    clearTimeout(this.wakeUp);
    // A timer may fire a millisecond early by the clock: the extra one makes the delivery due when it does.
    this.wakeUp = setTimeout(() => void this.tick(), ms + 1);
    this.wakeUp.unref();
  }

  /**
   * One due delivery of the breaker's scope (the platform, or one channel), sent as its half-open probe
   * if this instance gets the probe; otherwise handed back unsent.
   */
  private async claimProbe(platform: Platform, scope: BreakerScope, now: Date, channelId: string | null): Promise<ClaimedDelivery[]> {
    const claimed = await this.leases.claimDue(platform, 1, now, { channelId });
    if (claimed.length === 0) {
      return [];
    }
    if (!(await this.breakers.tryGrantProbe(scope, this.owner, this.leaseMs))) {
      await this.leases.giveBack(claimed.map((d) => d.id));
      return [];
    }
    this.probes.set(claimed[0].id, scope);
    return claimed;
  }

  /** A probe that was not sent after all: another send may probe. */
  private async releaseProbeOf(delivery: ClaimedDelivery): Promise<void> {
    const probeOf = this.probes.get(delivery.id);
    if (probeOf && this.probes.delete(delivery.id)) {
      await this.breakers.releaseProbe(probeOf, this.owner);
    }
  }

  /** Feeds a send's answer to its platform's and channel's breakers. */
  private observeHealth(delivery: ClaimedDelivery, kind: PublishFailure['kind'] | 'published', reason: string | null): void {
    const probeOf = this.probes.get(delivery.id) ?? null;
    this.probes.delete(delivery.id);
    this.breakers.observe({
      platform: delivery.platform,
      channelId: delivery.channel_id,
      workspaceId: delivery.workspace_id,
      signal: healthSignalOf(kind),
      probeOf,
      reason,
      at: this.clock.now(),
    });
  }

  private start(platform: Platform, batch: ClaimedDelivery[]): void {
    this.slots.startBatch(
      platform,
      batch.map((d) => d.id),
    );
    // A slot frees as soon as its own send is answered, so claiming goes on while a batch's slowest send finishes.
    const settle = (delivery: ClaimedDelivery): void => {
      if (this.slots.free(platform, delivery.id)) {
        void this.passes.ask('refill');
      }
    };
    const run = this.sendBatch(batch, settle)
      .catch((error: unknown) =>
        this.logger.error({ err: error, deliveryIds: batch.map((d) => d.id) }, 'Send batch crashed; its leases will expire'),
      )
      .finally(() => {
        this.slots.endBatch();
        this.running.delete(run);
        batch.forEach(settle);
      });
    this.running.add(run);
  }

  /**
   * One workspace's batch to one platform: open the channels' credentials, pass the gate once, send
   * each, record each, then leave the gate. The pass is released only once every send of the batch
   * has settled and been recorded (or its lease has run out): a crisis closing the gate waits for all
   * of them, never for some.
   */
  private async sendBatch(batch: ClaimedDelivery[], settle: (delivery: ClaimedDelivery) => void): Promise<void> {
    const started = this.clock.now().getTime();
    for (const delivery of batch.filter((d) => d.attempts === 1)) {
      this.metrics.lateness.observe({ platform: delivery.platform }, Math.max(0, started - new Date(delivery.due_at).getTime()) / 1000);
    }
    // Before the gate: a channel whose credentials cannot be opened fails its deliveries without their being admitted.
    const credentials = new Map<string, Record<string, string>>();
    const unopenable = new Set<string>();
    for (const delivery of batch) {
      if (credentials.has(delivery.channel_id) || unopenable.has(delivery.channel_id)) {
        continue;
      }
      try {
        credentials.set(delivery.channel_id, this.vault.open(delivery.credentials_sealed, delivery.channel_id));
      } catch (error) {
        unopenable.add(delivery.channel_id);
        this.logger.error({ err: error, channelId: delivery.channel_id }, 'The credentials of a channel cannot be opened; its deliveries fail');
      }
    }
    const broken = batch.filter((d) => unopenable.has(d.channel_id));
    const sendable = batch.filter((d) => credentials.has(d.channel_id));
    const failing = Promise.allSettled(broken.map((delivery) => this.failUnopenable(delivery, settle)));
    if (sendable.length > 0) {
      await this.sendThroughGate(sendable, credentials, settle);
    }
    await failing;
  }

  private async sendThroughGate(
    batch: ClaimedDelivery[],
    credentials: Map<string, Record<string, string>>,
    settle: (delivery: ClaimedDelivery) => void,
  ): Promise<void> {
    let pass: GatePass;
    try {
      pass = await this.gate.enter(batch[0].workspace_id, batch[0].platform, batch.map((d) => d.id), this.owner, this.leaseMs);
    } catch (error) {
      this.logger.error({ err: error, deliveryIds: batch.map((d) => d.id) }, 'Could not pass the gate; the batch is handed back unsent');
      await this.handBack(batch).catch(() => undefined); // if this fails too, the lease sweep reschedules them (never sent)
      return;
    }
    // The lease counts from admission: an outcome not recorded by then is the lease sweep's to decide.
    const leaseUntil = Date.now() + this.leaseMs;
    const admitted = batch.filter((d) => pass.admitted.has(d.id));
    const aborts = this.closingGates.abortsFor(batch[0].workspace_id, batch[0].platform, admitted.length, this.sendTimeoutMs);
    try {
      const results = await Promise.allSettled([
        this.handBack(batch.filter((d) => !pass.admitted.has(d.id))),
        ...admitted.map(async (delivery, index) => {
          const outcome = await this.publish(delivery, credentials.get(delivery.channel_id)!, aborts[index]);
          this.metrics.sends.inc({ platform: delivery.platform, outcome: outcome.state });
          // The platform slot is free once the request is answered; the gate pass waits for the record.
          settle(delivery);
          await this.recordOutcome(delivery, outcome, leaseUntil);
        }),
      ]);
      for (const result of results) {
        if (result.status === 'rejected') {
          this.logger.error({ err: result.reason as unknown }, 'A send of the batch failed unexpectedly');
        }
      }
    } finally {
      await pass.release();
    }
  }

  /** Claimed deliveries the gate refused (a crisis hold, a cancel, a lost lease): never sent, handed back. */
  private async handBack(refused: ClaimedDelivery[]): Promise<void> {
    if (refused.length === 0) {
      return;
    }
    await Promise.all(refused.map((delivery) => this.releaseProbeOf(delivery)));
    this.logger.warn({ deliveryIds: refused.map((d) => d.id) }, 'Deliveries not admitted at the gate (crisis hold, cancel or lost lease); not sent');
    await this.leases.giveBack(refused.map((d) => d.id));
  }

  /** Nothing was sent: the delivery fails with a reason a person can act on (reconnect the channel). */
  private async failUnopenable(delivery: ClaimedDelivery, settle: (delivery: ClaimedDelivery) => void): Promise<void> {
    await this.releaseProbeOf(delivery);
    settle(delivery);
    const outcome: Outcome = {
      state: 'failed',
      attempts: Math.max(0, delivery.attempts - 1),
      lastError: "the channel's stored credentials cannot be opened (were they sealed with another HOLDFAST_SECRET_KEY?): reconnect the channel",
    };
    this.metrics.sends.inc({ platform: delivery.platform, outcome: outcome.state });
    await this.recordOutcome(delivery, outcome, Date.now() + this.sendTimeoutMs);
  }

  /**
   * Records an outcome, retrying a failed write (a connection reset, a deadlock, a statement timeout)
   * with a short backoff while the lease lasts: the batch keeps its gate pass meanwhile, so the crisis
   * switch still waits for it. Never throws.
   */
  private async recordOutcome(delivery: ClaimedDelivery, outcome: Outcome, leaseUntil: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.recorder.record(delivery.id, delivery.channel_id, outcome);
        return;
      } catch (error) {
        if (Date.now() >= leaseUntil) {
          this.logger.error({ err: error, deliveryId: delivery.id, outcome: outcome.state }, 'Could not record the outcome while the lease lasted; the lease sweep decides');
          return;
        }
        this.logger.warn({ err: error, deliveryId: delivery.id, attempt }, 'Recording the outcome failed; retrying');
        const wait = Math.min(RECORD_RETRY_MAX_MS, RECORD_RETRY_BASE_MS * 2 ** (attempt - 1), Math.max(0, leaseUntil - Date.now()));
        await new Promise((resolve) => setTimeout(resolve, wait / 2 + (Math.random() * wait) / 2));
      }
    }
  }

  private async publish(delivery: ClaimedDelivery, credentials: Record<string, string>, abort: SharedAbort): Promise<Outcome> {
    const publisher = this.publishers.get(delivery.platform);
    const context = { attempts: delivery.attempts, maxAttempts: this.maxAttempts, now: this.clock.now(), idempotent: publisher.idempotentSends };
    try {
      const fields = { text: delivery.text, platformText: delivery.platform_text, imageUrls: delivery.image_urls, link: delivery.link };
      const content = contentFor(delivery.platform, fields);
      // Library media only when the post has some: the common send reads nothing more.
      const media = delivery.media_ids.length > 0 ? await this.media.forPublish(delivery.workspace_id, delivery.media_ids, delivery.platform) : undefined;
      const result = await publisher.publish({
        deliveryId: delivery.id,
        channel: { id: delivery.channel_id, platform: delivery.platform, handle: delivery.handle },
        credentials,
        text: composeText(delivery.platform, content),
        imageUrls: content.imageUrls,
        media,
        ...requestOptionsOf(delivery.platform, delivery.options),
        progress: { state: delivery.progress, save: (state) => this.leases.saveProgress(delivery.id, state) },
        link: content.link,
        signal: abort.signal,
        renewCredentials: (renewal) => this.channels.renewCredentials(delivery.channel_id, renewal),
      });
      this.observeHealth(delivery, 'published', null);
      return outcomeOfSuccess(result, { ...context, now: this.clock.now() });
    } catch (error) {
      const stoppedBySwitch = abort.abortedBySwitch();
      if (stoppedBySwitch) {
        // Not the platform's failure: no breaker hears of it. Whatever the platform's idempotency, a person checks.
        await this.releaseProbeOf(delivery);
        return { state: 'needs_verification', attempts: delivery.attempts, lastError: `${stoppedBySwitch}; the request may have reached the platform: check it` };
      }
      // An error no adapter classified may have struck after the request left: its outcome is unknown.
      const failure: PublishFailure =
        error instanceof PublishError ? error.failure : { kind: 'unknown', reason: error instanceof Error ? error.message : String(error) };
      this.observeHealth(delivery, failure.kind, failure.reason);
      return outcomeOfFailure(failure, { ...context, now: this.clock.now() });
    } finally {
      abort.done();
    }
  }

  /** Marks what fell due under a crisis as held; at most every HOLD_SWEEP_EVERY_MS per instance. */
  private async holdDueDeliveries(): Promise<void> {
    const now = Date.now();
    if (now - this.lastHoldSweep < HOLD_SWEEP_EVERY_MS) {
      return;
    }
    this.lastHoldSweep = now;
    const [held] = await this.dataSource.query<[{ id: string }[], number]>(HOLD_DUE_DELIVERIES, [HOLD_SWEEP_BATCH, null]);
    if (held.length > 0) {
      this.metrics.held.inc(held.length);
      this.logger.log({ count: held.length }, 'Held deliveries that fell due during a crisis');
    }
  }

  /** What dead or stuck senders left (see DeliveryLeases.recoverStoppedSenders). */
  private async recoverStoppedSenders(): Promise<void> {
    const idempotent = PLATFORMS.filter((p) => this.publishers.has(p) && this.publishers.get(p).idempotentSends);
    for (const row of await this.leases.recoverStoppedSenders(idempotent, this.heartbeatMs)) {
      this.logger.warn({ deliveryId: row.id, state: row.state }, 'Recovered a delivery from a sender that stopped');
    }
  }
}
