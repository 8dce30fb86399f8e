// Reads of the crisis switch shared by approvals, the calendar and crisis mode itself.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Platform } from '../channels/platform';
import { inCrisisScope } from '../dispatch/crisis-scope';
import { Crisis } from './crisis.entity';

@Injectable()
export class CrisesRepository {
  /**
   * The workspace's active crisis, if any. `lock: 'share'` keeps it from ending while the caller's
   * transaction decides under it (deactivation takes the row for update).
   */
  active(manager: EntityManager, workspaceId: string, lock?: 'share' | 'update'): Promise<Crisis | null> {
    const query = manager
      .getRepository(Crisis)
      .createQueryBuilder('c')
      .where('c.workspace_id = :workspaceId AND c.deactivated_at IS NULL', { workspaceId });
    if (lock === 'share') {
      query.setLock('pessimistic_read');
    } else if (lock === 'update') {
      query.setLock('pessimistic_write');
    }
    return query.getOne();
  }
}

/** Whether a delivery on `platform` of a post needs the crisis's sign-off to go out: in its scope, or one of its replacement posts. */
export function needsCrisisSignOff(crisis: Crisis, platform: Platform, postCrisisId: string | null): boolean {
  return postCrisisId === crisis.id || inCrisisScope(crisis, platform);
}
