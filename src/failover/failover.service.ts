// Failover decided in advance: a delivery its degraded platform cannot take goes to the channel's fallbacks, audited, linked, once.
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Counter } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf, AuditActor, SYSTEM_ACTOR } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import type { FailoverPolicy } from '../channels/failover-policies';
import type { Platform } from '../channels/platform';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import type { Env } from '../config/env';
import { BreakersService } from '../dispatch/breakers.service';
import { stoppedByCrisis } from '../dispatch/crisis-hold';
import { DeliveriesRepository } from '../dispatch/deliveries.repository';
import { assertTransition } from '../dispatch/delivery-state';
import { Metrics } from '../metrics/metrics';
import { WebhookEvents } from '../webhooks/webhook-events.service';
import { autoFailoverAt, chooseFallbacks, FallbackChoice } from './failover-policy';

export type FailoverTrigger = 'auto' | 'manual';

/** A delivery waiting on a degraded platform whose channel may fail over, with what each fallback would make of it. */
export interface FailoverCandidate {
  deliveryId: string;
  postId: string;
  channelId: string;
  channelName: string;
  platform: Platform;
  policy: FailoverPolicy;
  scheduledAt: Date;
  /** auto: when it fails over by itself. */
  autoAt: Date | null;
  /** The breakers keeping it waiting: `platform:<name>` and/or `channel:<id>`. */
  degradedScopes: string[];
  fallbacks: FallbackChoice[];
}

export interface FailoverResult {
  originalId: string;
  trigger: FailoverTrigger;
  fallbacks: { deliveryId: string; channelId: string; platform: Platform }[];
  skipped: { channelId: string; platform: Platform; reason: string }[];
}

/** The original delivery, its post and channel, read under lock. */
interface OriginalRow {
  id: string;
  workspace_id: string;
  post_id: string;
  channel_id: string;
  platform: Platform;
  state: string;
  released_by_crisis_id: string | null;
  stopped_by_crisis: boolean;
  channel_name: string;
  failover_policy: FailoverPolicy;
  failover_after_minutes: number | null;
  fallback_channel_ids: string[];
  text: string;
  platform_text: Partial<Record<Platform, string>>;
  image_urls: string[];
  link: string | null;
  scheduled_at: Date;
}

const SWEEP_BATCH = 100;

/** The breakers (platform or channel) of delivery `d` that are not closed. */
const DEGRADED_SCOPES = (d: string): string => `ARRAY(SELECT h.scope FROM platform_health h
    WHERE h.state <> 'closed' AND (h.scope = 'platform:' || ${d}.platform OR h.scope = 'channel:' || ${d}.channel_id::text) ORDER BY h.scope)`;

/**
 * Auto failover's due deliveries ($1 degraded platforms, $2 degraded channels, $3 now, $4 batch):
 * scheduled ones of those platforms through IDX_deliveries_due, of those channels through IDX_deliveries_channel.
 */
export const FAILOVER_SWEEP_SQL = `SELECT d.id FROM deliveries d
           JOIN channels ch ON ch.id = d.channel_id
           JOIN posts p ON p.id = d.post_id
          WHERE d.state = 'scheduled' AND (d.platform = ANY($1) OR d.channel_id = ANY($2::uuid[]))
            AND ch.failover_policy = 'auto' AND p.scheduled_at + make_interval(mins => ch.failover_after_minutes) <= $3
            AND NOT ${stoppedByCrisis('d')}
          ORDER BY d.due_at LIMIT $4`;

/** A workspace's scheduled deliveries that a degraded platform or channel keeps waiting ($1 workspace, $2 now). */
export const FAILOVER_CANDIDATES_SQL = `SELECT d.id, d.workspace_id, d.post_id, d.channel_id, d.platform, d.state, d.released_by_crisis_id, false AS stopped_by_crisis,
              ch.name AS channel_name, ch.failover_policy, ch.failover_after_minutes, ch.fallback_channel_ids,
              p.text, p.platform_text, p.image_urls, p.link, p.scheduled_at, ${DEGRADED_SCOPES('d')} AS degraded_scopes
         FROM deliveries d JOIN channels ch ON ch.id = d.channel_id JOIN posts p ON p.id = d.post_id
        WHERE d.workspace_id = $1 AND d.state = 'scheduled' AND p.scheduled_at <= $2 AND ch.failover_policy IN ('manual', 'auto')
          AND cardinality(${DEGRADED_SCOPES('d')}) > 0
          AND NOT ${stoppedByCrisis('d')}
        ORDER BY p.scheduled_at, d.id
        LIMIT 200`;

