// The media library: uploads judged by their bytes, alt text, per-platform checks when a post uses an item,
// and the bytes each publisher uploads (MediaSource), resized where a platform needs it.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { actorOf } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import type { Platform } from '../channels/platform';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import type { Principal } from '../common/principal';
import { Clock } from '../common/clock';
import { PublishError, type PublishMedia } from '../publishers/publisher.port';
import { MediaItem } from './media-item.entity';
import { MediaSource } from './media-source';
import { MediaStore } from './media-store';
import { MediaUrlSigner, type MediaUrlCheck } from './media-url';
import { describeUnknown, sniff } from './media-sniff';
import { mediaProblems, PLATFORM_MEDIA_LIMITS } from './platform-limits';
import { fitUnder } from './resize';

export const ALT_TEXT_MAX = 1500;
const ORIGINAL = 'original';

export interface Upload {
  buffer: Buffer;
  originalname: string;
}

@Injectable()
export class MediaLibrary extends MediaSource {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: MediaStore,
    private readonly audit: AuditService,
    private readonly urls: MediaUrlSigner,
    private readonly clock: Clock,
  ) {
    super();
  }

  async upload(principal: Principal, file: Upload | undefined, altText: string | undefined): Promise<MediaItem> {
    if (!file || file.buffer.length === 0) {
      throw DomainError.invalid('file is required: send the image or video as the multipart field "file"', ['file is required']);
    }
    const name = cleanName(file.originalname);
    const type = sniff(file.buffer);
    if (!type) {
      throw new DomainError(
        DomainErrorCode.UnsupportedMediaType,
        `${name} is not a JPEG, PNG, WebP, GIF or MP4 file (${describeUnknown(file.buffer)}); the type is read from the file's content, not its name`,
      );
    }
    checkAltText(altText);
    let width: number | null = null;
    let height: number | null = null;
    if (type.kind === 'image') {
      try {
        const meta = await sharp(file.buffer).metadata();
        width = meta.width ?? null;
        height = meta.height ?? null;
      } catch {
        throw DomainError.invalid(`${name} starts like a ${type.mimeType.split('/')[1].toUpperCase()} image but cannot be read as one: the file is damaged or incomplete`);
      }
    }
    return this.dataSource.transaction(async (manager) => {
      const item = manager.create(MediaItem, {
        workspaceId: principal.workspaceId,
        kind: type.kind,
        mimeType: type.mimeType,
        byteSize: file.buffer.length,
        width,
        height,
        sha256: createHash('sha256').update(file.buffer).digest('hex'),
        altText: altText?.trim() ? altText.trim() : null,
        originalName: name,
        createdBy: principal.memberId,
        deletedAt: null,
      });
      const saved = await manager.save(item);
      await this.store.put(manager, saved.id, ORIGINAL, type.mimeType, file.buffer);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'media.uploaded',
        targetType: 'media',
        targetId: saved.id,
        after: { name, mimeType: type.mimeType, byteSize: saved.byteSize, width, height, altText: saved.altText !== null },
      });
      return saved;
    });
  }

  list(principal: Principal, limit: number): Promise<MediaItem[]> {
    return this.dataSource.getRepository(MediaItem).find({
      where: { workspaceId: principal.workspaceId, deletedAt: IsNull() },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  async get(principal: Principal, id: string): Promise<MediaItem> {
    const item = await this.dataSource.getRepository(MediaItem).findOneBy({ id, workspaceId: principal.workspaceId, deletedAt: IsNull() });
    if (!item) {
      throw DomainError.notFound('Media item', id);
    }
    return item;
  }

  async content(principal: Principal, id: string): Promise<{ item: MediaItem; bytes: Buffer }> {
    const item = await this.get(principal, id);
    const blob = await this.store.get(this.dataSource.manager, id, ORIGINAL);
    if (!blob) {
      throw DomainError.notFound('Media content', id);
    }
    return { item, bytes: blob.bytes };
  }

  /**
   * The bytes behind a signed URL (GET /api/media/public/{id}), for a platform that fetches them itself: a bad or
   * altered signature is a 403, a lapsed one a 410, a deleted item a 404; never the bytes unless the URL is good.
   */
  async publicContent(id: string, exp: unknown, sig: unknown): Promise<{ item: MediaItem; bytes: Buffer }> {
    const check: MediaUrlCheck = this.urls.check(id, exp, sig, this.clock.now());
    if (check === 'invalid') {
      throw DomainError.forbidden('This media link is not valid: its signature does not match (it was changed, or made for another item or key)');
    }
    if (check === 'expired') {
      throw new DomainError(DomainErrorCode.Gone, 'This media link has expired: links to library media work for one hour');
    }
    const item = await this.dataSource.getRepository(MediaItem).findOneBy({ id, deletedAt: IsNull() });
    const blob = item ? await this.store.get(this.dataSource.manager, id, ORIGINAL) : undefined;
    if (!item || !blob) {
      throw DomainError.notFound('Media item', id);
    }
    return { item, bytes: blob.bytes };
  }

  updateAltText(principal: Principal, id: string, altText: string | null): Promise<MediaItem> {
    checkAltText(altText ?? undefined);
    return this.dataSource.transaction(async (manager) => {
      const item = await this.lock(manager, principal.workspaceId, id);
      const before = { altText: item.altText };
      item.altText = altText?.trim() ? altText.trim() : null;
      await manager.update(MediaItem, { id }, { altText: item.altText });
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'media.alt_text_changed',
        targetType: 'media',
        targetId: id,
        before,
        after: { altText: item.altText },
      });
      return item;
    });
  }

  /** Deletes an item no planned post uses (a post still to go out would lose it): 409 naming those posts. */
  remove(principal: Principal, id: string): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const item = await this.lock(manager, principal.workspaceId, id);
      const users = await manager.query<{ id: string }[]>(
        `SELECT id FROM posts WHERE workspace_id = $1 AND $2::uuid = ANY(media_ids) AND status IN ('draft', 'pending_approval', 'scheduled')
          ORDER BY scheduled_at LIMIT 10 FOR KEY SHARE`,
        [principal.workspaceId, id],
      );
      if (users.length > 0) {
        throw DomainError.conflict(`${item.originalName} is used by posts still to go out (${users.map((u) => u.id).join(', ')}): remove it from them first`);
      }
      await manager.update(MediaItem, { id }, { deletedAt: new Date() });
      await manager.query('DELETE FROM media_blobs WHERE media_id = $1', [id]);
      await this.audit.record(manager, principal.workspaceId, actorOf(principal), {
        action: 'media.deleted',
        targetType: 'media',
        targetId: id,
        before: { name: item.originalName, mimeType: item.mimeType },
      });
    });
  }

  /**
   * Checks the items a post names for every platform it goes to: they exist in the workspace and fit each
   * platform's limits (resizable ones, Bluesky's byte limit, pass). A 400 names each item, platform and limit.
   */
  async checkForPost(manager: EntityManager, workspaceId: string, ids: string[], platforms: Platform[]): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    if (new Set(ids).size !== ids.length) {
      throw DomainError.invalid('mediaIds names an item more than once', ['mediaIds must not repeat an item']);
    }
    const items = await manager.getRepository(MediaItem).findBy({ id: In(ids), workspaceId, deletedAt: IsNull() });
    const missing = ids.filter((id) => !items.some((item) => item.id === id));
    if (missing.length > 0) {
      throw DomainError.invalid(`mediaIds: no media item ${missing.join(', ')} in this workspace's library`, missing.map((id) => `mediaIds: ${id} not found`));
    }
    const ordered = ids.map((id) => items.find((item) => item.id === id)!);
    const problems = [...new Set(platforms)].flatMap((platform) => mediaProblems(platform, ordered));
    if (problems.length > 0) {
      throw DomainError.invalid(`The post's media do not fit its platforms: ${problems.join('; ')}`, problems.map((p) => `mediaIds: ${p}`));
    }
  }

  /** MediaSource: the items in the post's order, with bytes fit for `platform` (a resized variant made once, then kept). */
  async forPublish(workspaceId: string, mediaIds: string[], platform: Platform): Promise<PublishMedia[]> {
    const items = await this.dataSource.getRepository(MediaItem).findBy({ id: In(mediaIds), workspaceId, deletedAt: IsNull() });
    return mediaIds.map((id) => {
      const item = items.find((i) => i.id === id);
      if (!item) {
        throw new PublishError({ kind: 'permanent', reason: `The post's media item ${id} was deleted from the library` });
      }
      const limits = PLATFORM_MEDIA_LIMITS[platform];
      const resize = item.kind === 'image' && limits.resizeImagesOver === true && item.byteSize > limits.imageBytes;
      return {
        id: item.id,
        kind: item.kind,
        mimeType: resize ? 'image/jpeg' : item.mimeType,
        byteSize: item.byteSize,
        width: item.width,
        height: item.height,
        altText: item.altText,
        read: () => (resize ? this.variant(item, platform, limits.imageBytes) : this.original(item)),
        // The original's bytes: platforms that fetch by URL (Instagram) resize nothing here.
        ...(resize ? {} : { publicUrl: () => this.urls.url(item.id, this.clock.now()) }),
      };
    });
  }

  private async original(item: MediaItem): Promise<Buffer> {
    const blob = await this.store.get(this.dataSource.manager, item.id, ORIGINAL);
    if (!blob) {
      throw new PublishError({ kind: 'permanent', reason: `The bytes of media item ${item.originalName} (${item.id}) are missing from the store` });
    }
    return blob.bytes;
  }

  /** The platform's resized variant, made on first use and kept (a retry or the next post reuses it). */
  private async variant(item: MediaItem, platform: Platform, maxBytes: number): Promise<Buffer> {
    const kept = await this.store.get(this.dataSource.manager, item.id, platform);
    if (kept) {
      return kept.bytes;
    }
    const fitted = await fitUnder(await this.original(item), maxBytes);
    await this.store.put(this.dataSource.manager, item.id, platform, 'image/jpeg', fitted.bytes);
    return fitted.bytes;
  }

  private async lock(manager: EntityManager, workspaceId: string, id: string): Promise<MediaItem> {
    const item = await manager.findOne(MediaItem, { where: { id, workspaceId, deletedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
    if (!item) {
      throw DomainError.notFound('Media item', id);
    }
    return item;
  }
}

function checkAltText(altText: string | undefined): void {
  if (altText !== undefined && [...altText].length > ALT_TEXT_MAX) {
    const problem = `altText is ${[...altText].length} characters; the library keeps up to ${ALT_TEXT_MAX} (X takes 1,000, Mastodon 1,500)`;
    throw DomainError.invalid(problem, [problem]);
  }
}

/** The uploader's file name, as shown back: no path, no control characters, at most 200 characters. */
function cleanName(name: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base === '' ? 'upload' : base.slice(0, 200);
}
