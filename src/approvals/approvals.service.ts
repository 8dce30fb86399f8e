// Sign-off: four eyes, bound to the exact content version; reaching the count schedules the deliveries.
// During a crisis, deliveries in its scope also need the crisis count, from approvals given after activation.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Post } from '../calendar/post.entity';
import { PostVersion } from '../calendar/post-version.entity';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { CrisesRepository, needsCrisisSignOff } from '../crisis/crises.repository';
import type { Crisis } from '../crisis/crisis.entity';
import { DeliveriesRepository } from '../dispatch/deliveries.repository';
import { crisisHoldsSql, notReleasedBy, notReleasedByCrisis, scopePlatforms } from '../dispatch/crisis-scope';
import { Delivery } from '../dispatch/delivery.entity';
import type { DeliveryState } from '../dispatch/delivery-state';
import { type SendInFlight, stopDeliveries } from '../dispatch/delivery-stop';
import { Member } from '../members/member.entity';
import { ApprovalPoliciesService } from './approval-policies.service';
import { Approval } from './approval.entity';
import type { ApprovalPolicyDto } from './dto/approval-policy.dto';

export interface ApprovalState {
  post: Post;
  deliveries: Delivery[];
  required: number;
  decisions: Approval[];
  given: number;
  /** Set while a crisis needs to sign this post off: the approvals given under it, and how many it needs. */
  crisis: { id: string; required: number; given: number } | null;
}

export interface QueueItem extends ApprovalState {
  youMayApprove: boolean;
  whyNot: string | null;
  previousVersion: PostVersion | null;
  authorName: string | null;
  lastEditorName: string | null;
}

/** A decision's state, and the sends of the post in flight when a rejection stopped it (none for an approval). */
export interface Rejection extends ApprovalState {
  inFlight: SendInFlight[];
}

/** Delivery states a sign-off can still move on. */
const WAITING: readonly DeliveryState[] = ['pending_approval', 'scheduled', 'held'];