@Injectable()
export class FailoverService implements OnApplicationBootstrap {
  private readonly logger = new Logger(FailoverService.name);
  private readonly failovers: Counter<'platform' | 'trigger'>;
  private sweeping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Env, true>,
    private readonly scheduler: SchedulerRegistry,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly breakers: BreakersService,
    private readonly deliveries: DeliveriesRepository,
    private readonly webhooks: WebhookEvents,
    metrics: Metrics,
  ) {
    this.failovers = metrics.counter('holdfast_failovers_total', 'Deliveries failed over to fallback channels, by the degraded platform and what triggered it', [
      'platform',
      'trigger',
    ]);
  }

  onApplicationBootstrap(): void {
    if (this.config.get('DISPATCH_ENABLED', { infer: true }) !== 'true') {
      return;
    }
    const every = this.config.get('FAILOVER_SWEEP_MS', { infer: true });
    this.scheduler.addInterval('failover', setInterval(() => void this.sweep(), every));
  }

  /**
   * Auto failover: every delivery of an `auto` channel that its degraded platform or channel keeps
   * waiting, late by the channel's failoverAfterMinutes, goes to its fallbacks. Nothing to do (one
   * cached read) while every breaker is closed. Any instance may sweep: each failover locks its rows.
   */
  async sweep(): Promise<number> {
    if (this.sweeping) {
      return 0;
    }
    this.sweeping = true;
    try {
      const degraded = await this.breakers.degraded();
      if (degraded.length === 0) {
        return 0;
      }
      const platforms = [...new Set(degraded.filter((row) => row.channelId === null).map((row) => row.platform))];
      const channels = degraded.filter((row) => row.channelId !== null).map((row) => row.channelId!);
      const due = await this.dataSource.query<{ id: string }[]>(FAILOVER_SWEEP_SQL, [platforms, channels, this.clock.now(), SWEEP_BATCH],
      );
      let done = 0;
      for (const { id } of due) {
        try {
          const result = await this.dataSource.transaction((manager) => this.failOver(manager, id, null, SYSTEM_ACTOR, 'auto'));
          done += result ? 1 : 0;
        } catch (error) {
          this.logger.error({ err: error, deliveryId: id }, 'Auto failover failed; the delivery keeps waiting');
        }
      }
      return done;
    } catch (error) {
      this.logger.error({ err: error }, 'Failover sweep failed');
      return 0;
    } finally {
      this.sweeping = false;
    }
  }

  /** What waits on a degraded platform and could fail over (manual or auto channels), oldest first. */
  async candidates(principal: Principal): Promise<FailoverCandidate[]> {
    const rows = await this.dataSource.query<(OriginalRow & { degraded_scopes: string[] })[]>(
      FAILOVER_CANDIDATES_SQL,
      [principal.workspaceId, this.clock.now()],
    );
    const result: FailoverCandidate[] = [];
    for (const row of rows) {
      result.push({
        deliveryId: row.id,
        postId: row.post_id,
        channelId: row.channel_id,
        channelName: row.channel_name,
        platform: row.platform,
        policy: row.failover_policy,
        scheduledAt: row.scheduled_at,
        autoAt: autoFailoverAt({ failoverPolicy: row.failover_policy, failoverAfterMinutes: row.failover_after_minutes }, row.scheduled_at),
        degradedScopes: row.degraded_scopes,
        fallbacks: await this.fallbacksFor(this.dataSource.manager, row),
      });
    }
    return result;
  }

  /** A person confirms a failover (manual policy, or an auto one before its time), to all fallbacks or the ones named. */
  async confirm(principal: Principal, deliveryId: string, channelIds: string[] | undefined, reason: string): Promise<FailoverResult> {
    const result = await this.dataSource.transaction((manager) =>
      this.failOver(manager, deliveryId, { workspaceId: principal.workspaceId, channelIds, reason }, actorOf(principal), 'manual'),
    );
    return result!;
  }

  /**
   * Locks the post, then the delivery, checks again that it is scheduled, that its channel's policy
   * allows failover, that its platform or channel is degraded and that no crisis holds it; creates one
   * scheduled delivery per usable fallback (its own platform's text, its limits checked, linked by
   * failover_of_id, carrying the crisis release of the original) and marks the original failed_over,
   * audited, in the caller's transaction. A person's request that cannot be honoured is a 4xx; an
   * auto sweep that finds the situation changed returns null.
   */
  private async failOver(
    manager: EntityManager,
    deliveryId: string,
    person: { workspaceId: string; channelIds: string[] | undefined; reason: string } | null,
    actor: AuditActor,
    trigger: FailoverTrigger,
  ): Promise<FailoverResult | null> {
    const refuse = (message: string): null => {
      if (person) {
        throw DomainError.conflict(message);
      }
      return null;
    };
    const [located] = await manager.query<{ post_id: string; workspace_id: string }[]>('SELECT post_id, workspace_id FROM deliveries WHERE id = $1', [deliveryId]);
    if (!located || (person && located.workspace_id !== person.workspaceId)) {
      throw DomainError.notFound('Delivery', deliveryId);
    }
    await manager.query('SELECT id FROM posts WHERE id = $1 FOR UPDATE', [located.post_id]);
    const [original] = await manager.query<(OriginalRow & { degraded_scopes: string[] })[]>(
      `SELECT d.id, d.workspace_id, d.post_id, d.channel_id, d.platform, d.state, d.released_by_crisis_id, ${stoppedByCrisis('d')} AS stopped_by_crisis,
              ch.name AS channel_name, ch.failover_policy, ch.failover_after_minutes, ch.fallback_channel_ids,
              p.text, p.platform_text, p.image_urls, p.link, p.scheduled_at, ${DEGRADED_SCOPES('d')} AS degraded_scopes
         FROM deliveries d JOIN channels ch ON ch.id = d.channel_id JOIN posts p ON p.id = d.post_id
        WHERE d.id = $1 FOR UPDATE OF d`,
      [deliveryId],
    );
    if (original.state !== 'scheduled') {
      return refuse(`Delivery ${deliveryId} is ${original.state}: only a scheduled delivery waiting on a degraded platform can fail over`);
    }
    if (original.failover_policy === 'off') {
      return refuse(`Channel ${original.channel_name} (${original.channel_id}) has failoverPolicy off: set it to manual or auto to fail over`);
    }
    if (original.degraded_scopes.length === 0) {
      return refuse(`${original.platform} and channel ${original.channel_name} are not degraded: the delivery goes out there`);
    }
    if (original.stopped_by_crisis) {
      return refuse(`Delivery ${deliveryId} is held by the active crisis: it needs crisis sign-off, not failover`);
    }
    const now = this.clock.now();
    const settings = { failoverPolicy: original.failover_policy, failoverAfterMinutes: original.failover_after_minutes };
    if (!person && (autoFailoverAt(settings, original.scheduled_at)?.getTime() ?? Infinity) > now.getTime()) {
      return null;
    }
    if (person?.channelIds) {
      const strangers = person.channelIds.filter((id) => !original.fallback_channel_ids.includes(id));
      if (strangers.length > 0) {
        throw DomainError.invalid(`channelIds must name fallbacks of channel ${original.channel_name}: ${strangers.join(', ')} is not one`);
      }
    }
    const wanted = person?.channelIds ?? original.fallback_channel_ids;
    const choices = (await this.fallbacksFor(manager, original)).filter((choice) => wanted.includes(choice.channelId));
    const usable = choices.filter((choice) => choice.refusal === null);
    const skipped = choices.filter((choice) => choice.refusal !== null).map((c) => ({ channelId: c.channelId, platform: c.platform, reason: c.refusal! }));
    if (usable.length === 0) {
      return refuse(`No fallback can take delivery ${deliveryId}: ${skipped.map((s) => `${s.channelId} (${s.reason})`).join('; ') || 'none is named'}`);
    }

    const created = await manager.query<{ id: string; channel_id: string; platform: Platform }[]>(
      `INSERT INTO deliveries (workspace_id, post_id, channel_id, platform, state, due_at, failover_of_id, released_by_crisis_id)
       SELECT $1, $2, v.channel_id, v.platform, 'scheduled', $3, $4, $5
         FROM unnest($6::uuid[], $7::text[]) AS v(channel_id, platform)
       RETURNING id, channel_id, platform`,
      [original.workspace_id, original.post_id, now, original.id, original.released_by_crisis_id, usable.map((c) => c.channelId), usable.map((c) => c.platform)],
    );
    assertTransition('scheduled', 'failed_over');
    const late = Math.max(0, Math.round((now.getTime() - new Date(original.scheduled_at).getTime()) / 60_000));
    const lastError = `${original.degraded_scopes.join(' and ')} degraded: failed over to ${usable.map((c) => `${c.name} (${c.platform})`).join(', ')}`;
    await manager.query(
      `UPDATE deliveries SET state = 'failed_over', last_error = $2, updated_at = now() WHERE id = $1 AND state = 'scheduled'`,
      [original.id, lastError],
    );
    const result: FailoverResult = {
      originalId: original.id,
      trigger,
      fallbacks: created.map((row) => ({ deliveryId: row.id, channelId: row.channel_id, platform: row.platform })),
      skipped,
    };
    const reason = person?.reason ?? `auto failover: ${original.platform} degraded, ${late} minutes late (policy: after ${original.failover_after_minutes} minutes)`;
    await this.audit.record(manager, original.workspace_id, actor, {
      action: 'delivery.failed_over',
      targetType: 'delivery',
      targetId: original.id,
      before: { state: 'scheduled', channelId: original.channel_id, platform: original.platform },
      after: { state: 'failed_over', trigger, degraded: original.degraded_scopes, minutesLate: late, fallbacks: result.fallbacks, skipped },
      reason,
    });
    // In the same transaction: the webhook is sent only if the failover commits.
    await this.webhooks.emit(manager, original.workspace_id, 'delivery.failed_over', {
      deliveryId: original.id,
      postId: original.post_id,
      channelId: original.channel_id,
      platform: original.platform,
      trigger,
      degraded: original.degraded_scopes,
      minutesLate: late,
      fallbacks: result.fallbacks,
      skipped,
      reason,
    });
    await this.deliveries.wake(manager);
    this.failovers.inc({ platform: original.platform, trigger });
    this.logger.warn({ deliveryId: original.id, trigger, fallbacks: result.fallbacks.map((f) => f.deliveryId) }, 'Delivery failed over');
    return result;
  }

  /** The channel's fallbacks, in its order, each with the reason it cannot take this post (null when it can). */
  private async fallbacksFor(manager: EntityManager, original: OriginalRow): Promise<FallbackChoice[]> {
    if (original.fallback_channel_ids.length === 0) {
      return [];
    }
    const rows = await manager.query<{ id: string; name: string; platform: Platform; status: string; deleted: boolean; degraded: boolean; already: boolean }[]>(
      `SELECT ch.id, ch.name, ch.platform, ch.status, ch.deleted_at IS NOT NULL AS deleted,
              EXISTS (SELECT 1 FROM platform_health h WHERE h.state <> 'closed' AND h.scope IN ('platform:' || ch.platform, 'channel:' || ch.id::text)) AS degraded,
              EXISTS (SELECT 1 FROM deliveries x WHERE x.post_id = $2 AND x.channel_id = ch.id AND x.state <> 'cancelled') AS already
         FROM channels ch WHERE ch.id = ANY($1::uuid[]) AND ch.workspace_id = $3`,
      [original.fallback_channel_ids, original.post_id, original.workspace_id],
    );
    const ordered = original.fallback_channel_ids.map((id) => rows.find((row) => row.id === id)).filter((row) => row !== undefined);
    return chooseFallbacks(
      ordered.map((row) => ({ ...row, alreadyTargeted: row.already })),
      { text: original.text, platformText: original.platform_text, imageUrls: original.image_urls, link: original.link },
    );
  }
}
