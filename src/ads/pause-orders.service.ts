// Pause orders as people read them: each order with the campaigns it covers and where each stands.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { Campaign } from './campaign.entity';
import { PauseOrder } from './pause-order.entity';

/** pending: asked of the platform (or not yet asked) and not confirmed; failed: the last attempt failed, retried still. */
export type PauseOrderState = 'pending' | 'paused' | 'resumed' | 'failed';

export interface CoveredCampaign {
  campaign: Campaign;
  state: PauseOrderState;
}

export interface PauseOrderStatus {
  order: PauseOrder;
  state: PauseOrderState;
  campaigns: CoveredCampaign[];
}

const LIST_LIMIT = 100;

@Injectable()
export class PauseOrdersService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The workspace's orders, live ones first, then the newest. */
  async list(workspaceId: string): Promise<PauseOrderStatus[]> {
    const orders = await this.dataSource
      .getRepository(PauseOrder)
      .createQueryBuilder('o')
      .where('o.workspace_id = :workspaceId', { workspaceId })
      .orderBy('(o.lifted_at IS NULL)', 'DESC')
      .addOrderBy('o.created_at', 'DESC')
      .addOrderBy('o.id', 'ASC')
      .take(LIST_LIMIT)
      .getMany();
    const statuses: PauseOrderStatus[] = [];
    for (const order of orders) {
      statuses.push(await this.statusOf(order));
    }
    return statuses;
  }

  async get(workspaceId: string, id: string): Promise<PauseOrderStatus> {
    const order = await this.dataSource.getRepository(PauseOrder).findOneBy({ id, workspaceId });
    if (!order) {
      throw DomainError.notFound('Pause order', id);
    }
    return this.statusOf(order);
  }

  /**
   * The campaigns an order covers: those tagged with its reason, those it paused or resumed before, and, while it
   * stands, those running in its scope that the reconciler has yet to pause.
   */
  private async statusOf(order: PauseOrder): Promise<PauseOrderStatus> {
    const live = order.liftedAt === null;
    const campaigns = await this.dataSource
      .getRepository(Campaign)
      .createQueryBuilder('c')
      .innerJoin('ad_accounts', 'a', 'a.id = c.ad_account_id')
      .where('c.workspace_id = :workspaceId', { workspaceId: order.workspaceId })
      .andWhere(
        `(:reason = ANY(c.pause_reasons)
          OR c.id IN (SELECT ca.campaign_id FROM campaign_actions ca WHERE ca.workspace_id = :workspaceId AND ca.reason = :reason)
          OR (:live AND a.deleted_at IS NULL AND c.platform_status = 'active' AND (cardinality(:platforms::text[]) = 0 OR c.platform = ANY(:platforms::text[]))))`,
        { reason: order.reason, live, platforms: order.platforms },
      )
      .orderBy('c.name', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .getMany();
    const covered = campaigns.map((campaign) => ({ campaign, state: campaignState(campaign, order) }));
    const states = covered.map((c) => c.state);
    let state: PauseOrderState;
    if (states.includes('failed') || (live && order.lastError !== null)) {
      state = 'failed';
    } else if (states.includes('pending')) {
      state = 'pending';
    } else {
      state = live ? 'paused' : 'resumed';
    }
    return { order, state, campaigns: covered };
  }
}

function campaignState(campaign: Campaign, order: PauseOrder): PauseOrderState {
  const unconfirmed = (): PauseOrderState => (campaign.lastError !== null ? 'failed' : 'pending');
  const tagged = campaign.pauseReasons.includes(order.reason);
  if (order.liftedAt === null) {
    if (campaign.targetStatus === 'paused') {
      return unconfirmed();
    }
    return tagged && campaign.platformStatus === 'paused' ? 'paused' : 'pending';
  }
  if (tagged || campaign.pauseReasons.length > 0) {
    return 'paused'; // kept paused: asked not to resume, or held for another reason
  }
  if (campaign.targetStatus === 'active') {
    return unconfirmed();
  }
  return campaign.platformStatus === 'active' ? 'resumed' : 'paused';
}
