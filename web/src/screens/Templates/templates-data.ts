// The templates section's shared words: query keys, the status of a version as people read it, and the
// placeholders a text uses (the same `{{name}}` rule as the service's placeholders.ts).
import type { components } from '../../api/schema';

export type TemplateView = components['schemas']['TemplateView'];
export type TemplateVersionView = components['schemas']['TemplateVersionView'];
export type VersionStatus = TemplateVersionView['status'];

export const TEMPLATES_KEY = ['templates'] as const;

export const STATUS_LABELS: Record<VersionStatus, string> = {
  pending: 'Waiting for approval',
  approved: 'Approved',
  rejected: 'Rejected',
};

export const STATUS_COLORS: Record<VersionStatus, string> = { pending: 'yellow', approved: 'green', rejected: 'red' };

/** The newest version (the API lists them newest first). */
export function latestOf(template: TemplateView): TemplateVersionView {
  return template.versions.find((v) => v.version === template.currentVersion) ?? template.versions[0];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]{0,63})\s*\}\}/g;

/** Names used in the texts, in order of first use. */
export function placeholdersIn(texts: readonly string[]): string[] {
  const names: string[] = [];
  for (const text of texts) {
    for (const match of text.matchAll(PLACEHOLDER)) {
      if (!names.includes(match[1])) {
        names.push(match[1]);
      }
    }
  }
  return names;
}

export function versionLabel(v: Pick<TemplateVersionView, 'version' | 'authorName'>): string {
  return `Version ${v.version} by ${v.authorName ?? 'a former member'}`;
}

export { formatInstant, zoneOf } from '../Members/people';
