import { type Backlog, boardFile, diffBacklogs, readRecords } from '@refinery/shared'
import { Hono } from 'hono'
import * as Y from 'yjs'
import type { AppEnv } from '../http/env'
import { apiError } from '../http/errors'
import { boardAccess } from './access'
import { currentBacklog } from './backlogRoutes'
import type { BoardStore } from './boardStore'
import type { BoardDocuments } from './routes'
import type { VersionStore } from './versionStore'

export interface VersionDeps {
  boards: BoardStore
  versions: VersionStore
  documents: BoardDocuments
  publicUrl: string
}

/**
 * Looking back at finished versions: what changed between two refinements (or since the last one),
 * and the board as it was (a board file of section 9), to open read-only.
 */
export function versionRoutes({ boards, versions, documents, publicUrl }: VersionDeps) {
  const members = boardAccess(boards, 'board:read')
  const noSuchVersion = 'No such version of this board'

  /** A version's backlog, or the live board's for `live`. */
  const backlogOf = (boardId: string, versionId: string): Promise<Backlog | undefined> =>
    versionId === 'live'
      ? currentBacklog(documents, boardId, publicUrl)
      : versions.backlog(boardId, versionId).then((version) => version?.backlog)

  return new Hono<AppEnv>()
    .get('/:id/versions/:versionId/diff', members, async (c) => {
      const boardId = c.var.board.id
      const against = c.req.query('against')
      if (!against) {
        return apiError(
          c,
          400,
          'invalid_request',
          'Say what to compare with: ?against=<version id> or ?against=live',
        )
      }
      const [before, after] = await Promise.all([
        backlogOf(boardId, c.req.param('versionId')),
        backlogOf(boardId, against),
      ])
      if (!before || !after) return apiError(c, 404, 'not_found', noSuchVersion)
      c.header('Cache-Control', 'no-store')
      return c.json(diffBacklogs(before, after))
    })
    .get('/:id/versions/:versionId/board', members, async (c) => {
      const boardId = c.var.board.id
      const [board, list, state] = await Promise.all([
        boards.get(boardId),
        versions.list(boardId),
        versions.state(boardId, c.req.param('versionId')),
      ])
      const version = list.find((entry) => entry.id === c.req.param('versionId'))
      if (!board || !version || !state) return apiError(c, 404, 'not_found', noSuchVersion)
      const doc = new Y.Doc()
      Y.applyUpdate(doc, state)
      const title = `${board.title} · ${version.name}`
      const file = boardFile(title, readRecords(doc), new Date(version.createdAt))
      doc.destroy()
      // A finished version never changes.
      c.header('Cache-Control', 'private, max-age=31536000, immutable')
      return c.json(file)
    })
}
