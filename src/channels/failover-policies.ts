// What a channel's failover_policy column holds: the vocabulary lives beside the entity, the rules in failover/failover-policy.ts.
export const FAILOVER_POLICIES = ['off', 'manual', 'auto'] as const;
/** off: deliveries wait for the platform; manual: a person confirms each failover; auto: failover once a delivery is late by afterMinutes. */
export type FailoverPolicy = (typeof FAILOVER_POLICIES)[number];

export const MAX_FAILOVER_AFTER_MINUTES = 1440;
