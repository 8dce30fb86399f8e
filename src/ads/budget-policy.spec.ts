import { capProblem, displayStatus, planResume, reachedCap, reachedMonthlyCap } from './budget-policy';

describe('budget policy', () => {
  it('shows a pause as pending until the platform reads back paused', () => {
    expect(displayStatus('active', 'paused')).toBe('pause_pending');
    expect(displayStatus('paused', 'paused')).toBe('paused');
    expect(displayStatus('paused', 'active')).toBe('resume_pending');
    expect(displayStatus('inactive', 'active')).toBe('resume_pending');
    expect(displayStatus('active', null)).toBe('active');
    expect(displayStatus('inactive', null)).toBe('inactive');
  });

  it('reaches a cap when spend equals or exceeds it, daily before lifetime', () => {
    const spend = { spendTodayMinor: 5000, spendLifetimeMinor: 90000, dailyCapMinor: null, lifetimeCapMinor: null };
    expect(reachedCap(spend)).toBeNull();
    expect(reachedCap({ ...spend, dailyCapMinor: 5001 })).toBeNull();
    expect(reachedCap({ ...spend, dailyCapMinor: 5000 })).toEqual({ kind: 'daily', spentMinor: 5000, capMinor: 5000 });
    expect(reachedCap({ ...spend, lifetimeCapMinor: 80000 })).toEqual({ kind: 'lifetime', spentMinor: 90000, capMinor: 80000 });
    expect(reachedCap({ ...spend, dailyCapMinor: 100, lifetimeCapMinor: 80000 })?.kind).toBe('daily');
    expect(reachedMonthlyCap(100, 100)).toEqual({ kind: 'monthly', spentMinor: 100, capMinor: 100 });
    expect(reachedMonthlyCap(99, 100)).toBeNull();
    expect(reachedMonthlyCap(1e9, null)).toBeNull();
  });

  it('refuses negative, fractional and absurd caps, naming the field', () => {
    expect(capProblem('dailyCapMinor', null, 'EUR')).toBeNull();
    expect(capProblem('dailyCapMinor', 1, 'EUR')).toBeNull();
    expect(capProblem('dailyCapMinor', -5, 'EUR')).toMatch(/^dailyCapMinor must be a positive whole number/);
    expect(capProblem('dailyCapMinor', 0, 'EUR')).toMatch(/^dailyCapMinor must be a positive/);
    expect(capProblem('dailyCapMinor', 10.5, 'EUR')).toMatch(/^dailyCapMinor must be a positive/);
    expect(capProblem('lifetimeCapMinor', 100_000_000_001, 'EUR')).toBe(
      'lifetimeCapMinor must be at most 100000000000 minor units (1000000000.00 EUR): 100000000001 is not a plausible cap',
    );
    expect(capProblem('lifetimeCapMinor', 100_000_000_001, 'JPY')).toMatch(/at most 1000000000 minor units/);
  });

  it('resumes only when every reason the campaign was paused for is cleared', () => {
    expect(planResume(['crisis:a'], ['crisis:a'])).toEqual({ remaining: [], unknown: [] });
    expect(planResume(['crisis:a', 'manual'], ['crisis:a'])).toEqual({ remaining: ['manual'], unknown: [] });
    expect(planResume(['budget_cap'], ['manual'])).toEqual({ remaining: ['budget_cap'], unknown: ['manual'] });
  });
});
