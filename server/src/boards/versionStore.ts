import type { Backlog } from '@refinery/shared'
import { randomToken } from '../auth/tokens'
import type { Sql } from '../storage/sql'

export interface BoardVersion {
  id: string
  name: string
  createdAt: string
  createdBy: string | null
  items: number
}

interface VersionRow {
  id: string
  name: string
  created_at: number
  created_by: string | null
  backlog: string
}

export const newVersionId = () => `v_${randomToken(9)}`

/**
 * Finished versions of a board: the document's state and the backlog made from exactly that state,
 * frozen together. Nothing here ever changes a stored version.
 */
export class VersionStore {
  constructor(private readonly sql: Sql) {}

  async save(version: {
    id: string
    boardId: string
    name: string
    state: Uint8Array
    backlog: Backlog
    createdBy: string
  }) {
    await this.sql.run(
      'INSERT INTO board_versions (id, board_id, name, state, backlog, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [
        version.id,
        version.boardId,
        version.name,
        version.state,
        JSON.stringify(version.backlog),
        version.createdBy,
        Date.parse(version.backlog.generatedAt),
      ],
    )
  }

  async list(boardId: string): Promise<BoardVersion[]> {
    const rows = await this.sql.all<VersionRow>(
      'SELECT id, name, created_at, created_by, backlog FROM board_versions WHERE board_id = ? ORDER BY created_at DESC, id',
      [boardId],
    )
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: new Date(Number(row.created_at)).toISOString(),
      createdBy: row.created_by,
      items: (JSON.parse(row.backlog) as Backlog).items.length,
    }))
  }

  async count(boardId: string): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM board_versions WHERE board_id = ?',
      [boardId],
    )
    return Number(row?.n ?? 0)
  }

  /** A finished version's name and backlog, as they were frozen. */
  async backlog(boardId: string, versionId: string): Promise<{ name: string; backlog: Backlog } | undefined> {
    const row = await this.sql.get<{ name: string; backlog: string }>(
      'SELECT name, backlog FROM board_versions WHERE board_id = ? AND id = ?',
      [boardId, versionId],
    )
    return row && { name: row.name, backlog: JSON.parse(row.backlog) as Backlog }
  }

  /** The document as it was when the version was finished, as a Yjs update. */
  async state(boardId: string, versionId: string): Promise<Uint8Array | undefined> {
    const row = await this.sql.get<{ state: Uint8Array }>(
      'SELECT state FROM board_versions WHERE board_id = ? AND id = ?',
      [boardId, versionId],
    )
    return row && new Uint8Array(row.state)
  }
}
