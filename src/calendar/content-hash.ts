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

/**
 * Whether an edit changes what an approval was given for: a content field, or the channel set when
 * the edit names one that differs from the channels the post still targets. The live set may have
 * shrunk since the approval (a delivery cancelled, one failed over); that alone changes nothing.
 */
export function editChangesContent(current: ApprovedContent, edited: Omit<ApprovedContent, 'channelIds'> & { channelIds?: string[] }): boolean {
  const fieldsOf = (content: Omit<ApprovedContent, 'channelIds'>): ApprovedContent => ({
    text: content.text,
    platformText: content.platformText,
    imageUrls: content.imageUrls,
    link: content.link,
    channelIds: [],
  });
  if (contentHash(fieldsOf(current)) !== contentHash(fieldsOf(edited))) {
    return true;
  }
  return edited.channelIds !== undefined && contentHash({ ...fieldsOf(current), channelIds: current.channelIds }) !== contentHash({ ...fieldsOf(current), channelIds: edited.channelIds });
}
