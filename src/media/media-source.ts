// What the dispatch engine asks of the media library (issue 15): a post's media, ready for one platform.
import type { Platform } from '../channels/platform';
import type { PublishMedia } from '../publishers/publisher.port';

/**
 * Implemented by the media library (src/media). `forPublish` answers the items in the order given,
 * each with bytes fit for `platform` (resized where the platform needs it); an id that is gone
 * (deleted, another workspace) throws a PublishError of kind `permanent` naming it.
 */
export abstract class MediaSource {
  abstract forPublish(workspaceId: string, mediaIds: string[], platform: Platform): Promise<PublishMedia[]>;
}
