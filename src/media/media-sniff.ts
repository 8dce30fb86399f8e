// What a file is, from its first bytes (magic numbers): the only judge of a media item's type.

export interface Sniffed {
  kind: 'image' | 'video';
  mimeType: 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif' | 'video/mp4';
}

const startsWith = (bytes: Buffer, signature: number[], at = 0): boolean => signature.every((b, i) => bytes[at + i] === b);
const ascii = (bytes: Buffer, from: number, to: number): string => bytes.subarray(from, to).toString('latin1');

/** The type of the file, or null when it is none of JPEG, PNG, WebP, GIF or MP4. */
export function sniff(bytes: Buffer): Sniffed | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    return { kind: 'image', mimeType: 'image/jpeg' };
  }
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return { kind: 'image', mimeType: 'image/png' };
  }
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') {
    return { kind: 'image', mimeType: 'image/webp' };
  }
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') {
    return { kind: 'image', mimeType: 'image/gif' };
  }
  // ISO base media: a first box "ftyp" with an MP4-family brand.
  if (ascii(bytes, 4, 8) === 'ftyp' && /^(isom|iso[2-9]|mp41|mp42|avc1|M4V |dash|msnv|MSNV|3gp\d)/.test(ascii(bytes, 8, 12))) {
    return { kind: 'video', mimeType: 'video/mp4' };
  }
  return null;
}

/** What the bytes look like instead, for the refusal's message. */
export function describeUnknown(bytes: Buffer): string {
  if (bytes.length === 0) {
    return 'the file is empty';
  }
  const head = bytes.subarray(0, 512);
  const printable = [...head].every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f) || b >= 0x80);
  if (ascii(bytes, 0, 5) === '%PDF-') {
    return 'its content is a PDF document';
  }
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    return 'its content is a ZIP archive';
  }
  return printable ? 'its content is text' : `its content starts with bytes ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}
