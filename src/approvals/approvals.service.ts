// Sign-off: four eyes, bound to the exact content version; reaching the count schedules the deliveries.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { Post } from '../calendar/post.entity';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { DeliveriesRepository } from '../dispatch/deliveries.repository';
import type { Delivery } from '../dispatch/delivery.entity';
import { ApprovalPoliciesService } from './approval-policies.service';
import { Approval } from './approval.entity';

export interface ApprovalState {
  post: Post;
  deliveries: Delivery[];
  required: number;
  decisions: Approval[];
  given: number;
}

@Injectable()
export class ApprovalsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policies: ApprovalPoliciesService,
    private readonly deliveries: DeliveriesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  approve(principal: Principal, postId: string, comment: string | undefined): Promise<ApprovalState> {
    return this.decide(principal, postId, 'approved', comment ?? null);
  }

  reject(principal: Principal, postId: string, comment: string): Promise<ApprovalState> {
    return this.decide(principal, postId, 'rejected', comment);
  }

  /** Posts waiting for sign-off, the longest-waiting first. */
  async queue(principal: Principal, limit: number): Promise<(ApprovalState & { canApprove: boolean })[]> {
    const posts = await this.dataSource.getRepository(Post).find({
      where: { workspaceId: principal.workspaceId, status: 'pending_approval' },
      order: { submittedAt: 'ASC', id: 'ASC' },
      take: limit,
    });
    const { approvalsRequired } = await this.policies.get(principal.workspaceId);
    const deliveries = await this.deliveries.ofPosts(this.dataSource.manager, posts.map((p) => p.id));
    const decisions = await this.decisionsOn(this.dataSource.manager, posts);
    return posts.map((post) => {
      const mine = decisions.filter((d) => d.postId === post.id);
      const state = this.stateOf(post, deliveries.filter((d) => d.postId === post.id), approvalsRequired, mine);
      const alreadyApproved = mine.some((d) => d.approverId === principal.memberId && d.decision === 'approved');
      return { ...state, canApprove: !wroteIt(principal, post) && !alreadyApproved };
    });
  }

  private decide(principal: Principal, postId: string, decision: 'approved' | 'rejected', comment: string | null): Promise<ApprovalState> {
    return this.dataSource.transaction(async (manager) => {
      const post = await manager.findOne(Post, { where: { id: postId, workspaceId: principal.workspaceId }, lock: { mode: 'pessimistic_write' } });
      if (!post) {
        throw DomainError.notFound('Post', postId);
      }
      if (wroteIt(principal, post)) {
        throw DomainError.forbidden('Four eyes: you wrote or last edited this post, so someone else must sign it off');
      }
      if (post.status !== 'pending_approval') {
        throw DomainError.conflict(
          post.status === 'rejected'
            ? `Post ${postId} was sent back; it waits for an edit before it can be approved`
            : `Post ${postId} is ${post.status} and does not wait for approval`,
        );
      }
      const { approvalsRequired } = await this.policies.get(principal.workspaceId, manager);
      const existing = await this.decisionsOn(manager, [post]);
      if (existing.some((d) => d.approverId === principal.memberId && d.decision === 'approved')) {
        throw DomainError.conflict(`You already approved version ${post.contentVersion} of post ${postId}`);
      }
      const approval = manager.create(Approval, {
        workspaceId: principal.workspaceId,
        postId,
        approverId: principal.memberId,
        decision,
        contentHash: post.contentHash,
        contentVersion: post.contentVersion,
        comment,
      });
      await manager.save(approval);
      const decisions = [...existing, approval];
      const given = countApprovals(decisions);
      if (decision === 'rejected') {
        post.status = 'rejected';
      } else if (given >= approvalsRequired) {
        post.status = 'scheduled';
        post.submittedAt = null;
        // Approved late: go out now rather than never; the audit trail shows when.
        const dueAt = new Date(Math.max(post.scheduledAt.getTime(), this.clock.now().getTime()));
        await this.deliveries.moveAll(manager, post.id, ['pending_approval'], 'scheduled', { dueAt });
      }
      await manager.save(post);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: decision === 'approved' ? 'post.approved' : 'post.rejected',
        targetType: 'post',
        targetId: post.id,
        after: { contentVersion: post.contentVersion, contentHash: post.contentHash, given, required: approvalsRequired, status: post.status },
        reason: comment,
      });
      return this.stateOf(post, await this.deliveries.ofPost(manager, post.id), approvalsRequired, decisions);
    });
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

  private stateOf(post: Post, deliveries: Delivery[], required: number, decisions: Approval[]): ApprovalState {
    return { post, deliveries, required, decisions, given: countApprovals(decisions) };
  }
}

function wroteIt(principal: Principal, post: Post): boolean {
  return post.authorId === principal.memberId || post.lastEditorId === principal.memberId;
}

function countApprovals(decisions: Approval[]): number {
  return new Set(decisions.filter((d) => d.decision === 'approved').map((d) => d.approverId)).size;
}
