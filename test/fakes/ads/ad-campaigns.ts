// The state every ad platform fake keeps: campaigns per account, with status, budgets and spend, and scripted lies.
export type FakeStatus = 'active' | 'paused' | 'inactive';

export interface FakeCampaign {
  id: string;
  account: string;
  name: string;
  status: FakeStatus;
  /** Minor units of the account currency. */
  dailyBudgetMinor: number | null;
  lifetimeBudgetMinor: number | null;
  spendTodayMinor: number;
  spendLifetimeMinor: number;
  /** Status changes still to acknowledge without applying (the "accepted but nothing happened" platform). */
  ignoreChanges: number;
}

export class AdCampaigns {
  readonly byId = new Map<string, FakeCampaign>();
  /** Every status change applied, in order. */
  readonly changes: { id: string; status: FakeStatus }[] = [];
  private next = 1;

  constructor(private readonly idOf: (n: number) => string) {}

  add(account: string, overrides: Partial<Omit<FakeCampaign, 'account'>> = {}): FakeCampaign {
    const id = overrides.id ?? this.idOf(this.next++);
    const campaign: FakeCampaign = {
      id,
      account,
      name: `Campaign ${id}`,
      status: 'active',
      dailyBudgetMinor: 5000,
      lifetimeBudgetMinor: null,
      spendTodayMinor: 1234,
      spendLifetimeMinor: 98765,
      ignoreChanges: 0,
      ...overrides,
    };
    this.byId.set(id, campaign);
    return campaign;
  }

  ofAccount(account: string): FakeCampaign[] {
    return [...this.byId.values()].filter((c) => c.account === account);
  }

  find(account: string, id: string): FakeCampaign | undefined {
    const campaign = this.byId.get(id);
    return campaign?.account === account ? campaign : undefined;
  }

  /** What an acknowledged status request does: applied, unless the campaign is scripted to ignore it. */
  apply(campaign: FakeCampaign, status: FakeStatus): void {
    if (campaign.ignoreChanges > 0) {
      campaign.ignoreChanges--;
      return;
    }
    campaign.status = status;
    this.changes.push({ id: campaign.id, status });
  }

  /** Someone in the ads manager turned it back on. */
  resumeOutside(id: string): void {
    const campaign = this.byId.get(id);
    if (!campaign) {
      throw new Error(`No campaign ${id}`);
    }
    campaign.status = 'active';
  }
}

/** Minor units (2-digit currencies in the tests) as the decimal string platforms send: 1234 → "12.34". */
export function major(minor: number): string {
  return (minor / 100).toFixed(2);
}
