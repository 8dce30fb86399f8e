// Writes audit events inside the caller's transaction, reads them back, and checks the chain.
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Counter } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { liveEventOfAudit, writeLiveEvent } from '../live/live-events';
import { Metrics } from '../metrics/metrics';
import type { AuditActor } from './audit-actor';
import { BrokenLink, chainTemplate, findBrokenLink, GENESIS_HASH, hashEvent } from './audit-chain';
import { AuditEvent } from './audit-event.entity';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  reason?: string | null;
}

export interface AuditQuery {
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  /** Return events with a seq below this one (the cursor). */
  beforeSeq?: number;
  limit: number;
}

/** What audit_append returns. */
export interface AppendedRow {
  id: string;
  seq: string;
  prev_hash: string;
  hash: string;
}

export interface PreparedAppend {
  params: unknown[];
  call(first: number): string;
  accept(row: AppendedRow): AuditEvent;
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string } | null;
  firstBrokenLink: BrokenLink | null;
}

const VERIFY_BATCH = 1000;

@Injectable()
export class AuditService {
  private readonly recorded: Counter<'action'>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    metrics: Metrics,
  ) {
    this.recorded = metrics.counter('holdfast_audit_events_total', 'Audit events written', ['action']);
  }

  /**
   * Appends an event to the workspace's chain; must run in the transaction that makes the change.
   * The append is one statement (audit_append: lock, head, hash, insert) whose lock is held to commit:
   * call it last, after the change's own writes and row locks, so the chain is always the last lock a
   * writer waits for.
   */
  async record(manager: EntityManager, workspaceId: string, actor: AuditActor, entry: AuditEntry): Promise<AuditEvent> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('Audit events are written in the transaction of the change they record');
    }
    const append = this.prepare(workspaceId, actor, entry);
    const [row] = await manager.query<AppendedRow[]>(`SELECT id, seq, prev_hash, hash FROM ${append.call(1)}`, append.params);
    const live = liveEventOfAudit(workspaceId, entry);
    if (live) {
      await writeLiveEvent(manager, live); // open consoles follow every audited change
    }
    return append.accept(row);
  }

  /**
   * The append as a call for a caller to put inside its own single statement (one that makes the
   * change and records it, committed as one): `call(n)` numbers the arguments from $n, `params` are
   * their values, and `accept` turns the row audit_append returned into the event, checking its hash.
   * The statement must take every other lock it needs before it calls audit_append.
   */
  prepare(workspaceId: string, actor: AuditActor, entry: AuditEntry): PreparedAppend {
    const fields = {
      workspaceId,
      actorId: actor.memberId,
      actorLabel: actor.label,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      before: asJson(entry.before),
      after: asJson(entry.after),
      reason: entry.reason ?? null,
      requestId: actor.requestId,
      occurredAt: this.clock.now(),
    };
    // seq and prevHash are known only under the lock: the database puts them in place of the marker.
    const marker = randomBytes(16).toString('hex');
    const params = [
      workspaceId,
      fields.actorId,
      fields.actorLabel,
      fields.action,
      fields.targetType,
      fields.targetId,
      fields.before === null ? null : JSON.stringify(fields.before),
      fields.after === null ? null : JSON.stringify(fields.after),
      fields.reason,
      fields.requestId,
      fields.occurredAt,
      chainTemplate(fields, marker),
      marker,
    ];
    return {
      params,
      call: (first) => `audit_append(${params.map((_, i) => `$${first + i}`).join(', ')})`,
      accept: (row) => {
        const content = { ...fields, seq: Number(row.seq), prevHash: row.prev_hash };
        if (hashEvent(content) !== row.hash) {
          // A programming error (the template and hashEvent disagree): refuse the change rather than break the chain.
          throw new Error(`audit_append hashed event ${content.seq} of workspace ${workspaceId} unlike hashEvent`);
        }
        this.recorded.inc({ action: entry.action });
        return Object.assign(new AuditEvent(), content, { id: row.id, hash: row.hash });
      },
    };
  }

  async list(workspaceId: string, query: AuditQuery): Promise<{ items: AuditEvent[]; hasMore: boolean }> {
    const qb = this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where('e.workspace_id = :workspaceId', { workspaceId })
      .orderBy('e.seq', 'DESC')
      .limit(query.limit + 1);
    if (query.action) {
      qb.andWhere('e.action = :action', { action: query.action });
    }
    if (query.actorId) {
      qb.andWhere('e.actor_id = :actorId', { actorId: query.actorId });
    }
    if (query.targetType) {
      qb.andWhere('e.target_type = :targetType', { targetType: query.targetType });
    }
    if (query.targetId) {
      qb.andWhere('e.target_id = :targetId', { targetId: query.targetId });
    }
    if (query.from) {
      qb.andWhere('e.occurred_at >= :from', { from: query.from });
    }
    if (query.to) {
      qb.andWhere('e.occurred_at < :to', { to: query.to });
    }
    if (query.beforeSeq !== undefined) {
      qb.andWhere('e.seq < :beforeSeq', { beforeSeq: query.beforeSeq });
    }
    const rows = await qb.getMany();
    return { items: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
  }

  /** Walks the whole chain in batches and reports the first link that does not hold. */
  async verify(workspaceId: string): Promise<ChainVerification> {
    const events = this.dataSource.getRepository(AuditEvent);
    let previous = { seq: 0, hash: GENESIS_HASH };
    let checked = 0;
    for (;;) {
      const batch = await events
        .createQueryBuilder('e')
        .where('e.workspace_id = :workspaceId AND e.seq > :after', { workspaceId, after: previous.seq })
        .orderBy('e.seq', 'ASC')
        .limit(VERIFY_BATCH)
        .getMany();
      const broken = findBrokenLink(batch, previous);
      if (broken) {
        return { ok: false, checked: checked + batch.findIndex((e) => e.id === broken.eventId), head: null, firstBrokenLink: broken };
      }
      checked += batch.length;
      if (batch.length < VERIFY_BATCH) {
        const head = checked === 0 ? null : batch.length > 0 ? batch[batch.length - 1] : previous;
        return { ok: true, checked, head: head && { seq: head.seq, hash: head.hash }, firstBrokenLink: null };
      }
      const last = batch[batch.length - 1];
      previous = { seq: last.seq, hash: last.hash };
    }
  }
}

function asJson(value: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  return value == null ? null : (JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
}
