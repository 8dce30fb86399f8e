import { CrisisReport, formatMoney, median, minutesBetween, renderCrisisReport } from './crisis-report';

const report: CrisisReport = {
  crisis: {
    id: 'c-1',
    level: 3,
    reason: 'Customer data exposed',
    platforms: ['x', 'facebook'],
    playbook: { name: 'Data exposed', category: 'data_breach' },
    approvalsRequired: 2,
    activatedAt: '2026-11-23T10:00:00.000Z',
    activatedBy: { id: 'm-lead', name: 'Lena Lead' },
    deactivatedAt: '2026-11-23T12:30:00.000Z',
    deactivatedBy: { id: 'm-lead', name: 'Lena Lead' },
    deactivationNote: 'Contained',
    durationMinutes: 150,
  },
  summary: { inFlightAtActivation: 1, held: 1, released: 1, published: 1, missed: 1, campaignsPaused: 1, campaignsResumed: 1 },
  firstStatement: { deliveryId: 'd-2', postId: 'p-2', platform: 'x', publishedAt: '2026-11-23T10:12:00.000Z', minutesAfterActivation: 12 },
  inFlightAtActivation: [
    { deliveryId: 'd-0', channelId: 'ch-x', platform: 'x', outcome: 'in_flight', state: 'published', platformPostId: '19', url: 'https://x.com/i/status/19', lastError: null },
  ],
  deliveries: {
    held: [{ deliveryId: 'd-1', postId: 'p-1', text: 'Our | spring\nsale starts today: everything at half price, in every one of our shops', platform: 'facebook', channel: 'Brand | FB', dueAt: '2026-11-23T11:00:00.000Z', state: 'missed', publishedAt: null, replacement: false }],
    released: [{ deliveryId: 'd-2', postId: 'p-2', text: 'We are looking into the outage', platform: 'x', channel: 'Brand on X', dueAt: '2026-11-23T10:00:00.000Z', state: 'published', publishedAt: '2026-11-23T10:12:00.000Z', replacement: true }],
    published: [{ deliveryId: 'd-2', postId: 'p-2', text: 'We are looking into the outage', platform: 'x', channel: 'Brand on X', dueAt: '2026-11-23T10:00:00.000Z', state: 'published', publishedAt: '2026-11-23T10:12:00.000Z', replacement: true }],
    missed: [{ deliveryId: 'd-1', postId: 'p-1', text: 'Our | spring\nsale starts today: everything at half price, in every one of our shops', platform: 'facebook', channel: 'Brand | FB', dueAt: '2026-11-23T11:00:00.000Z', state: 'missed', publishedAt: null, replacement: false }],
  },
  campaigns: [
    { campaign: 'Spring promo', platform: 'meta', action: 'pause', at: '2026-11-23T10:00:01.000Z', confirmedAt: '2026-11-23T10:00:02.000Z', spendAtPauseMinor: 123456, currency: 'EUR' },
    { campaign: 'Spring promo', platform: 'meta', action: 'resume', at: '2026-11-23T12:30:01.000Z', confirmedAt: null, spendAtPauseMinor: null, currency: 'EUR' },
  ],
  approvals: {
    items: [
      { postId: 'p-2', approver: 'Ana', approvedAt: '2026-11-23T10:05:00.000Z', latencyMinutes: 5 },
      { postId: 'p-2', approver: 'Ben', approvedAt: '2026-11-23T10:11:00.000Z', latencyMinutes: 11 },
    ],
    medianMinutes: 8,
    maxMinutes: 11,
  },
  timeline: [
    { at: '2026-11-23T10:00:00.000Z', actor: 'Lena Lead', action: 'crisis.activated', target: 'crisis c-1', reason: 'Customer data exposed' },
    { at: '2026-11-23T10:05:00.000Z', actor: 'Ana', action: 'post.approved', target: 'post p-2', reason: null },
  ],
  notes: [{ at: '2026-11-23T13:00:00.000Z', author: 'Lena Lead', text: 'Pre-approve a shorter\nvariant.' }],
};