@Injectable()
export class ApprovalsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policies: ApprovalPoliciesService,
    private readonly deliveries: DeliveriesRepository,
    private readonly crises: CrisesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  approve(principal: Principal, postId: string, comment: string | undefined): Promise<ApprovalState> {
    return this.decide(principal, postId, 'approved', comment ?? null);
  }

  /**
   * Sends the post back: from the answer on, no send of it starts until an edit is signed off. A send
   * already in flight finishes (the request may have left) and is named in `inFlight`; unless it
   * publishes it waits with the rest (pending_approval), never retried by itself.
   */
  reject(principal: Principal, postId: string, comment: string): Promise<Rejection> {
    return this.decide(principal, postId, 'rejected', comment);
  }

  /**
   * Posts waiting for sign-off, the longest-waiting first. During a crisis the crisis's replacement
   * posts come first, then what it holds (fell due in its scope) until approved under it. A post in
   * scope that is not due yet joins the list when it falls due; it can be approved before that.
   */
  async queue(principal: Principal, limit: number): Promise<QueueItem[]> {
    const manager = this.dataSource.manager;
    const crisis = await this.crises.active(manager, principal.workspaceId);
    const query = manager.getRepository(Post).createQueryBuilder('p').where('p.workspace_id = :ws', { ws: principal.workspaceId });
    if (crisis) {
      // Read through two small indexes (posts waiting for approval, deliveries this crisis holds), never a
      // scan of the workspace's calendar: approvers need this list fast in the worst hour.
      query
        .andWhere(
          `p.id IN (SELECT w.id FROM posts w WHERE w.workspace_id = :ws AND w.status = 'pending_approval'
                    UNION SELECT d.post_id FROM deliveries d
                     WHERE d.held_by_crisis_id = :crisisId AND d.state = 'held' AND ${notReleasedByCrisis('d', ':crisisId')}
                    UNION SELECT d.post_id FROM deliveries d
                     WHERE d.workspace_id = :ws AND d.state = 'scheduled' AND d.due_at <= now() AND ${crisisHoldsSql('d', ':crisisId', ':scope::text[]')})`,
          // The last: fell due and shown held, not yet marked by the sweep.
          { crisisId: crisis.id, scope: scopePlatforms(crisis.platforms) },
        )
        .andWhere(`p.status <> 'cancelled'`)
        .orderBy('(p.crisis_id IS NOT DISTINCT FROM :crisisId)', 'DESC')
        .addOrderBy('COALESCE(p.submitted_at, p.scheduled_at)', 'ASC');
    } else {
      query.andWhere(`p.status = 'pending_approval'`).orderBy('p.submitted_at', 'ASC');
    }
    const posts = await query.addOrderBy('p.id', 'ASC').take(limit).getMany();
    const policy = await this.policies.get(principal.workspaceId);
    const deliveries = await this.deliveries.ofPosts(manager, posts.map((p) => p.id));
    const decisions = await this.decisionsOn(manager, posts);
    const previous = await this.previousVersions(manager, posts);
    const names = await this.memberNames(manager, principal.workspaceId, posts.flatMap((p) => [p.authorId, p.lastEditorId]));
    return posts.map((post) => {
      const mine = decisions.filter((d) => d.postId === post.id);
      const ofPost = deliveries.filter((d) => d.postId === post.id);
      const state = this.stateOf(post, ofPost, policy, crisis, mine);
      const refused = refusal(principal, post, crisis ? awaitingCrisis(crisis, post, ofPost) : [], mine, crisis);
      return {
        ...state,
        youMayApprove: refused === null,
        whyNot: refused?.message ?? null,
        previousVersion: previous.get(post.id) ?? null,
        authorName: names.get(post.authorId) ?? null,
        lastEditorName: names.get(post.lastEditorId) ?? null,
      };
    });
  }

  /**
   * Every decision ever taken on a post, the oldest first, each marked current (on the content version
   * the post has now) or void (an edit since replaced what it judged). Any member may read them: the
   * author must see why a post was sent back.
   */
  async decisionsOf(principal: Principal, postId: string): Promise<{ post: Post; decisions: (Approval & { approverName: string | null; current: boolean })[] }> {
    const manager = this.dataSource.manager;
    const post = await manager.findOneBy(Post, { id: postId, workspaceId: principal.workspaceId });
    if (!post) {
      throw DomainError.notFound('Post', postId);
    }
    const decisions = await manager.find(Approval, { where: { postId: post.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const names = await this.memberNames(manager, principal.workspaceId, decisions.map((d) => d.approverId));
    return {
      post,
      decisions: decisions.map((d) =>
        Object.assign(d, {
          approverName: names.get(d.approverId) ?? null,
          current: d.contentVersion === post.contentVersion && d.contentHash === post.contentHash,
        }),
      ),
    };
  }

  /** The version each post replaced last (none for a first version, or one edited before versions were kept). */
  private async previousVersions(manager: EntityManager, posts: Post[]): Promise<Map<string, PostVersion>> {
    const wanted = posts.filter((p) => p.contentVersion > 1);
    if (wanted.length === 0) {
      return new Map();
    }
    const rows = await manager
      .getRepository(PostVersion)
      .createQueryBuilder('v')
      .where('(v.post_id, v.content_version) IN (SELECT * FROM unnest(:ids::uuid[], :versions::int[]))', {
        ids: wanted.map((p) => p.id),
        versions: wanted.map((p) => p.contentVersion - 1),
      })
      .getMany();
    return new Map(rows.map((r) => [r.postId, r]));
  }

  private async memberNames(manager: EntityManager, workspaceId: string, ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) {
      return new Map();
    }
    const members = await manager.find(Member, { select: { id: true, name: true }, where: { workspaceId, id: In(unique) } });
    return new Map(members.map((m) => [m.id, m.name]));
  }

  private decide(principal: Principal, postId: string, decision: 'approved' | 'rejected', comment: string | null): Promise<Rejection> {
    return this.dataSource.transaction(async (manager) => {
      const post = await manager.findOne(Post, { where: { id: postId, workspaceId: principal.workspaceId }, lock: { mode: 'pessimistic_write' } });
      if (!post) {
        throw DomainError.notFound('Post', postId);
      }
      if (wroteIt(principal, post)) {
        // Before anything else is read: the author learns nothing more about the post's state.
        throw DomainError.forbidden(FOUR_EYES);
      }
      // Shared lock: the crisis cannot end while this decision is taken under it.
      const crisis = await this.crises.active(manager, principal.workspaceId, 'share');
      const deliveries = await this.deliveries.ofPost(manager, post.id, { lock: true });
      const underCrisis = crisis ? awaitingCrisis(crisis, post, deliveries) : [];
      const policy = await this.policies.get(principal.workspaceId, manager);
      const existing = await this.decisionsOn(manager, [post]);
      const currentCrisisId = crisis?.id ?? null;
      const refused = refusal(principal, post, underCrisis, existing, crisis);
      if (refused) {
        throw refused.kind === 'forbidden' ? DomainError.forbidden(refused.message) : DomainError.conflict(refused.message);
      }
      const approval = manager.create(Approval, {
        workspaceId: principal.workspaceId,
        postId,
        approverId: principal.memberId,
        decision,
        contentHash: post.contentHash,
        contentVersion: post.contentVersion,
        comment,
        crisisId: currentCrisisId,
      });
      await manager.save(approval);
      const decisions = [...existing, approval];
      const state = this.stateOf(post, deliveries, policy, crisis, decisions);
      const now = this.clock.now();
      const dueAt = new Date(Math.max(post.scheduledAt.getTime(), now.getTime()));
      let released: string[] = [];
      let inFlight: SendInFlight[] = [];
      if (decision === 'rejected') {
        post.status = 'rejected';
        // Sent back: whatever waited to go out, or was claimed to go out, waits for an edit and a new sign-off.
        inFlight = await stopDeliveries(manager, post.id, ['scheduled', 'held', 'publishing'], 'pending_approval');
      } else {
        const waitingIds = new Set(underCrisis.map((d) => d.id));
        if (state.given >= state.required) {
          // Normal-mode count reached: what the crisis does not hold goes out (approved late: now, not never).
          for (const delivery of deliveries.filter((d) => d.state === 'pending_approval' && !waitingIds.has(d.id))) {
            await this.deliveries.move(manager, delivery, 'scheduled', { dueAt });
          }
        }
        if (crisis && state.crisis && state.crisis.given >= state.crisis.required && state.given >= state.required) {
          released = await this.release(manager, crisis, underCrisis, now, dueAt);
        }
        if (!deliveries.some((d) => d.state === 'pending_approval')) {
          post.status = 'scheduled';
          post.submittedAt = null;
        }
      }
      await manager.save(post);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: decision === 'approved' ? 'post.approved' : 'post.rejected',
        targetType: 'post',
        targetId: post.id,
        after: {
          contentVersion: post.contentVersion,
          contentHash: post.contentHash,
          given: state.given,
          required: state.required,
          status: post.status,
          ...(state.crisis ? { crisisId: state.crisis.id, crisisGiven: state.crisis.given, crisisRequired: state.crisis.required } : {}),
          ...(released.length > 0 ? { releasedDeliveries: released } : {}),
          ...(inFlight.length > 0 ? { inFlight: inFlight.map((d) => d.deliveryId) } : {}),
        },
        reason: comment,
      });
      return { ...state, post, deliveries: await this.deliveries.ofPost(manager, post.id), inFlight };
    });
  }

  /** Lets the crisis's held deliveries of a post go out: approved under its policy, for this content version. */
  private async release(manager: EntityManager, crisis: Crisis, waiting: Delivery[], now: Date, dueAt: Date): Promise<string[]> {
    for (const delivery of waiting) {
      const changes = { releasedByCrisisId: crisis.id };
      if (delivery.state === 'scheduled') {
        await manager.update(Delivery, { id: delivery.id }, changes);
        Object.assign(delivery, changes);
      } else {
        // A held delivery's time has passed: it goes out now; a pending one at its time (or now if that passed).
        await this.deliveries.move(manager, delivery, 'scheduled', { ...changes, dueAt: delivery.state === 'held' ? now : dueAt });
      }
    }
    await this.deliveries.wake(manager);
    return waiting.map((d) => d.id);
  }

  /** Only decisions on each post's current content version count (a revert to older text is a new version). */
  private async decisionsOn(manager: EntityManager, posts: Post[]): Promise<Approval[]> {
    if (posts.length === 0) {
      return [];
    }
    return manager
      .getRepository(Approval)
      .createQueryBuilder('a')
      .innerJoin(Post, 'p', 'p.id = a.post_id AND p.content_version = a.content_version AND p.content_hash = a.content_hash')
      .where('a.post_id = ANY(:ids)', { ids: posts.map((p) => p.id) })
      .orderBy('a.created_at', 'ASC')
      .getMany();
  }

  private stateOf(post: Post, deliveries: Delivery[], policy: ApprovalPolicyDto, crisis: Crisis | null, decisions: Approval[]): ApprovalState {
    // Approvals given under a crisis that is over count in normal mode only if the policy says so.
    const normal = decisions.filter(
      (d) => d.crisisId === null || d.crisisId === crisis?.id || policy.crisisApprovalsCarryOver === true,
    );
    const waiting = crisis ? awaitingCrisis(crisis, post, deliveries) : [];
    return {
      post,
      deliveries,
      required: policy.approvalsRequired,
      decisions,
      given: countApprovals(normal),
      crisis:
        crisis && waiting.length > 0
          ? { id: crisis.id, required: crisis.approvalsRequired, given: countApprovals(decisions.filter((d) => d.crisisId === crisis.id)) }
          : null,
    };
  }
}

