import { PLATFORMS } from '../channels/platform';
import { crisisHolds, crisisHoldsSql, inCrisisScope, notReleasedBy, notReleasedByCrisis, platformInScope, scopePlatforms } from './crisis-scope';

describe("a crisis's scope", () => {
  const crisis = { id: 'c1', platforms: ['x', 'mastodon'] as const };
  const everywhere = { id: 'c2', platforms: null };

  it('covers the platforms it names, or every platform when it names none', () => {
    expect(PLATFORMS.filter((p) => inCrisisScope(crisis, p))).toEqual(['x', 'mastodon']);
    expect(PLATFORMS.filter((p) => inCrisisScope(everywhere, p))).toEqual([...PLATFORMS]);
  });

  it('spells its platforms out in the one order gates are locked in, whatever order it names them in', () => {
    expect(scopePlatforms(['telegram', 'mastodon', 'x'])).toEqual(['x', 'mastodon', 'telegram']);
    expect(scopePlatforms(null)).toEqual([...PLATFORMS]);
    expect(PLATFORMS.filter((p) => inCrisisScope({ platforms: ['facebook', 'bluesky'] }, p))).toEqual(scopePlatforms(['facebook', 'bluesky']));
  });

  it('holds a delivery in scope until this crisis releases it; a release by another crisis does not count', () => {
    expect(crisisHolds(crisis, { platform: 'x', releasedByCrisisId: null })).toBe(true);
    expect(crisisHolds(crisis, { platform: 'x', releasedByCrisisId: 'an earlier crisis' })).toBe(true);
    expect(crisisHolds(crisis, { platform: 'x', releasedByCrisisId: 'c1' })).toBe(false);
    expect(crisisHolds(crisis, { platform: 'telegram', releasedByCrisisId: null })).toBe(false);
    expect(notReleasedBy(crisis, { releasedByCrisisId: 'c2' })).toBe(true);
  });

  it('writes the same rules as SQL fragments over a crisis row or a bound list', () => {
    expect(platformInScope('d.platform', 'cr.platforms')).toBe('(cr.platforms IS NULL OR d.platform = ANY(cr.platforms))');
    expect(notReleasedByCrisis('d', '$2')).toBe('d.released_by_crisis_id IS DISTINCT FROM $2');
    expect(crisisHoldsSql('x', '$1', '$3::text[]')).toBe('($3::text[] IS NULL OR x.platform = ANY($3::text[])) AND x.released_by_crisis_id IS DISTINCT FROM $1');
  });
});
