import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { assetHash, findAssetLink, linkAsset } from './assetLinks'
import type { Sql } from './sql'
import type { AssetStore, StoredAsset } from './types'

/**
 * Images beside the SQLite database: the bytes as files under `<dir>/<first 2 hex>/<hash>` (a file
 * per image rather than a BLOB, so the database and its WAL never carry megabytes), the links in
 * `board_assets`.
 */
export class SqliteAssetStore implements AssetStore {
  constructor(
    private readonly sql: Sql,
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Where the bytes of `hash` live. */
  pathOf(hash: string): string {
    return join(this.dir, hash.slice(0, 2), hash)
  }

  async put(boardId: string, bytes: Uint8Array, mimeType: string): Promise<StoredAsset> {
    const asset = { hash: assetHash(bytes), mimeType, size: bytes.byteLength }
    const path = this.pathOf(asset.hash)
    if (!(await this.holds(path, asset.size))) await this.write(path, bytes)
    await linkAsset(this.sql, boardId, asset, this.now())
    return asset
  }

  find(boardId: string, hash: string): Promise<StoredAsset | null> {
    return findAssetLink(this.sql, boardId, hash)
  }

  async read(hash: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.pathOf(hash))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }

  private async holds(path: string, size: number): Promise<boolean> {
    try {
      return (await stat(path)).size === size
    } catch {
      return false
    }
  }

  /**
   * Writes to a temporary file, flushes it to disk, then renames it into place: whatever a crash
   * interrupts, a file under an image's name holds all of its bytes. Two writers of the same image
   * each rename a whole copy over the other.
   */
  private async write(path: string, bytes: Uint8Array): Promise<void> {
    const folder = join(path, '..')
    await mkdir(folder, { recursive: true })
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`
    try {
      const file = await open(temporary, 'wx')
      try {
        await file.writeFile(bytes)
        await file.datasync()
      } finally {
        await file.close()
      }
      await rename(temporary, path)
    } catch (error) {
      await rm(temporary, { force: true })
      throw error
    }
    // The rename itself survives a power loss once the folder is flushed too.
    const handle = await open(folder, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }
}
