// What the composer accepts the API accepts, and the other way round: texts at each platform's limit and one either
// side, counted by the module the console imports (src/common/text-counting.ts) and sent to the API.
import type { Platform } from '../src/channels/platform';
import { checkTextLimits, composeText, measureText, type PostContent } from '../src/common/text-counting';
import { channelBody } from './support/factories';
import { Caller, TestApp } from './support/test-app';

const inOneDay = (): string => new Date(Date.now() + 86_400_000).toISOString();

/** What fills most of a text: plain letters, a long URL, emoji, CJK, letters with combining marks, ZWJ families, mentions. */
const KINDS: Record<string, { unit: string; lead?: string }> = {
  ascii: { unit: 'a' },
  url: { unit: 'b', lead: `Read https://example.com/articles/${'u'.repeat(120)} ` },
  emoji: { unit: '\u{1F600}' },
  cjk: { unit: '日' },
  combining: { unit: 'e\u0301' },
  family: { unit: '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}' },
  mention: { unit: 'c', lead: '@alice@social.example.org ' },
};

/** Platforms and the content beside the text that changes their limit. */
const TARGETS: { platform: Platform; imageUrls: string[]; label: string }[] = [
  { platform: 'x', imageUrls: [], label: 'x' },
  { platform: 'mastodon', imageUrls: [], label: 'mastodon' },
  { platform: 'bluesky', imageUrls: [], label: 'bluesky' },
  { platform: 'linkedin', imageUrls: [], label: 'linkedin' },
  { platform: 'telegram', imageUrls: [], label: 'telegram message' },
  { platform: 'telegram', imageUrls: ['https://cdn.example.com/a.png'], label: 'telegram caption' },
  { platform: 'instagram', imageUrls: ['https://cdn.example.com/a.png'], label: 'instagram caption' },
];

/** A text of exactly `length` as the platform counts it: the kind's units, then single letters (1 each everywhere). */
function textOf(platform: Platform, kind: keyof typeof KINDS, length: number, imageCount: number): string {
  const { unit, lead = '' } = KINDS[kind];
  const measure = (text: string): number => measureText(platform, text, imageCount).length;
  const units = Math.max(0, Math.floor((length - 12 - measure(lead)) / measure(unit)));
  let text = `${lead}${unit.repeat(units)} `;
  while (measure(text) < length) {
    text += 'z';
  }
  return text;
}

interface Case {
  name: string;
  platform: Platform;
  content: PostContent;
}

function cases(): Case[] {
  return TARGETS.flatMap(({ platform, imageUrls, label }) => {
    const { limit } = measureText(platform, '', imageUrls.length);
    return Object.keys(KINDS).flatMap((kind) =>
      [limit - 1, limit, limit + 1].map((length) => ({
        name: `${label} ${kind} ${length}/${limit}`,
        platform,
        content: { text: textOf(platform, kind, length, imageUrls.length), link: null, imageUrls },
      })),
    );
  });
}

describe('text limits counted in the console and in the service agree', () => {
  let t: TestApp;
  let marketer: Caller;
  const channels: Partial<Record<Platform, string>> = {};

  beforeAll(async () => {
    t = await TestApp.start();
    marketer = await t.member('marketer');
    for (const platform of ['x', 'mastodon', 'bluesky', 'linkedin', 'telegram', 'instagram'] as const) {
      const res = await t.admin.post('/api/channels', channelBody(platform)).expect(201);
      channels[platform] = res.body.id;
    }
  });
  afterAll(() => t.close());

  it('builds texts at each limit and one either side, as the shared counter counts them', () => {
    for (const { platform, content, name } of cases()) {
      const [length, limit] = /(\d+)\/(\d+)$/.exec(name)!.slice(1).map(Number);
      expect({ name, length: measureText(platform, composeText(platform, content), content.imageUrls.length).length }).toEqual({ name, length });
      expect(limit).toBeGreaterThan(0);
    }
  });

  it('accepts exactly the posts the shared counter finds within limits, and refuses the rest with its message', async () => {
    const outcomes: { name: string; counter: string; api: string }[] = [];
    for (const { name, platform, content } of cases()) {
      const violations = checkTextLimits(platform, content);
      const res = await marketer.post('/api/posts', {
        text: content.text,
        imageUrls: content.imageUrls,
        channelIds: [channels[platform]],
        scheduledAt: inOneDay(),
      });
      expect(res.status === 201 || res.status === 400).toBe(true);
      outcomes.push({ name, counter: violations.length === 0 ? 'within' : 'over', api: res.status === 201 ? 'within' : 'over' });
      for (const violation of violations) {
        expect(res.body.message).toContain(violation.message);
      }
    }
    expect(outcomes.filter((o) => o.counter !== o.api)).toEqual([]);
    // Both sides of every boundary were tried: each platform accepted its limit and refused one more.
    for (const { label } of TARGETS) {
      const ascii = outcomes.filter((o) => o.name.startsWith(`${label} ascii `)).map((o) => o.api);
      expect({ label, ascii }).toEqual({ label, ascii: ['within', 'within', 'over'] });
    }
  });

  it('agrees on the per-platform text and on a link appended to the text', async () => {
    const link = `https://example.com/${'l'.repeat(60)}`;
    for (const length of [279, 280, 281]) {
      const body = 'a'.repeat(length - 25); // the link adds a blank line (2) and 23
      const content: PostContent = { text: body, link, imageUrls: [] };
      const within = checkTextLimits('x', content).length === 0;
      const res = await marketer.post('/api/posts', {
        text: 'a'.repeat(400),
        platformText: { x: body },
        link,
        channelIds: [channels.x, channels.mastodon],
        scheduledAt: inOneDay(),
      });
      expect({ length, status: res.status }).toEqual({ length, status: within ? 201 : 400 });
    }
  });
});
