// A template version's content: its save-time checks, the hash an approval is bound to, and its filled text per platform.
import { createHash } from 'node:crypto';
import { Platform, PLATFORMS } from '../channels/platform';
import { checkTextLimits, LimitViolation } from '../calendar/text-limits';
import { canonicalJson } from '../common/canonical-json';
import { hasControlCharacters, PlaceholderDeclaration, scanPlaceholders, fillPlaceholders } from './placeholders';

export interface TemplateContent {
  body: string;
  variants: Partial<Record<Platform, string>>;
  placeholders: PlaceholderDeclaration[];
}

export interface FilledTemplate {
  /** The body, filled. */
  text: string;
  /** Each variant, filled: that platform receives it instead of `text`. */
  platformText: Partial<Record<Platform, string>>;
}

/** The fingerprint an approval is bound to: everything that decides what the audience can be sent. */
export function templateContentHash(content: TemplateContent): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        body: content.body,
        variants: content.variants,
        placeholders: content.placeholders.map((p) => ({ name: p.name, description: p.description, required: p.required })),
      }),
    )
    .digest('hex');
}

/**
 * Every problem with a version's content, naming the field: malformed placeholders, placeholders used but not
 * declared, declarations used nowhere (a placeholder nobody can see is a question nobody should be asked),
 * duplicate declarations, control characters.
 */
export function contentProblems(content: TemplateContent): string[] {
  const problems: string[] = [];
  const texts: Array<[string, string]> = [['body', content.body]];
  for (const platform of PLATFORMS) {
    const variant = content.variants[platform];
    if (variant !== undefined) {
      texts.push([`variants.${platform}`, variant]);
    }
  }
  const declared = content.placeholders.map((p) => p.name);
  const duplicates = declared.filter((name, i) => declared.indexOf(name) !== i);
  for (const name of new Set(duplicates)) {
    problems.push(`placeholders declares ${name} more than once`);
  }
  const used = new Set<string>();
  for (const [field, text] of texts) {
    if (hasControlCharacters(text)) {
      problems.push(`${field} contains control characters`);
    }
    const scan = scanPlaceholders(text);
    for (const snippet of scan.malformed) {
      problems.push(
        `${field} has a malformed placeholder ${JSON.stringify(snippet)}: write {{name}} with a name of letters, digits and _ starting with a letter`,
      );
    }
    for (const name of scan.names) {
      used.add(name);
      if (!declared.includes(name)) {
        problems.push(`${field} uses {{${name}}}, which is not declared in placeholders`);
      }
    }
  }
  for (const name of new Set(declared)) {
    if (!used.has(name)) {
      problems.push(`placeholders declares ${name}, which the body and variants never use`);
    }
  }
  return problems;
}

/** Fills the body and every variant with values already resolved against the declarations. */
export function fillTemplate(content: TemplateContent, values: Readonly<Record<string, string>>): FilledTemplate {
  const platformText: Partial<Record<Platform, string>> = {};
  for (const platform of PLATFORMS) {
    const variant = content.variants[platform];
    if (variant !== undefined) {
      platformText[platform] = fillPlaceholders(variant, values);
    }
  }
  return { text: fillPlaceholders(content.body, values), platformText };
}

/** The text one platform receives. */
export function filledTextFor(platform: Platform, filled: FilledTemplate): string {
  return filled.platformText[platform] ?? filled.text;
}

/**
 * The platform's rules this filled text breaks, as a post without images or link (templates carry neither).
 * `textOnly` leaves out the rules about images (Instagram requires one): for previews of the words alone.
 */
export function filledLimitViolations(platform: Platform, filled: FilledTemplate, textOnly = false): LimitViolation[] {
  const violations = checkTextLimits(platform, { text: filledTextFor(platform, filled), link: null, imageUrls: [] });
  return textOnly ? violations.filter((v) => v.rule !== 'image_required') : violations;
}

/** A request's variants, checked: keys must be platforms, values texts of 1 to 10,000 characters. */
export function parseVariants(raw: Record<string, unknown> | undefined): { variants: Partial<Record<Platform, string>>; problems: string[] } {
  const variants: Partial<Record<Platform, string>> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (!(PLATFORMS as readonly string[]).includes(key)) {
      problems.push(`variants.${key} is not a platform; use one of ${PLATFORMS.join(', ')}`);
    } else if (typeof value !== 'string' || value.length < 1 || value.length > 10000) {
      problems.push(`variants.${key} must be a text of 1 to 10000 characters`);
    } else {
      variants[key as Platform] = value;
    }
  }
  return { variants, problems };
}
