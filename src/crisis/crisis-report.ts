// The post-crisis report as data, and its Markdown rendering (pure: the same report always renders the same text).
import type { Platform } from '../channels/platform';
import type { InFlightSend } from './crisis.entity';

export interface ReportPerson {
  id: string;
  name: string;
}

export interface ReportDelivery {
  deliveryId: string;
  postId: string;
  /** The start of the post's text (280 characters at most), so that a reader can tell what it was. */
  text: string;
  platform: Platform;
  channel: string;
  dueAt: string;
  state: string;
  publishedAt: string | null;
  /** Set on the crisis's own replacement posts. */
  replacement: boolean;
}

export interface ReportCampaignAction {
  campaign: string;
  platform: string;
  action: string;
  at: string;
  confirmedAt: string | null;
  spendAtPauseMinor: number | null;
  currency: string;
}

export interface ReportApproval {
  postId: string;
  approver: string;
  approvedAt: string;
  /** From when the post started waiting (or the activation, if later) to this approval. */
  latencyMinutes: number;
}

export interface CrisisReport {
  crisis: {
    id: string;
    level: number;
    reason: string;
    platforms: Platform[] | null;
    playbook: { name: string; category: string } | null;
    approvalsRequired: number;
    activatedAt: string;
    activatedBy: ReportPerson;
    deactivatedAt: string | null;
    deactivatedBy: ReportPerson | null;
    deactivationNote: string | null;
    durationMinutes: number | null;
  };
  summary: {
    inFlightAtActivation: number;
    held: number;
    released: number;
    published: number;
    missed: number;
    campaignsPaused: number;
    campaignsResumed: number;
  };
  firstStatement: { deliveryId: string; postId: string; platform: Platform; publishedAt: string; minutesAfterActivation: number } | null;
  inFlightAtActivation: InFlightSend[];
  deliveries: { held: ReportDelivery[]; released: ReportDelivery[]; published: ReportDelivery[]; missed: ReportDelivery[] };
  campaigns: ReportCampaignAction[];
  approvals: { items: ReportApproval[]; medianMinutes: number | null; maxMinutes: number | null };
  timeline: { at: string; actor: string; action: string; target: string; reason: string | null }[];
  notes: { at: string; author: string; text: string }[];
}

/** Minutes between two instants, to one decimal. */
export function minutesBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 6000) / 10;
}

export function median(values: number[]): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round(((sorted[mid - 1] + sorted[mid]) / 2) * 10) / 10;
}

/** Integer minor units as a decimal amount in the currency's own precision (JPY has none, EUR two). */
export function formatMoney(minor: number, currency: string): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown code: two decimals is the common case.
  }
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const unit = 10 ** digits;
  const whole = Math.floor(abs / unit);
  const fraction = digits > 0 ? `.${String(abs % unit).padStart(digits, '0')}` : '';
  return `${sign}${whole}${fraction} ${currency}`;
}

/** A table cell: no pipes or line breaks can break the table. */
function cell(value: string | number | null): string {
  if (value === null) {
    return '—';
  }
  return String(value).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(head: string[], rows: (string | number | null)[][]): string[] {
  if (rows.length === 0) {
    return ['None.'];
  }
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)];
}

/** A post's text as a table shows it: its first 60 characters (whole code points), on one line. */
function excerpt(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > 60 ? `${chars.slice(0, 59).join('')}…` : chars.join('');
}

function deliveryRows(items: ReportDelivery[]): string[] {
  return table(
    ['delivery', 'post', 'platform', 'channel', 'due', 'state', 'published'],
    items.map((d) => [d.deliveryId, excerpt(d.text), d.platform, d.channel + (d.replacement ? ' (replacement)' : ''), d.dueAt, d.state, d.publishedAt]),
  );
}

