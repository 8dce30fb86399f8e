// What each role may do, mirroring the @Authorize rules of the service's controllers: the console hides what a
// member may not do, and the service refuses it anyway.
export type Role = 'admin' | 'marketer' | 'approver' | 'crisis_lead' | 'viewer';

export const PERMISSIONS = {
  /** Create, edit, cancel, hold posts (posts.controller). */
  'post.write': ['marketer', 'crisis_lead'],
  /** Approve or reject posts waiting for approval (approvals.controller). */
  'post.approve': ['approver'],
  /** Change the approval policy. */
  'approvalPolicy.manage': ['admin'],
  /** Reschedule or retry deliveries (deliveries.controller). */
  'delivery.manage': ['marketer'],
  /** Reschedule or cancel missed deliveries in bulk (deliveries.controller reschedule / cancel). */
  'missed.manage': ['marketer', 'crisis_lead'],
  /** Add, edit, disable members; invite links; their sessions and API keys. */
  'members.manage': ['admin'],
  /** Connect and edit channels. */
  'channels.manage': ['admin'],
  /** Read the audit trail. */
  'audit.read': ['admin'],
  /** Webhooks. */
  'webhooks.manage': ['admin'],
  /** Flip the crisis switch, write playbooks. */
  'crisis.lead': ['crisis_lead'],
  /** Campaign pause, resume and budget (campaigns.controller). */
  'campaigns.manage': ['marketer'],
  /** Connect, edit and remove ad accounts. */
  'adAccounts.manage': ['admin'],
  /** Sync an ad account's campaigns now. */
  'adAccounts.sync': ['admin', 'marketer'],
  /** Write templates (templates.controller). */
  'templates.write': ['marketer', 'crisis_lead'],
  /** Approve or reject a template version (four eyes: never its own author, the service checks). */
  'templates.approve': ['approver'],
  /** Write, rehearse and archive playbooks (playbooks.controller). */
  'playbooks.manage': ['crisis_lead'],
  /** Add a lessons-learned note to a crisis (crisis.controller addNote). */
  'crisis.note': ['crisis_lead', 'admin', 'approver', 'marketer'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

export function allows(roles: readonly string[], action: Action): boolean {
  return (PERMISSIONS[action] as readonly string[]).some((role) => roles.includes(role));
}
