import { hash } from 'node:crypto'
import type { Sql } from './sql'
import type { StoredAsset } from './types'

/** What names a stored asset: the SHA-256 of its bytes in lowercase hex. */
export const ASSET_HASH = /^[0-9a-f]{64}$/

export function assetHash(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex')
}

/**
 * Links stored bytes to a board (`board_assets`, the same table on both engines); linking again
 * changes nothing. Called only once the bytes are stored: a crash in between leaves bytes that no
 * board links, never a link to bytes that are not there.
 */
export async function linkAsset(sql: Sql, boardId: string, asset: StoredAsset, now: number): Promise<void> {
  await sql.run(
    `INSERT INTO board_assets (board_id, hash, mime_type, size, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (board_id, hash) DO NOTHING`,
    [boardId, asset.hash, asset.mimeType, asset.size, now],
  )
}

/** The asset linked to the board under `hash`, or null. */
export async function findAssetLink(sql: Sql, boardId: string, hash: string): Promise<StoredAsset | null> {
  const row = await sql.get<{ hash: string; mime_type: string; size: number }>(
    'SELECT hash, mime_type, size FROM board_assets WHERE board_id = ? AND hash = ?',
    [boardId, hash],
  )
  return row ? { hash: row.hash, mimeType: row.mime_type, size: Number(row.size) } : null
}
