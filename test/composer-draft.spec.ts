// The composer's form as data: the checks before sending, and the bodies it sends for a new post and for an edit.
import { changesContent, checkDraft, createBody, emptyDraft, updateBody, type ChannelView, type Draft } from '../web/src/screens/Composer/draft';

function channel(id: string, platform: ChannelView['platform']): ChannelView {
  return {
    id,
    platform,
    name: `Brand on ${platform}`,
    handle: `@brand-${platform}`,
    credentialFields: [],
    fallbackChannelIds: [],
    failoverPolicy: 'off',
    failoverAfterMinutes: null,
    status: 'active',
    statusReason: null,
    lastVerifiedAt: null,
    accountId: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

const CHANNELS = [channel('c-x', 'x'), channel('c-masto', 'mastodon'), channel('c-sky', 'bluesky')];

function draft(more: Partial<Draft> = {}): Draft {
  return { ...emptyDraft('Europe/Madrid'), text: 'Autumn menu', channelIds: ['c-x', 'c-masto'], wall: { date: '2027-03-10', time: '09:30' }, ...more };
}

describe("the composer's draft", () => {
  it('finds nothing wrong with a complete post within every limit', () => {
    expect(checkDraft(draft(), CHANNELS)).toEqual({});
  });

  it('says by how much a text is over each limit, on the field to shorten', () => {
    const over = draft({ text: 'a'.repeat(290) });
    expect(checkDraft(over, CHANNELS)).toEqual({
      text: ['X: the text is 10 characters over the limit (290/280 weighted characters); shorten it or write a shorter X text'],
    });
    const withOwnText = draft({ text: 'a'.repeat(290), platformText: { x: 'b'.repeat(281) } });
    expect(checkDraft(withOwnText, CHANNELS)).toEqual({
      'platformText.x': ['X: the X text is 1 character over the limit (281/280 weighted characters); shorten it or write a shorter X text'],
    });
  });

  it('asks for channels, text, a valid link and image URLs, labels the service takes, and a time', () => {
    const errors = checkDraft(draft({ channelIds: [], text: ' ', link: 'example.com', imageUrls: 'https://cdn.example.com/a.png\nnot a url', labels: ['ok', 'no!'], wall: { date: '2027-03-10', time: '' } }), CHANNELS);
    expect(Object.keys(errors).sort()).toEqual(['channelIds', 'imageUrls', 'labels', 'link', 'scheduledAt', 'text']);
    expect(errors.imageUrls).toEqual(['not a url is not an http(s) URL']);
    expect(checkDraft(draft({ when: 'now', wall: { date: '', time: '' } }), CHANNELS)).toEqual({});
  });

  it('sends the instant with its offset, the zone, and only the texts of chosen platforms', () => {
    const body = createBody(draft({ platformText: { x: 'Short', bluesky: 'Not chosen' }, imageUrls: ' https://cdn.example.com/a.png \n\n', labels: ['autumn'] }), CHANNELS);
    expect(body).toEqual({
      text: 'Autumn menu',
      platformText: { x: 'Short' },
      imageUrls: ['https://cdn.example.com/a.png'],
      mediaIds: [],
      channelIds: ['c-x', 'c-masto'],
      timeZone: 'Europe/Madrid',
      labels: ['autumn'],
      publishNow: false,
      options: {},
      scheduledAt: '2027-03-10T09:30:00+01:00',
    });
    expect(createBody(draft({ when: 'now' }), CHANNELS)).toMatchObject({ publishNow: true });
    expect(createBody(draft({ when: 'now' }), CHANNELS).scheduledAt).toBeUndefined();
  });

  it("sends the options of the chosen channels' platforms only, without the empty ones", () => {
    const options = { mastodon: { visibility: 'private' as const, spoilerText: '', language: 'es' }, telegram: { silent: true }, bluesky: { languages: ['es', 'ca'] } };
    expect(createBody(draft({ options }), CHANNELS).options).toEqual({ mastodon: { visibility: 'private', language: 'es' } });
    expect(createBody(draft({ options, channelIds: ['c-sky'] }), CHANNELS).options).toEqual({ bluesky: { languages: ['es', 'ca'] } });
    expect(createBody(draft({ options: { mastodon: { visibility: undefined as never, spoilerText: '' } } }), CHANNELS).options).toEqual({});
    // A change of options is a change of what approvers signed off, as the service counts it.
    expect(changesContent(draft({ options }), draft(), CHANNELS)).toBe(true);
    expect(changesContent(draft({ options: { telegram: { silent: true } } }), draft(), CHANNELS)).toBe(false);
  });

  it('sends an edit without the time unless it changed, and clears a removed link', () => {
    const saved = draft({ link: 'https://example.com/autumn' });
    const edited = { ...saved, text: 'Autumn menu, now with soup', link: '' };
    const body = updateBody(edited, CHANNELS, saved);
    expect(body.scheduledAt).toBeUndefined();
    expect(body.link).toBeNull();
    expect(updateBody({ ...saved, wall: { date: '2027-03-11', time: '09:30' } }, CHANNELS, saved).scheduledAt).toBe('2027-03-11T09:30:00+01:00');
    expect(updateBody({ ...saved, timeZone: 'UTC' }, CHANNELS, saved).scheduledAt).toBe('2027-03-10T09:30:00+00:00');
  });

  it('tells a change of what approvers signed off from a move or a relabel', () => {
    const saved = draft();
    expect(changesContent({ ...saved, wall: { date: '2027-04-01', time: '10:00' }, labels: ['new'] }, saved, CHANNELS)).toBe(false);
    expect(changesContent({ ...saved, channelIds: ['c-masto', 'c-x'] }, saved, CHANNELS)).toBe(false);
    expect(changesContent({ ...saved, text: 'Other' }, saved, CHANNELS)).toBe(true);
    expect(changesContent({ ...saved, channelIds: ['c-x'] }, saved, CHANNELS)).toBe(true);
    expect(changesContent({ ...saved, imageUrls: 'https://cdn.example.com/a.png' }, saved, CHANNELS)).toBe(true);
    expect(changesContent({ ...saved, platformText: { x: 'Short' } }, saved, CHANNELS)).toBe(true);
  });
});
