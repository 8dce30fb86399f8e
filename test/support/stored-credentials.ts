// A channel's stored credentials for adapter tests: renewCredentials as the channels service runs it, in memory.
import type { CredentialRenewal } from '../../src/publishers/publisher.port';

export interface StoredCredentials {
  renewCredentials: (renewal: CredentialRenewal) => Promise<Record<string, string>>;
  /** Every set of credentials the adapter had kept, in order. */
  kept: Record<string, string>[];
}

export function storedCredentials(initial: Record<string, string>): StoredCredentials {
  let stored = initial;
  const kept: Record<string, string>[] = [];
  return {
    kept,
    renewCredentials: async (renewal) => {
      if (renewal.usable(stored)) {
        return stored;
      }
      stored = await renewal.renew(stored);
      kept.push(stored);
      return stored;
    },
  };
}
