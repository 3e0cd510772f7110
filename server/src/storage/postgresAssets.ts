import { assetHash, findAssetLink, linkAsset } from './assetLinks'
import type { Sql } from './sql'
import type { AssetStore, StoredAsset } from './types'

/**
 * Images in PostgreSQL, so that every instance serves every image: the bytes in `asset_blobs`
 * (BYTEA, one row per distinct image), the links in `board_assets`.
 */
export class PostgresAssetStore implements AssetStore {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => number = Date.now,
  ) {}

  async put(boardId: string, bytes: Uint8Array, mimeType: string): Promise<StoredAsset> {
    const asset = { hash: assetHash(bytes), mimeType, size: bytes.byteLength }
    // Bytes already stored are not sent again (megabytes for nothing); two instances storing the same
    // image at once both pass the check, and the second insert does nothing.
    const stored = await this.sql.get('SELECT 1 AS stored FROM asset_blobs WHERE hash = ?', [asset.hash])
    if (!stored) {
      await this.sql.run(
        'INSERT INTO asset_blobs (hash, data, created_at) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING',
        [asset.hash, bytes, this.now()],
      )
    }
    await linkAsset(this.sql, boardId, asset, this.now())
    return asset
  }

  find(boardId: string, hash: string): Promise<StoredAsset | null> {
    return findAssetLink(this.sql, boardId, hash)
  }

  async read(hash: string): Promise<Uint8Array | null> {
    const row = await this.sql.get<{ data: Buffer }>('SELECT data FROM asset_blobs WHERE hash = ?', [hash])
    return row?.data ?? null
  }
}
