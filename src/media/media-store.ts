// Where the bytes of library media live. PostgreSQL by default (the embedded database needs nothing else);
// the interface is what an S3-compatible store implements (MEDIA_STORE).
import type { EntityManager } from 'typeorm';

export abstract class MediaStore {
  /** Keeps `bytes` as `variant` of the item, in the caller's transaction where the store can take part in it. */
  abstract put(manager: EntityManager, mediaId: string, variant: string, mimeType: string, bytes: Buffer): Promise<void>;
  /** The bytes of a variant, or null when that variant was never made. */
  abstract get(manager: EntityManager, mediaId: string, variant: string): Promise<{ mimeType: string; bytes: Buffer } | null>;
}

/** MEDIA_STORE=postgres: media_blobs rows, written in the upload's transaction (an item never exists without its bytes). */
export class PostgresMediaStore extends MediaStore {
  async put(manager: EntityManager, mediaId: string, variant: string, mimeType: string, bytes: Buffer): Promise<void> {
    await manager.query(
      `INSERT INTO media_blobs (media_id, variant, mime_type, bytes) VALUES ($1, $2, $3, $4)
       ON CONFLICT (media_id, variant) DO UPDATE SET mime_type = EXCLUDED.mime_type, bytes = EXCLUDED.bytes`,
      [mediaId, variant, mimeType, bytes],
    );
  }

  async get(manager: EntityManager, mediaId: string, variant: string): Promise<{ mimeType: string; bytes: Buffer } | null> {
    const [row] = await manager.query<{ mime_type: string; bytes: Buffer }[]>('SELECT mime_type, bytes FROM media_blobs WHERE media_id = $1 AND variant = $2', [mediaId, variant]);
    return row ? { mimeType: row.mime_type, bytes: row.bytes } : null;
  }
}
