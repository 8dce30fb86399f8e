import { DomainError } from '../common/domain-error';
import { autoFailoverAt, chooseFallbacks, FallbackChannel, resolveFailoverSettings } from './failover-policy';

const OFF = { failoverPolicy: 'off' as const, failoverAfterMinutes: null };
const AUTO_15 = { failoverPolicy: 'auto' as const, failoverAfterMinutes: 15 };

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).message;
  }
  throw new Error('expected a refusal');
}

describe('failover settings', () => {
  it('needs minutes for auto, and keeps them across edits that do not change them', () => {
    expect(refusal(() => resolveFailoverSettings(OFF, { failoverPolicy: 'auto' }, 1))).toContain('failoverAfterMinutes is required');
    expect(resolveFailoverSettings(OFF, { failoverPolicy: 'auto', failoverAfterMinutes: 15 }, 1)).toEqual(AUTO_15);
    expect(resolveFailoverSettings(AUTO_15, {}, 2)).toEqual(AUTO_15);
    expect(resolveFailoverSettings(AUTO_15, { failoverAfterMinutes: 5 }, 2)).toEqual({ failoverPolicy: 'auto', failoverAfterMinutes: 5 });
  });

  it('keeps minutes for auto alone, and clears them when the policy leaves auto', () => {
    expect(refusal(() => resolveFailoverSettings(OFF, { failoverPolicy: 'manual', failoverAfterMinutes: 5 }, 1))).toContain('auto only');
    expect(refusal(() => resolveFailoverSettings(OFF, { failoverAfterMinutes: 5 }, 1))).toContain('auto only');
    expect(resolveFailoverSettings(AUTO_15, { failoverPolicy: 'manual' }, 1)).toEqual({ failoverPolicy: 'manual', failoverAfterMinutes: null });
  });

  it('needs a fallback for any policy but off', () => {
    expect(refusal(() => resolveFailoverSettings(OFF, { failoverPolicy: 'manual' }, 0))).toContain('needs fallbackChannelIds');
    expect(refusal(() => resolveFailoverSettings(AUTO_15, {}, 0))).toContain('needs fallbackChannelIds');
    expect(resolveFailoverSettings(OFF, {}, 0)).toEqual(OFF);
  });

  it('fails over by itself only under auto, afterMinutes past the planned time', () => {
    const planned = new Date('2026-10-04T15:39:00Z');
    expect(autoFailoverAt(AUTO_15, planned)).toEqual(new Date('2026-10-04T15:54:00Z'));
    expect(autoFailoverAt({ failoverPolicy: 'manual', failoverAfterMinutes: null }, planned)).toBeNull();
    expect(autoFailoverAt(OFF, planned)).toBeNull();
  });
});

describe('choosing fallbacks', () => {
  const channel = (over: Partial<FallbackChannel>): FallbackChannel => ({
    id: 'c1',
    name: 'Fallback',
    platform: 'mastodon',
    status: 'active',
    deleted: false,
    degraded: false,
    alreadyTargeted: false,
    ...over,
  });
  const fields = { text: 'x'.repeat(600), platformText: { mastodon: 'Short for Mastodon' }, imageUrls: [], link: null };

  it("checks each fallback with its own platform's text variant and limits", () => {
    const [mastodon, telegram, bluesky] = chooseFallbacks(
      [channel({ id: 'm' }), channel({ id: 't', platform: 'telegram' }), channel({ id: 'b', platform: 'bluesky' })],
      fields,
    );
    expect(mastodon.refusal).toBeNull();
    expect(telegram.refusal).toBeNull();
    expect(bluesky.refusal).toContain('the limit is 300');
  });

  it('says why a fallback cannot take the post', () => {
    const reasons = chooseFallbacks(
      [
        channel({ deleted: true }),
        channel({ status: 'needs_reauth' }),
        channel({ alreadyTargeted: true }),
        channel({ degraded: true }),
        channel({ platform: 'instagram' }),
      ],
      fields,
    ).map((choice) => choice.refusal);
    expect(reasons).toEqual([
      'the channel was disconnected',
      'the channel is needs_reauth',
      'the post already goes to this channel',
      'mastodon is degraded too',
      expect.stringContaining('Instagram requires at least 1'),
    ]);
  });
});
