import { adPlatformsFor } from './ad-scope';

describe('adPlatformsFor', () => {
  it('reaches every ad platform when the crisis holds every platform', () => {
    expect(adPlatformsFor(null)).toBeUndefined();
  });

  it('maps Facebook and Instagram to Meta once, and X and LinkedIn to their own ads', () => {
    expect(adPlatformsFor(['facebook', 'instagram', 'x', 'linkedin'])).toEqual(['meta', 'x', 'linkedin']);
  });

  it('reaches no ad platform for platforms without paid media', () => {
    expect(adPlatformsFor(['mastodon', 'bluesky', 'telegram'])).toEqual([]);
  });
});
