// Which composer field a service message is about. Its messages start with the field they are about ("link must be
// an http(s) URL", "scheduledAt ... is in the past", "each of imageUrls must ...") or, for a text limit, with the
// channel ("channel Brand on x (<id>): x: text is 291 weighted characters, the limit is 280 ..."). No imports: the
// service's tests check these rules against the service's real messages.

/** The composer's field names; anything else lands in the form's own message. */
export const FIELDS = new Set(['text', 'imageUrls', 'mediaIds', 'link', 'labels', 'channelIds', 'scheduledAt', 'timeZone', 'options']);

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
  // class-validator's own wording for a few rules: "All labels's elements must be unique".
  const field = (/^All ([A-Za-z]+)'s elements/.exec(message) ?? /^(?:each of )?([A-Za-z]+)\b/.exec(message))?.[1];
  if (field === 'publishNow') {
    return 'scheduledAt'; // the "when" of the form
  }
  return field && FIELDS.has(field) ? field : 'form';
}

