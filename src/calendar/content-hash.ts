// The fingerprint an approval is bound to: everything that would change what the audience sees, and where.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json';

export interface ApprovedContent {
  text: string;
  platformText: Record<string, string | undefined>;
  imageUrls: string[];
  link: string | null;
  channelIds: string[];
}

export function contentHash(content: ApprovedContent): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        text: content.text,
        platformText: content.platformText,
        imageUrls: content.imageUrls,
        link: content.link,
        channelIds: [...content.channelIds].sort(),
      }),
    )
    .digest('hex');
}
