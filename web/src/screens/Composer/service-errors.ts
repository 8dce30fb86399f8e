// The service's refusals put on the composer's fields. Its messages start with the field they are about
// ("link must be an http(s) URL", "scheduledAt ... is in the past", "each of imageUrls must ...") or, for a text
// limit, with the channel ("channel Brand on x (<id>): x: text is 291 weighted characters, the limit is 280 ...").
import { ApiError, messageOf } from '../../api/client';
import type { FieldErrors } from './draft';

/** The composer's field names; anything else lands in the form's own message. */
const FIELDS = new Set(['text', 'imageUrls', 'link', 'labels', 'channelIds', 'scheduledAt', 'publishNow', 'timeZone', 'reason']);

const CHANNEL_LIMIT = /^channel .+ \([0-9a-f-]{36}\): ([a-z]+): (.*)$/s;

export function fieldOfMessage(message: string, overridden: ReadonlySet<string>): string {
  const limit = CHANNEL_LIMIT.exec(message);
  if (limit) {
    const [, platform, problem] = limit;
    // "post has 5 images, the limit is 4", "post has no image, Instagram requires at least 1"
    if (problem.startsWith('post has')) {
      return 'imageUrls';
    }
    return overridden.has(platform) ? `platformText.${platform}` : 'text';
  }
  const override = /^platformText\.([a-z]+)\b/.exec(message);
  if (override) {
    return `platformText.${override[1]}`;
  }
  const field = /^(?:each of )?([A-Za-z]+)\b/.exec(message)?.[1];
  return field && FIELDS.has(field) ? field : 'form';
}

/** Every message of a refusal by field ('form' for the rest); a refusal with details is split into them. */
export function serviceFieldErrors(error: unknown, overridden: ReadonlySet<string>): FieldErrors {
  if (!(error instanceof ApiError)) {
    return { form: [messageOf(error)] };
  }
  const messages = error.details.length > 0 ? error.details : [error.message];
  const errors: FieldErrors = {};
  for (const message of messages) {
    (errors[fieldOfMessage(message, overridden)] ??= []).push(message);
  }
  return errors;
}
