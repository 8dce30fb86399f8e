// The crisis report as GET /api/crises/:id/report answers it (src/crisis/crisis-report.ts; the route's OpenAPI
// entry declares JSON or Markdown, so the shape is written down here), and the words the console shows for it.
import { api, unwrap } from '../../api/client';

export interface ReportDelivery {
  deliveryId: string;
  postId: string;
  /** The start of the post's text (280 characters at most). */
  text: string;
  platform: string;
  channel: string;
  dueAt: string;
  state: string;
  publishedAt: string | null;
  replacement: boolean;
}

export interface CrisisReport {
  crisis: {
    id: string;
    level: number;
    reason: string;
    platforms: string[] | null;
    playbook: { name: string; category: string } | null;
    approvalsRequired: number;
    activatedAt: string;
    activatedBy: { id: string; name: string };
    deactivatedAt: string | null;
    deactivatedBy: { id: string; name: string } | null;
    deactivationNote: string | null;
    durationMinutes: number | null;
  };
  summary: { inFlightAtActivation: number; held: number; released: number; published: number; missed: number; campaignsPaused: number; campaignsResumed: number };
  firstStatement: { deliveryId: string; postId: string; platform: string; publishedAt: string; minutesAfterActivation: number } | null;
  deliveries: { held: ReportDelivery[]; released: ReportDelivery[]; published: ReportDelivery[]; missed: ReportDelivery[] };
  campaigns: { campaign: string; platform: string; action: string; at: string; confirmedAt: string | null; spendAtPauseMinor: number | null; currency: string }[];
  approvals: { items: { postId: string; approver: string; approvedAt: string; latencyMinutes: number }[]; medianMinutes: number | null; maxMinutes: number | null };
  timeline: { at: string; actor: string; action: string; target: string; reason: string | null }[];
  notes: { at: string; author: string; text: string }[];
}

export const reportKey = (crisisId: string): readonly unknown[] => ['crises', crisisId, 'report'];

export async function fetchReport(crisisId: string): Promise<CrisisReport> {
  const data = await unwrap(api.GET('/api/crises/{id}/report', { params: { path: { id: crisisId }, query: { format: 'json' } } }));
  return data;
}

/** Where the Markdown report downloads from (same origin: the session cookie goes along). */
export function markdownHref(crisisId: string): string {
  return `/api/crises/${crisisId}/report?format=markdown`;
}

const ACTIONS: Record<string, string> = {
  'crisis.activated': 'Crisis mode activated',
  'crisis.deactivated': 'Crisis mode ended',
  'crisis.note_added': 'Note added',
  'post.approved': 'Post approved',
  'post.rejected': 'Post sent back',
  'post.created': 'Post written',
  'post.updated': 'Post edited',
};

/** "post.approved" → "Post approved"; unknown actions read as their words. */
export function actionWords(action: string): string {
  if (ACTIONS[action]) {
    return ACTIONS[action];
  }
  const words = action.replace(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Integer minor units in the currency's own precision. */
export function formatMoney(minor: number, currency: string): string {
  try {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

export function minutes(value: number | null): string {
  return value === null ? '—' : `${value} min`;
}
