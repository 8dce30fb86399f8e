// How a playbook message's values and prompts must relate to its template version's placeholders.
import type { PlaceholderDeclaration } from '../templates/placeholders';
import { own, valueShapeProblems } from '../templates/placeholders';

export interface MessagePlaceholders {
  values: Readonly<Record<string, unknown>>;
  prompts: readonly string[];
}

/**
 * Every problem, naming the field: a value or prompt for a placeholder the version does not declare, a placeholder
 * both given and prompted, a required placeholder neither given nor prompted, a value that is not plain text.
 */
export function messagePlaceholderProblems(field: string, message: MessagePlaceholders, declared: readonly PlaceholderDeclaration[]): string[] {
  const problems: string[] = [];
  const names = declared.map((p) => p.name);
  const known = names.length > 0 ? names.join(', ') : 'none';
  for (const [key, value] of Object.entries(message.values)) {
    if (!names.includes(key)) {
      problems.push(`${field}.values.${key} is not a placeholder of the template version; it declares ${known}`);
    } else {
      problems.push(...valueShapeProblems(`${field}.values.${key}`, value));
      if (message.prompts.includes(key)) {
        problems.push(`${field}.prompts lists ${key}, which values already gives: keep one`);
      }
    }
  }
  for (const prompt of message.prompts) {
    if (!names.includes(prompt)) {
      problems.push(`${field}.prompts lists ${prompt}, which is not a placeholder of the template version; it declares ${known}`);
    }
  }
  for (const placeholder of declared) {
    const value = own(message.values, placeholder.name);
    const given = typeof value === 'string' && value.trim() !== '';
    if (placeholder.required && !given && !message.prompts.includes(placeholder.name)) {
      problems.push(`${field}: placeholder ${placeholder.name} is required (${placeholder.description}): give it in values or list it in prompts`);
    }
  }
  return problems;
}

/** The values to fill a message with: those given in advance, then the answers to its own prompts. */
export function answersFor(message: MessagePlaceholders, answers: Readonly<Record<string, string>>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...message.values };
  for (const prompt of message.prompts) {
    const answer = own(answers, prompt);
    if (answer !== undefined) {
      merged[prompt] = answer;
    }
  }
  return merged;
}
