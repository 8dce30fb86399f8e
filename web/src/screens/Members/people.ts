// What the Members and Account screens show about people: roles in the product's words, a member's status,
// times in the workspace's zone, and a browser named from its user agent.
import type { components } from '../../api/schema';
import type { Role } from '../../session/permissions';

export type MemberView = components['schemas']['MemberView'];
export type SessionSummary = components['schemas']['SessionSummaryView'];
export type ApiKeyView = components['schemas']['ApiKeyView'];
export type IssuedApiKey = components['schemas']['IssuedApiKeyView'];
export type InviteLink = components['schemas']['InviteLinkView'];

export const ROLE_CHOICES: { role: Role; label: string; description: string }[] = [
  { role: 'admin', label: 'Admin', description: 'Connects channels and ad accounts; manages members, keys, policies and webhooks' },
  { role: 'marketer', label: 'Marketer', description: 'Plans the calendar: writes, targets and schedules posts' },
  { role: 'approver', label: 'Approver', description: 'Signs off content, and everything during a crisis' },
  { role: 'crisis_lead', label: 'Crisis lead', description: 'Flips the crisis switch, runs playbooks, ends the crisis' },
  { role: 'viewer', label: 'Viewer', description: 'Reads the calendar, the crisis state and reports' },
];

export function roleLabel(role: string): string {
  return ROLE_CHOICES.find((choice) => choice.role === role)?.label ?? role;
}

export type MemberStatus = 'invited' | 'active' | 'disabled';

/** Invited until the member has chosen a password through an invite link; disabled once removed. */
export function statusOf(member: MemberView): MemberStatus {
  if (member.disabledAt) {
    return 'disabled';
  }
  return member.passwordChangedAt ? 'active' : 'invited';
}

export const STATUS_LABEL: Record<MemberStatus, string> = { invited: 'Invited', active: 'Active', disabled: 'Disabled' };

/** The workspace's zone when the service names one, else the browser's. */
export function zoneOf(workspace: object): string | undefined {
  const zone = (workspace as { timeZone?: unknown }).timeZone;
  return typeof zone === 'string' && zone.length > 0 ? zone : undefined;
}

/**
 * An instant as the API sends it. The OpenAPI document types a few nullable dates as objects (a Date property
 * declared without `type: String`); on the wire they are ISO strings all the same.
 */
type Instant = string | Record<string, never> | null | undefined;

export function formatInstant(value: Instant, timeZone?: string): string {
  if (!value) {
    return '—';
  }
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(value as unknown as string));
}

/** "Chrome on Linux" from a user agent; the raw string stays available as a title. */
export function describeBrowser(userAgent: string | null): string {
  if (!userAgent) {
    return 'Unknown browser';
  }
  const browser =
    /Edg\//.test(userAgent) ? 'Edge'
    : /Firefox\//.test(userAgent) ? 'Firefox'
    : /(Chrome|Chromium|HeadlessChrome)\//.test(userAgent) ? 'Chrome'
    : /Safari\//.test(userAgent) ? 'Safari'
    : /curl|node|axios|supertest|python/i.test(userAgent) ? 'A script'
    : 'A browser';
  const system =
    /Windows/.test(userAgent) ? 'Windows'
    : /Android/.test(userAgent) ? 'Android'
    : /iPhone|iPad/.test(userAgent) ? 'iOS'
    : /Mac OS X/.test(userAgent) ? 'macOS'
    : /Linux/.test(userAgent) ? 'Linux'
    : null;
  return system ? `${browser} on ${system}` : browser;
}
