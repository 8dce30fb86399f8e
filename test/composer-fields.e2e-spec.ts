// The composer puts each refusal of the service on the field it is about: the service's real messages (validation
// pipe, limits, schedule, channels) run through the composer's own mapping; and its wall-clock times in a zone.
import { fieldOfMessage } from '../web/src/screens/Composer/field-of-message';
import { instantOf, wallTimeOf } from '../web/src/screens/Composer/zoned-time';
import { channelBody } from './support/factories';
import { Caller, TestApp } from './support/test-app';

const tomorrow = (): string => new Date(Date.now() + 86_400_000).toISOString();

describe("the composer's fields for the service's refusals", () => {
  let t: TestApp;
  let marketer: Caller;
  let x: string;
  let instagram: string;

  beforeAll(async () => {
    t = await TestApp.start();
    marketer = await t.member('marketer');
    x = (await t.admin.post('/api/channels', channelBody('x')).expect(201)).body.id;
    instagram = (await t.admin.post('/api/channels', channelBody('instagram')).expect(201)).body.id;
  });
  afterAll(() => t.close());

  /** Every message of the refusal, with the field the composer shows it on. */
  async function fieldsOf(body: Record<string, unknown>, overridden: string[] = [], status = 400): Promise<string[]> {
    // it.each's table is built before the channels exist: 'instagram' names the Instagram channel.
    const channelIds = Array.isArray(body.channelIds) ? body.channelIds.map((id) => (id === 'instagram' ? instagram : id)) : [x];
    const res = await marketer.post('/api/posts', { text: 'Hello', scheduledAt: tomorrow(), ...body, channelIds }).expect(status);
    const messages: string[] = res.body.details?.length ? res.body.details : [res.body.message];
    return [...new Set(messages.map((message) => fieldOfMessage(message, new Set(overridden))))];
  }

  it.each([
    ['an empty text', { text: '' }, 'text'],
    ['a text over the DTO length', { text: 'a'.repeat(10_001) }, 'text'],
    ['an image URL that is no URL', { imageUrls: ['not a url'] }, 'imageUrls'],
    ['eleven images', { imageUrls: Array.from({ length: 11 }, (_, i) => `https://cdn.example.com/${i}.png`) }, 'imageUrls'],
    ['a link that is no URL', { link: 'example' }, 'link'],
    ['a label with punctuation', { labels: ['autumn!'] }, 'labels'],
    ['a repeated label', { labels: ['a', 'a'] }, 'labels'],
    ['no channel', { channelIds: [] }, 'channelIds'],
    ['a channel of nobody', { channelIds: ['5b0e3f43-4a1e-4d51-9d43-2f1d3c1b9a10'] }, 'channelIds'],
    ['a time in the past', { scheduledAt: '2020-01-01T09:00:00Z' }, 'scheduledAt'],
    // A wall-clock time is read in timeZone: without one the service asks for the zone, shown under the zone picker.
    ['a time without an offset or zone', { scheduledAt: '2031-01-01T09:00:00' }, 'timeZone'],
    ['no time', { scheduledAt: undefined }, 'scheduledAt'],
    ['a zone that is not one', { timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['an empty X text', { platformText: { x: '' } }, 'platformText.x'],
    ['a text over the X limit', { text: 'a'.repeat(281) }, 'text'],
    ['five images on X', { imageUrls: Array.from({ length: 5 }, (_, i) => `https://cdn.example.com/${i}.png`) }, 'imageUrls'],
    ['Instagram without an image', { channelIds: ['instagram'] }, 'imageUrls'],
  ])('puts %s on %s', async (_name, body, field) => {
    await expect(fieldsOf(body)).resolves.toEqual([field]);
  });

  it('puts a limit on the X text when the post has one, and on the main text otherwise', async () => {
    await expect(fieldsOf({ platformText: { x: 'a'.repeat(281) } }, ['x'])).resolves.toEqual(['platformText.x']);
    await expect(fieldsOf({ text: 'a'.repeat(281) }, [])).resolves.toEqual(['text']);
  });

  it("puts what names no field of the composer on the form's own message", async () => {
    await expect(fieldsOf({ nonsense: 1 })).resolves.toEqual(['form']);
  });
});

describe('wall-clock times in a zone', () => {
  it('gives the instant with the offset the zone has on that date', () => {
    expect(instantOf({ date: '2027-03-10', time: '09:30' }, 'America/New_York')).toEqual({ iso: '2027-03-10T09:30:00-05:00', instant: new Date('2027-03-10T14:30:00Z') });
    expect(instantOf({ date: '2027-03-15', time: '09:30' }, 'America/New_York')?.iso).toBe('2027-03-15T09:30:00-04:00');
    expect(instantOf({ date: '2027-07-01', time: '00:15' }, 'Asia/Kolkata')?.instant).toEqual(new Date('2027-06-30T18:45:00Z'));
    expect(instantOf({ date: '2027-01-01', time: '12:00' }, 'UTC')?.iso).toBe('2027-01-01T12:00:00+00:00');
  });

  it('resolves a time that a spring-forward night skips, and is empty until date and time are both given', () => {
    // 02:30 does not exist in Madrid on 28 March 2027: it reads as 03:30 summer time, one real hour after 01:30.
    expect(instantOf({ date: '2027-03-28', time: '02:30' }, 'Europe/Madrid')?.instant.getTime()).toBe(new Date('2027-03-28T01:30:00Z').getTime());
    expect(instantOf({ date: '2027-03-28', time: '' }, 'Europe/Madrid')).toBeNull();
    expect(instantOf({ date: '', time: '09:00' }, 'Europe/Madrid')).toBeNull();
  });

  it('reads a saved instant back as the date and time in its zone', () => {
    expect(wallTimeOf(new Date('2031-01-15T08:00:00Z'), 'Europe/Madrid')).toEqual({ date: '2031-01-15', time: '09:00' });
    expect(wallTimeOf(new Date('2027-03-10T14:30:00Z'), 'America/New_York')).toEqual({ date: '2027-03-10', time: '09:30' });
  });
});