/** The post's deliveries that the crisis holds until its own sign-off. */
function awaitingCrisis(crisis: Crisis, post: Post, deliveries: Delivery[]): Delivery[] {
  return deliveries.filter(
    (d) =>
      WAITING.includes(d.state) &&
      // Held by a person (no crisis): only their release lets it go, never a crisis sign-off.
      !(d.state === 'held' && d.heldByCrisisId === null) &&
      notReleasedBy(crisis, d) &&
      needsCrisisSignOff(crisis, d.platform, post.crisisId),
  );
}

const FOUR_EYES = 'Four eyes: you wrote or last edited this post, so someone else must sign it off';

/**
 * Why the caller may not approve or reject the post now, or null when they may: the one rule behind both
 * the decision routes and the queue's `whyNot`, so the console says exactly what the service would answer.
 * Authorship is named first: it holds whatever the member's roles, and no other change lifts it.
 */
export function refusal(
  principal: Principal,
  post: Post,
  underCrisis: Delivery[],
  decisionsOnCurrent: Approval[],
  crisis: Crisis | null,
): { kind: 'forbidden' | 'conflict'; message: string } | null {
  if (wroteIt(principal, post)) {
    return { kind: 'forbidden', message: FOUR_EYES };
  }
  if (!principal.roles.includes('approver')) {
    return { kind: 'forbidden', message: 'Only approvers sign posts off, and you are not one in this workspace' };
  }
  if (post.status === 'rejected' || post.status === 'cancelled' || (post.status !== 'pending_approval' && underCrisis.length === 0)) {
    return {
      kind: 'conflict',
      message:
        post.status === 'rejected'
          ? `Post ${post.id} was sent back; it waits for an edit before it can be approved`
          : `Post ${post.id} is ${post.status} and does not wait for approval`,
    };
  }
  const currentCrisisId = crisis?.id ?? null;
  if (
    decisionsOnCurrent.some(
      (d) => d.postId === post.id && d.approverId === principal.memberId && d.decision === 'approved' && (d.crisisId === currentCrisisId || !crisis),
    )
  ) {
    return { kind: 'conflict', message: `You already approved version ${post.contentVersion} of post ${post.id}` };
  }
  return null;
}

function wroteIt(principal: Principal, post: Post): boolean {
  return post.authorId === principal.memberId || post.lastEditorId === principal.memberId;
}

function countApprovals(decisions: Approval[]): number {
  return new Set(decisions.filter((d) => d.decision === 'approved').map((d) => d.approverId)).size;
}
