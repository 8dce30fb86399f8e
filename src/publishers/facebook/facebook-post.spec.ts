import { PublishError } from '../publisher.port';
import { facebookPostUrl, photoCaption, readFacebookCredentials } from './facebook-post';

describe('photoCaption', () => {
  it('puts the link after the text, once', () => {
    expect(photoCaption('New menu', 'https://brand.example/menu')).toBe('New menu\n\nhttps://brand.example/menu');
    expect(photoCaption('New menu at https://brand.example/menu', 'https://brand.example/menu')).toBe('New menu at https://brand.example/menu');
  });

  it('is the link alone, the text alone, or nothing', () => {
    expect(photoCaption('', 'https://brand.example')).toBe('https://brand.example');
    expect(photoCaption('Just text  ', null)).toBe('Just text');
    expect(photoCaption('  ', null)).toBeUndefined();
  });
});

describe('facebookPostUrl', () => {
  it("opens the post from the Page's post id", () => {
    expect(facebookPostUrl('1029384756_987654321')).toBe('https://www.facebook.com/1029384756_987654321');
  });
});

describe('readFacebookCredentials', () => {
  it('asks for a reconnection when the stored credentials no longer fit', () => {
    expect(() => readFacebookCredentials({ pageId: 'my-page', pageAccessToken: 't' })).toThrow(PublishError);
    expect(() => readFacebookCredentials({ pageId: '123' })).toThrow(/reconnect the channel/);
    expect(readFacebookCredentials({ pageId: '123', pageAccessToken: 'EAAB' })).toEqual({ pageId: '123', pageAccessToken: 'EAAB' });
  });
});