describe('renderCrisisReport', () => {
  it('renders the whole report as Markdown', () => {
    expect(renderCrisisReport(report)).toBe(`# Crisis report: Customer data exposed

- Crisis: c-1
- Level: 3
- Platforms held: x, facebook
- Playbook: Data exposed (data_breach)
- Approvals required during the crisis: 2
- Activated: 2026-11-23T10:00:00.000Z by Lena Lead
- Deactivated: 2026-11-23T12:30:00.000Z by Lena Lead
- Duration: 150 min
- Closing note: Contained

## Summary

| measure | value |
|---|---|
| Sends in flight at activation | 1 |
| Deliveries held | 1 |
| Released under crisis sign-off | 1 |
| Published during the crisis | 1 |
| Missed (time passed while held) | 1 |
| Campaigns paused | 1 |
| Campaigns resumed | 1 |
| Time to first published statement | 12 min (x) |
| Median approval latency | 8 min |
| Longest approval latency | 11 min |

## Timeline

| time (UTC) | who | what | target | reason |
|---|---|---|---|---|
| 2026-11-23T10:00:00.000Z | Lena Lead | crisis.activated | crisis c-1 | Customer data exposed |
| 2026-11-23T10:05:00.000Z | Ana | post.approved | post p-2 | — |

## Sends in flight at activation

| delivery | channel | platform | outcome | state at the answer | url |
|---|---|---|---|---|---|
| d-0 | ch-x | x | in_flight | published | https://x.com/i/status/19 |

## Held

| delivery | post | platform | channel | due | state | published |
|---|---|---|---|---|---|---|
| d-1 | Our \\| spring sale starts today: everything at half price, i… | facebook | Brand \\| FB | 2026-11-23T11:00:00.000Z | missed | — |

## Released under crisis sign-off

| delivery | post | platform | channel | due | state | published |
|---|---|---|---|---|---|---|
| d-2 | We are looking into the outage | x | Brand on X (replacement) | 2026-11-23T10:00:00.000Z | published | 2026-11-23T10:12:00.000Z |

## Published during the crisis

| delivery | post | platform | channel | due | state | published |
|---|---|---|---|---|---|---|
| d-2 | We are looking into the outage | x | Brand on X (replacement) | 2026-11-23T10:00:00.000Z | published | 2026-11-23T10:12:00.000Z |

## Missed

| delivery | post | platform | channel | due | state | published |
|---|---|---|---|---|---|---|
| d-1 | Our \\| spring sale starts today: everything at half price, i… | facebook | Brand \\| FB | 2026-11-23T11:00:00.000Z | missed | — |

## Paid campaigns

| campaign | platform | action | at | confirmed | spend at pause |
|---|---|---|---|---|---|
| Spring promo | meta | pause | 2026-11-23T10:00:01.000Z | 2026-11-23T10:00:02.000Z | 1234.56 EUR |
| Spring promo | meta | resume | 2026-11-23T12:30:01.000Z | not confirmed | — |

## Approvals

| post | approver | approved at | latency (min) |
|---|---|---|---|
| p-2 | Ana | 2026-11-23T10:05:00.000Z | 5 |
| p-2 | Ben | 2026-11-23T10:11:00.000Z | 11 |

## Lessons learned

- 2026-11-23T13:00:00.000Z Lena Lead: Pre-approve a shorter variant.
`);
  });

  it('says so when a crisis is still on and nothing was published', () => {
    const ongoing: CrisisReport = {
      ...report,
      crisis: { ...report.crisis, platforms: null, playbook: null, deactivatedAt: null, deactivatedBy: null, deactivationNote: null, durationMinutes: null },
      firstStatement: null,
      notes: [],
    };
    const text = renderCrisisReport(ongoing);
    expect(text).toContain('- Platforms held: all\n- Playbook: none\n');
    expect(text).toContain('- Deactivated: still active\n- Duration: ongoing\n\n');
    expect(text).toContain('| Time to first published statement | none published |');
    expect(text.endsWith('## Lessons learned\n\nNone yet.\n')).toBe(true);
  });
});

describe('report arithmetic', () => {
  it('formats integer minor units in the currency’s own precision', () => {
    expect(formatMoney(123456, 'EUR')).toBe('1234.56 EUR');
    expect(formatMoney(5, 'USD')).toBe('0.05 USD');
    expect(formatMoney(1500, 'JPY')).toBe('1500 JPY');
    expect(formatMoney(-250, 'GBP')).toBe('-2.50 GBP');
  });

  it('takes medians and minute differences', () => {
    expect(median([])).toBeNull();
    expect(median([11, 5])).toBe(8);
    expect(median([3, 1, 2])).toBe(2);
    expect(minutesBetween(new Date('2026-11-23T10:00:00Z'), new Date('2026-11-23T10:12:30Z'))).toBe(12.5);
  });
});