export function renderCrisisReport(report: CrisisReport): string {
  const { crisis, summary } = report;
  const lines: string[] = [
    `# Crisis report: ${crisis.reason.replace(/\r?\n/g, ' ')}`,
    '',
    `- Crisis: ${crisis.id}`,
    `- Level: ${crisis.level}`,
    `- Platforms held: ${crisis.platforms === null ? 'all' : crisis.platforms.join(', ')}`,
    `- Playbook: ${crisis.playbook ? `${crisis.playbook.name} (${crisis.playbook.category})` : 'none'}`,
    `- Approvals required during the crisis: ${crisis.approvalsRequired}`,
    `- Activated: ${crisis.activatedAt} by ${crisis.activatedBy.name}`,
    `- Deactivated: ${crisis.deactivatedAt ? `${crisis.deactivatedAt} by ${crisis.deactivatedBy?.name ?? 'unknown'}` : 'still active'}`,
    `- Duration: ${crisis.durationMinutes === null ? 'ongoing' : `${crisis.durationMinutes} min`}`,
  ];
  if (crisis.deactivationNote) {
    lines.push(`- Closing note: ${crisis.deactivationNote.replace(/\r?\n/g, ' ')}`);
  }
  lines.push(
    '',
    '## Summary',
    '',
    ...table(
      ['measure', 'value'],
      [
        ['Sends in flight at activation', summary.inFlightAtActivation],
        ['Deliveries held', summary.held],
        ['Released under crisis sign-off', summary.released],
        ['Published during the crisis', summary.published],
        ['Missed (time passed while held)', summary.missed],
        ['Campaigns paused', summary.campaignsPaused],
        ['Campaigns resumed', summary.campaignsResumed],
        [
          'Time to first published statement',
          report.firstStatement ? `${report.firstStatement.minutesAfterActivation} min (${report.firstStatement.platform})` : 'none published',
        ],
        ['Median approval latency', report.approvals.medianMinutes === null ? null : `${report.approvals.medianMinutes} min`],
        ['Longest approval latency', report.approvals.maxMinutes === null ? null : `${report.approvals.maxMinutes} min`],
      ],
    ),
    '',
    '## Timeline',
    '',
    ...table(
      ['time (UTC)', 'who', 'what', 'target', 'reason'],
      report.timeline.map((e) => [e.at, e.actor, e.action, e.target, e.reason]),
    ),
    '',
    '## Sends in flight at activation',
    '',
    ...table(
      ['delivery', 'channel', 'platform', 'outcome', 'state at the answer', 'url'],
      report.inFlightAtActivation.map((s) => [s.deliveryId, s.channelId, s.platform, s.outcome, s.state ?? null, s.url ?? null]),
    ),
    ...(report.inFlightAtActivation.some((s) => s.outcome === 'unknown')
      ? ['', 'unknown: the send may have reached the platform (its sender stopped, or the switch aborted it at its deadline); check the platform (it waits as needs_verification, never re-sent by itself).']
      : []),
    '',
    '## Held',
    '',
    ...deliveryRows(report.deliveries.held),
    '',
    '## Released under crisis sign-off',
    '',
    ...deliveryRows(report.deliveries.released),
    '',
    '## Published during the crisis',
    '',
    ...deliveryRows(report.deliveries.published),
    '',
    '## Missed',
    '',
    ...deliveryRows(report.deliveries.missed),
    '',
    '## Paid campaigns',
    '',
    ...table(
      ['campaign', 'platform', 'action', 'at', 'confirmed', 'spend at pause'],
      report.campaigns.map((c) => [
        c.campaign,
        c.platform,
        c.action,
        c.at,
        c.confirmedAt ?? 'not confirmed',
        c.spendAtPauseMinor === null ? null : formatMoney(c.spendAtPauseMinor, c.currency),
      ]),
    ),
    '',
    '## Approvals',
    '',
    ...table(
      ['post', 'approver', 'approved at', 'latency (min)'],
      report.approvals.items.map((a) => [a.postId, a.approver, a.approvedAt, a.latencyMinutes]),
    ),
    '',
    '## Lessons learned',
    '',
  );
  if (report.notes.length === 0) {
    lines.push('None yet.');
  } else {
    lines.push(...report.notes.map((n) => `- ${n.at} ${n.author}: ${n.text.replace(/\r?\n/g, ' ')}`));
  }
  return `${lines.join('\n')}\n`;
}
