import type { Principal } from '../common/principal';

/** Who an audit event names as the actor. */
export interface AuditActor {
  memberId: string | null;
  label: string;
  requestId: string | null;
}

export const SYSTEM_ACTOR: AuditActor = { memberId: null, label: 'system', requestId: null };

export function actorOf(principal: Principal): AuditActor {
  return { memberId: principal.memberId, label: principal.memberName, requestId: principal.requestId };
}
