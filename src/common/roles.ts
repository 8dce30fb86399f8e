export const ROLES = ['admin', 'marketer', 'approver', 'crisis_lead', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
