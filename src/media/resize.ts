// Makes an image fit a platform's byte limit (Bluesky's 1,000,000 bytes): JPEG, quality then size stepped down.
import sharp from 'sharp';

const QUALITIES = [85, 75, 65];
const LONGEST_SIDE = 2000;

/** A JPEG of the image under `maxBytes`, its aspect ratio kept, never enlarged; throws if no step gets there. */
export async function fitUnder(input: Buffer, maxBytes: number): Promise<{ bytes: Buffer; width: number; height: number }> {
  const meta = await sharp(input).metadata();
  let longest = Math.min(LONGEST_SIDE, Math.max(meta.width ?? LONGEST_SIDE, meta.height ?? LONGEST_SIDE));
  for (let step = 0; step < 12; step++) {
    for (const quality of QUALITIES) {
      const { data, info } = await sharp(input)
        .rotate() // EXIF orientation applied before it is dropped
        .resize({ width: longest, height: longest, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' }) // JPEG has no transparency
        .jpeg({ quality, mozjpeg: true })
        .toBuffer({ resolveWithObject: true });
      if (data.length < maxBytes) {
        return { bytes: data, width: info.width, height: info.height };
      }
    }
    longest = Math.floor(longest * 0.8);
  }
  throw new Error(`could not make the image smaller than ${maxBytes} bytes`);
}
