import { PublishError, type PublishMedia } from '../publisher.port';
import { facebookPostUrl, photoCaption, photosOf, readFacebookCredentials } from './facebook-post';

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

describe('photosOf', () => {
  it('puts image URLs first, then library items in their order', () => {
    const item = (id: string): PublishMedia => ({ id, kind: 'image', mimeType: 'image/jpeg', byteSize: 1, width: 1, height: 1, altText: null, read: () => Promise.resolve(Buffer.alloc(1)) });
    const [a, b] = [item('a'), item('b')];
    expect(photosOf({ imageUrls: ['https://x.example/1.png'], media: [a, b] })).toEqual([{ url: 'https://x.example/1.png' }, { media: a }, { media: b }]);
    expect(photosOf({ imageUrls: [], media: undefined })).toEqual([]);
  });
});
